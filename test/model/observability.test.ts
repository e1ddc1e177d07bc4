import { findProblems, loadPlatform } from '../../src/model/load';
import { NODE_EXPORTER_NAMESPACE } from '../../src/model/observability';
import { OPERATORS, operatorsFor } from '../../src/model/operators';
import { defaultPlatform } from '../../src/platform';

type Spec = any;
const AWS_DEV = 0,
  AWS_PROD = 1,
  AZ_DEV = 2;

function edited(mutate: (spec: Spec) => void): Spec {
  const spec = structuredClone(defaultPlatform) as Spec;
  mutate(spec);
  return spec;
}

describe('observability in the model', () => {
  test('on by default, with the retention and volume of the stage', () => {
    const [awsDev, awsProd] = loadPlatform(defaultPlatform).environments;
    expect(awsDev.observability).toEqual({ enabled: true, retentionDays: 7, volumeGi: 50, managedStore: false, opencost: false });
    expect(awsProd.observability).toEqual({ enabled: true, retentionDays: 15, volumeGi: 200, managedStore: true, opencost: true });
  });

  test('what the model sets is kept', () => {
    const spec = edited((s) => (s.environments[AWS_PROD].observability = { retentionDays: 30, volumeGi: 100 }));
    expect(loadPlatform(spec).environments[AWS_PROD].observability).toEqual({
      enabled: true,
      retentionDays: 30,
      volumeGi: 100,
      managedStore: true,
      opencost: true,
    });
  });

  test('OpenCost follows the model: off in prod, on in dev when asked; never with observability off', () => {
    const spec = edited((s) => {
      s.environments[AWS_DEV].observability = { opencost: true };
      s.environments[AWS_PROD].observability = { opencost: false };
      s.environments[AZ_DEV].observability = { enabled: false };
    });
    const envs = loadPlatform(spec).environments;
    expect(envs[AWS_DEV].observability.opencost).toBe(true);
    expect(envs[AWS_PROD].observability.opencost).toBe(false);
    expect(envs[AZ_DEV].observability).toMatchObject({ enabled: false, opencost: false });
    // Azure prod too is off unless asked: without rate-card credentials OpenCost has no node prices there.
    const AZ_PROD = 3;
    expect(loadPlatform(defaultPlatform).environments[AZ_PROD].observability.opencost).toBe(false);
    const asked = edited((s) => (s.environments[AZ_PROD].observability = { opencost: true }));
    expect(loadPlatform(asked).environments[AZ_PROD].observability.opencost).toBe(true);
    const problems = findProblems(edited((s) => (s.environments[AWS_PROD].observability = { enabled: false, opencost: true })));
    expect(problems).toEqual([{ path: `environments[${AWS_PROD}].observability.opencost`, message: expect.stringMatching(/needs observability.enabled/) }]);
    const wrongType = findProblems(edited((s) => (s.environments[AWS_PROD].observability = { opencost: 'yes' })));
    expect(wrongType.map((p) => p.path)).toEqual([`environments[${AWS_PROD}].observability.opencost`]);
  });

  test('the managed store follows the model: off in prod, on in dev when asked; never with observability off', () => {
    const spec = edited((s) => {
      s.environments[AWS_DEV].observability = { managedStore: true };
      s.environments[AWS_PROD].observability = { managedStore: false };
      s.environments[AZ_DEV].observability = { enabled: false };
    });
    const envs = loadPlatform(spec).environments;
    expect(envs[AWS_DEV].observability.managedStore).toBe(true);
    expect(envs[AWS_PROD].observability.managedStore).toBe(false);
    expect(envs[AZ_DEV].observability).toMatchObject({ enabled: false, managedStore: false });
  });

  test('a managed store with observability off is refused: Prometheus is what writes to it', () => {
    const problems = findProblems(edited((s) => (s.environments[AWS_PROD].observability = { enabled: false, managedStore: true })));
    expect(problems).toEqual([{ path: `environments[${AWS_PROD}].observability.managedStore`, message: expect.stringMatching(/needs observability.enabled/) }]);
  });

  test('managedStore must be a boolean', () => {
    const problems = findProblems(edited((s) => (s.environments[AWS_PROD].observability = { managedStore: 'yes' })));
    expect(problems.map((p) => p.path)).toEqual([`environments[${AWS_PROD}].observability.managedStore`]);
  });

  test.each([
    ['retentionDays', 0, /must be 1–90, got 0/],
    ['retentionDays', 91, /must be 1–90, got 91/],
    ['volumeGi', 5, /must be 10–4096, got 5/],
  ])('%s %s is refused at its path', (field, value, message) => {
    const problems = findProblems(edited((s) => (s.environments[AZ_DEV].observability = { [field]: value })));
    expect(problems).toContainEqual({ path: `environments[${AZ_DEV}].observability.${field}`, message: expect.stringMatching(message) });
  });

  test('a volume too small for the retention is refused, naming the size it needs', () => {
    const problems = findProblems(edited((s) => (s.environments[AWS_DEV].observability = { retentionDays: 30 })));
    expect(problems).toEqual([
      { path: `environments[${AWS_DEV}].observability.volumeGi`, message: expect.stringMatching(/50 GiB cannot hold 30 days .*at least 60/) },
    ]);
  });

  test('an unknown field is refused', () => {
    const problems = findProblems(edited((s) => (s.environments[AWS_DEV].observability = { grafana: true })));
    expect(problems.map((p) => p.path)).toEqual([`environments[${AWS_DEV}].observability.grafana`]);
  });
});

