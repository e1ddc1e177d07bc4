/**
 * What the model's rules share: how a problem is reported, and the checks every workload's rules use
 * (pinned images, ranges, quantities, cron schedules, derived storage account names). Rules read the
 * raw spec defensively, since they also run on specs whose shape is wrong.
 */
import { hasRegistryHost } from './images';
import { workloadStorageAccountName } from './naming';
import type { Cloud, EnvironmentSpec, WorkloadName } from './types';

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export type Report = (path: string, message: string) => void;

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
export const q = (v: unknown) => JSON.stringify(v);

/** Azure storage account naming rules. */
export function storageAccountNameProblem(name: string): string | undefined {
  return /^[a-z0-9]{3,24}$/.test(name) ? undefined : 'must be 3–24 lowercase letters and digits (Azure storage account rule)';
}

export function isCron(schedule: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
}

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
const QUANTITY = /^(\d+(\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;

/** What is wrong with an image reference's pinning (tag or digest, not latest), or undefined. */
export function imagePinProblem(image: string): string | undefined {
  const [reference, digest] = image.split('@');
  if (digest !== undefined) return /^sha256:[0-9a-f]{64}$/.test(digest) ? undefined : 'has a malformed digest';
  const last = reference.split('/').pop() ?? '';
  if (!last.includes(':')) return 'is not pinned: add a tag or a digest';
  const tag = last.slice(last.indexOf(':') + 1);
  if (tag === 'latest') return 'uses the latest tag: pin a version or a digest';
  return /^[\w][\w.-]{0,127}$/.test(tag) ? undefined : `has an invalid tag ${q(tag)}`;
}

/** ECR holds only the repositories the model creates; ACR takes any repository name on push. */
const SHORT_IMAGES_NAME_A_REPOSITORY: Readonly<Record<Cloud, boolean>> = { aws: true, azure: false };

/** Whether each cloud gives a workload its own storage account (whose derived name must fit 24 characters); AWS uses buckets. */
const WORKLOAD_STORAGE_ACCOUNTS: Readonly<Record<Cloud, boolean>> = { aws: false, azure: true };

/** An image a workload runs: pinned, and on AWS a short reference must name one of the environment's ECR repositories. */
export function checkImage(env: EnvironmentSpec, image: unknown, path: string, cloud: Cloud | undefined, report: Report): void {
  if (!isString(image)) return;
  const problem = imagePinProblem(image);
  if (problem) report(path, `${q(image)} ${problem}`);
  const repository = image.split(/[:@]/)[0];
  if (cloud && SHORT_IMAGES_NAME_A_REPOSITORY[cloud] && !hasRegistryHost(image) && !(env.cluster?.repositories ?? []).includes(repository))
    report(path, `${q(image)} names repository ${q(repository)}, which is not in cluster.repositories (add it, or give a full reference with a registry host)`);
}

/** A storage account name derived for a workload must fit Azure's 24 characters. */
export function checkWorkloadStorageAccount(
  env: EnvironmentSpec,
  at: string,
  platformName: string,
  workload: WorkloadName,
  cloud: Cloud | undefined,
  report: Report,
): void {
  if (!cloud || !WORKLOAD_STORAGE_ACCOUNTS[cloud] || !platformName || !isString(env.name)) return;
  const account = workloadStorageAccountName(platformName, env.name, workload);
  const problem = storageAccountNameProblem(account);
  if (problem) report(at, `the derived storage account name ${q(account)} ${problem}; use a shorter environment or platform name`);
}

export function checkRange(value: unknown, path: string, min: number, max: number, report: Report): void {
  if (isInt(value) && (value < min || value > max)) report(path, `${value} must be from ${min} to ${max}`);
}

export function checkQuantity(value: unknown, path: string, report: Report): void {
  if (isString(value) && !QUANTITY.test(value)) report(path, `${q(value)} is not a Kubernetes quantity (e.g. 250m, 512Mi)`);
}

export const CONTAINER_NAME = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
