/**
 * The model's list of in-cluster volumes (what `npm run cost` prices) against what synth renders: every claim a chart
 * writes, in whatever form the operator takes it, is declared by its workload or the platform, with its size and count.
 */
import { parseAllDocuments } from 'yaml';
import { loadPlatform } from '../../src/model/load';
import { clusterVolumes } from '../../src/model/volumes';
import { defaultPlatform } from '../../src/platform';
import { DEFAULT_OUTPUTS_DIR } from '../../src/synth/outputs';
import { synthesizeEnvironment } from '../../src/synth/synthesize';
import { parseQuantity } from '../../src/validate/cluster/quantity';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
function gib(q: unknown): number {
  const bytes = parseQuantity(q);
  if (bytes === undefined) throw new Error(`${JSON.stringify(q)} is not a quantity`);
  return bytes / 2 ** 30;
}

/**
 * Every claimed size in a rendered object, repeated once per replica of the nearest enclosing `replicaCount` /
 * `replicas`: claim templates (`volumeClaimTemplate`, `persistentVolumeClaim`: `spec.resources.requests.storage`)
 * and chart volume values (`{ size, storageClass | storageClassName }`, etcd's persistence and Pulsar's volumes),
 * a StatefulSet's `volumeClaimTemplates` and PersistentVolumeClaim objects.
 */
function claimedSizes(node: unknown, replicas = 1, key = ''): number[] {
  // A StatefulSet's volumeClaimTemplates: each item a claim template.
  if (Array.isArray(node)) return node.flatMap((n) => claimedSizes(n, replicas, key === 'volumeClaimTemplates' ? 'volumeClaimTemplate' : ''));
  if (!isObject(node)) return [];
  if (node.kind === 'PersistentVolumeClaim') return claimedSizes({ persistentVolumeClaim: { spec: node.spec } });
  const own = typeof node.replicaCount === 'number' ? node.replicaCount : typeof node.replicas === 'number' ? node.replicas : replicas;
  if ((key === 'volumeClaimTemplate' || key === 'persistentVolumeClaim') && isObject(node.spec)) {
    const storage = ((node.spec.resources as Json | undefined)?.requests as Json | undefined)?.storage;
    return Array<number>(own).fill(gib(storage));
  }
  if (typeof node.size === 'string' && ('storageClass' in node || 'storageClassName' in node)) return Array<number>(own).fill(gib(node.size));
  return Object.entries(node).flatMap(([k, v]) => claimedSizes(v, own, k));
}

describe('the claims the walker finds', () => {
  it('reads every form a claim takes, once per replica', () => {
    const statefulSet = { kind: 'StatefulSet', spec: { replicas: 3, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: '10Gi' } } } }] } };
    const claim = { kind: 'PersistentVolumeClaim', spec: { resources: { requests: { storage: '5Gi' } } } };
    const chartValues = { etcd: { replicaCount: 2, persistence: { size: '8Gi', storageClass: 'gp3' } } };
    expect([statefulSet, claim, chartValues].flatMap((doc) => claimedSizes(doc))).toEqual([10, 10, 10, 5, 8, 8]);
    expect(() => gib('50gi')).toThrow('"50gi" is not a quantity');
  });
});

describe('clusterVolumes matches the claims synth renders', () => {
  const platform = loadPlatform(defaultPlatform);
  it.each(platform.environments.map((env) => [env.name, env] as const))('%s', (_, env) => {
    const { files } = synthesizeEnvironment(platform, env, { outputsDir: DEFAULT_OUTPUTS_DIR });
    const rendered = [...files]
      .filter(([f]) => f.endsWith('.yaml'))
      .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS() as unknown))
      .flatMap((doc) => claimedSizes(doc))
      .sort((a, b) => a - b);
    const declared = clusterVolumes(env)
      .flatMap((v) => Array<number>(v.count).fill(gib(v.size)))
      .sort((a, b) => a - b);
    expect(rendered.length).toBeGreaterThan(0);
    expect(declared).toEqual(rendered);
  });
});
