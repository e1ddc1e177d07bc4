/** The workload registry: what each enabled workload asks of the platform layer, and how the registry composes it. */
import { loadPlatform } from '../../src/model/load';
import type { EnvironmentSpec, PlatformSpec } from '../../src/model/types';
import { WORKLOAD_NAMES } from '../../src/model/types';
import { kedaWorkloads, platformNeeds, WORKLOADS } from '../../src/model/workloads';
import { defaultPlatform } from '../../src/platform';

const envOf = (name: string, spec: PlatformSpec = defaultPlatform) => loadPlatform(spec).environments.find((e) => e.name === name)!;
const without = (name: string, off: (keyof NonNullable<EnvironmentSpec['workloads']>)[]): PlatformSpec => {
  const spec = structuredClone(defaultPlatform);
  const env = spec.environments.find((e) => e.name === name)!;
  for (const w of off) env.workloads![w] = { enabled: false } as never;
  return spec;
};

describe('the workload registry', () => {
  test('has one module per workload name, each with a shape of its own', () => {
    expect(Object.keys(WORKLOADS).sort()).toEqual([...WORKLOAD_NAMES].sort());
    for (const w of WORKLOAD_NAMES) expect(WORKLOADS[w].shape).toMatchObject({ kind: 'object', fields: { enabled: { required: true } } });
  });

  test('the platform layer serves exactly what the enabled workloads ask for', () => {
    expect(platformNeeds(envOf('aws-prod'))).toEqual({ awsInterfaceEndpoints: ['bedrock-runtime', 'glue'], keda: 'helm', postgres: true });
    expect(platformNeeds(envOf('azure-prod'))).toMatchObject({ keda: 'aks-addon', postgres: true });
    // azure-dev runs KEDA from its chart, as AWS does.
    expect(platformNeeds(envOf('azure-dev')).keda).toBe('helm');
  });

  test('a workload switched off asks for nothing', () => {
    expect(platformNeeds(envOf('aws-prod', without('aws-prod', ['rag', 'lakehouse'])))).toEqual({
      awsInterfaceEndpoints: [],
      keda: 'helm',
      postgres: true,
    });
    expect(platformNeeds(envOf('azure-prod', without('azure-prod', ['mlops', 'edw'])))).toEqual({
      awsInterfaceEndpoints: ['bedrock-runtime', 'glue'],
      keda: undefined,
      postgres: false,
    });
    expect(kedaWorkloads(envOf('aws-dev'))).toEqual(['edw']);
    expect(kedaWorkloads(envOf('aws-dev', without('aws-dev', ['edw'])))).toEqual([]);
  });
});
