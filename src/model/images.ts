/** Image references: a short `repository:tag` resolves to the environment's own registry (ECR or ACR). */
import { forCloud } from './cloud';
import { containerRegistryName } from './naming';
import type { EnvironmentSpec } from './types';

/** A registry host in an image reference: the first path segment has a dot or a port, or is localhost. */
export function hasRegistryHost(image: string): boolean {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
}

/** `repository:tag` → the full reference in the environment's own registry (ECR or ACR). */
export function resolveImage(platformName: string, spec: EnvironmentSpec, image: string): string {
  if (hasRegistryHost(image)) return image;
  return forCloud(spec, {
    aws: ({ aws, region, name }) => `${aws.accountId}.dkr.ecr.${region}.amazonaws.com/${platformName}/${name}/${image}`,
    azure: ({ name }) => `${containerRegistryName(platformName, name)}.azurecr.io/${image}`,
  });
}