describe('the observability operators', () => {
  const envs = loadPlatform(defaultPlatform).environments;

  test.each(envs.map((e) => [e.name, e] as const))(
    '%s: kube-prometheus-stack after cert-manager (its webhook certificate), the DCGM exporter after it',
    (_n, env) => {
      const ordered = operatorsFor(env);
      expect(ordered).toContain('kube-prometheus-stack');
      expect(ordered.indexOf('cert-manager')).toBeLessThan(ordered.indexOf('kube-prometheus-stack'));
      if (env.cluster.gpuPools.length > 0) expect(ordered.indexOf('kube-prometheus-stack')).toBeLessThan(ordered.indexOf('dcgm-exporter'));
    },
  );

  test('the DCGM exporter only where there are GPU pools', () => {
    const spec = edited((s) => {
      s.environments[AZ_DEV].cluster.gpuPools = [];
      s.environments[AZ_DEV].workloads.mlops.training = [];
    });
    const env = loadPlatform(spec).environments[AZ_DEV];
    expect(operatorsFor(env)).toContain('kube-prometheus-stack');
    expect(operatorsFor(env)).not.toContain('dcgm-exporter');
  });

  test('observability off: neither release', () => {
    const env = loadPlatform(edited((s) => (s.environments[AWS_DEV].observability = { enabled: false }))).environments[AWS_DEV];
    expect(operatorsFor(env)).not.toContain('kube-prometheus-stack');
    expect(operatorsFor(env)).not.toContain('dcgm-exporter');
  });

  test('the monitoring namespace stays restricted: the node exporter (privileged, with its reason) has its own; the DCGM exporter is privileged, saying why', () => {
    const kps = OPERATORS['kube-prometheus-stack'];
    expect(kps.podSecurity).toEqual({ level: 'restricted' });
    expect(kps.otherNamespaces).toEqual([
      { name: NODE_EXPORTER_NAMESPACE, podSecurity: { level: 'privileged', reason: expect.stringMatching(/host network .*hostPath/) } },
    ]);
    expect(OPERATORS['dcgm-exporter'].podSecurity).toEqual({ level: 'privileged', reason: expect.stringMatching(/pod-resources socket .*SYS_ADMIN/) });
    expect(kps.provides).toEqual(
      expect.arrayContaining(['monitoring.coreos.com/v1 ServiceMonitor', 'monitoring.coreos.com/v1 PodMonitor', 'monitoring.coreos.com/v1 PrometheusRule']),
    );
  });
});
