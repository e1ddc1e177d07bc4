import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadPlatform } from '../../src/model/load';
import type { Platform } from '../../src/model/types';
import { defaultPlatform } from '../../src/platform';
import { validateKubernetesDir, validateManifest } from '../../src/validate/kubernetes';
import { environmentOf, manifestBundle } from '../../src/validate/run';

/** aws-dev and azure-dev on the versions given (aws-dev's system pool fixed: no Cluster Autoscaler chart needed). */
function platformOn(aws: string, azure: string): Platform {
  const spec: any = structuredClone(defaultPlatform);
  spec.environments[0].cluster.kubernetesVersion = aws;
  spec.environments[0].cluster.systemPool = { ...spec.environments[0].cluster.systemPool, min: 3, max: 3 };
  spec.environments[2].cluster.kubernetesVersion = azure;
  return loadPlatform(spec);
}

const pod = (spec: object) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app', namespace: 'app' },
  spec: {
    selector: { matchLabels: { app: 'app' } },
    template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1' }], ...spec } },
  },
});

describe("each environment's manifests against its own Kubernetes version", () => {
  const platform = platformOn('1.35', '1.36');

  it('accepts a field its version serves and refuses it on a version that does not', () => {
    const withWorkloadRef = pod({ workloadRef: { name: 'w', podGroup: 'g' } });
    expect(validateManifest(withWorkloadRef, manifestBundle('aws-dev', platform))).toEqual([]);
    expect(validateManifest(withWorkloadRef, manifestBundle('azure-dev', platform))).toEqual([
      expect.objectContaining({ path: 'spec.template.spec.workloadRef', message: expect.stringMatching(/unknown field/) }),
    ]);
    const withHostnameOverride = pod({ hostnameOverride: 'h' });
    expect(validateManifest(withHostnameOverride, manifestBundle('aws-dev', platformOn('1.33', '1.36')))).toHaveLength(1);
    expect(validateManifest(withHostnameOverride, manifestBundle('aws-dev', platform))).toEqual([]);
  });

  it('keeps the CRDs of the project bundle', () => {
    expect(manifestBundle('aws-dev', platform).kinds['karpenter.sh/v1']?.NodePool?.source).toMatch(/^crds\//);
    expect(manifestBundle('aws-dev', platform).kinds['apps/v1']?.Deployment?.source).toBe('kubernetes/swagger-v1.35.json');
  });

  it('picks the bundle by the environment of each file when validating a directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-versions-'));
    try {
      const yaml = JSON.stringify(pod({ workloadRef: { name: 'w', podGroup: 'g' } }));
      for (const env of ['aws-dev', 'azure-dev']) {
        fs.mkdirSync(path.join(dir, env, 'kubernetes'), { recursive: true });
        fs.writeFileSync(path.join(dir, env, 'kubernetes', 'app.yaml'), yaml);
      }
      const findings = validateKubernetesDir(dir, (file) => manifestBundle(environmentOf(file), platform));
      expect(findings.map((f) => f.file)).toEqual(['azure-dev/kubernetes/app.yaml']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('falls back to the 1.28 bundle for an environment the model does not know', () => {
    expect(manifestBundle('elsewhere', platform).kinds['apps/v1']?.Deployment?.source).toBe('kubernetes/swagger-v1.28.json');
  });
});
