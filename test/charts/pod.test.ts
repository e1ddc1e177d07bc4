/**
 * The pod and container baseline (charts/lib/pod.ts): its defaults are the secure settings, and
 * each option changes exactly what it says. Core objects are also rendered through a real KubeJob,
 * so the Quantity values are checked as they land in the YAML.
 */
import { Chart } from 'cdk8s';
import { KubeJob, type Container } from 'cdk8s-plus-28/lib/imports/k8s';
import {
  canonicalQuantity,
  container,
  containerSecurityContext,
  containerValues,
  IMAGE_PULL_POLICY,
  nodeSpread,
  podSecurityContext,
  podSpec,
  podSpecValues,
  resources,
  resourceValues,
  RUN_AS,
  scratchVolumes,
  tmpDir,
  zoneSpread,
} from '../../charts/lib/pod';
import { newApp, RESTRICTED_CONTAINER, RESTRICTED_POD, TMP_MOUNTS, TMP_VOLUMES } from './helpers';

/** A pod spec as it is written to YAML: rendered through a Job, so Quantity and IntOrString values become plain. */
function rendered(spec: ReturnType<typeof podSpec>): any {
  const chart = new Chart(newApp(), 'test');
  new KubeJob(chart, 'job', { metadata: { name: 'job' }, spec: { template: { spec } } });
  return chart.toJson()[0].spec.template.spec;
}

const app = (extra: Partial<Parameters<typeof container>[0]> = {}): Container =>
  container({ name: 'app', image: 'app:1.0.0', cpu: '250m', memory: '256Mi', ...extra });

describe('security contexts', () => {
  test('pod default: the restricted profile as the platform uid, no fsGroup', () => {
    expect(podSecurityContext()).toEqual(RESTRICTED_POD);
    expect(podSecurityContext()).not.toHaveProperty('fsGroup');
    expect(RUN_AS).toBe(10001);
  });

  test('pod uid, fsGroup and its change policy', () => {
    expect(podSecurityContext({ uid: 185, fsGroup: true })).toEqual({ ...RESTRICTED_POD, runAsUser: 185, runAsGroup: 185, fsGroup: 185 });
    expect(podSecurityContext({ fsGroup: true, fsGroupChangePolicy: 'OnRootMismatch' })).toMatchObject({
      fsGroup: RUN_AS,
      fsGroupChangePolicy: 'OnRootMismatch',
    });
    expect(() => podSecurityContext({ fsGroupChangePolicy: 'OnRootMismatch' })).toThrow(/needs fsGroup/);
  });

  test('container default: restricted, read-only root, every capability dropped', () => {
    expect(containerSecurityContext()).toEqual(RESTRICTED_CONTAINER);
  });

  test('container readOnlyRoot false leaves the field unset; uid "image" sets no user at all', () => {
    const writable = containerSecurityContext({ readOnlyRoot: false });
    expect(writable).not.toHaveProperty('readOnlyRootFilesystem');
    expect(writable).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const imageUser = containerSecurityContext({ uid: 'image' });
    for (const field of ['runAsNonRoot', 'runAsUser', 'runAsGroup']) expect(imageUser).not.toHaveProperty(field);
    expect(imageUser).toMatchObject({ privileged: false, readOnlyRootFilesystem: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(containerSecurityContext({ uid: 185 })).toMatchObject({ runAsUser: 185, runAsGroup: 185 });
  });
});

describe('resources and scratch volumes', () => {
  test('CPU limit twice the request, memory limit equal; plain strings for custom resources', () => {
    expect(resourceValues('250m', '1Gi')).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } });
    expect(resourceValues('1.5', '2Gi').limits.cpu).toBe('3');
  });

  test('GPUs are requested and limited alike; none unless asked', () => {
    const withGpus = rendered(podSpec({ serviceAccount: 'sa', priorityClass: 'batch', containers: [app({ gpus: 2 })] })).containers[0].resources;
    expect(withGpus).toEqual({
      requests: { cpu: '250m', memory: '256Mi', 'nvidia.com/gpu': 2 },
      limits: { cpu: '500m', memory: '256Mi', 'nvidia.com/gpu': 2 },
    });
    expect(Object.keys(resources('1', '1Gi').requests!)).toEqual(['cpu', 'memory']);
  });

  test('scratch volumes and their mounts, in the order given', () => {
    expect(scratchVolumes([tmpDir('1Gi'), { name: 'work', mountPath: '/work', sizeLimit: '2Gi' }])).toEqual({
      volumes: [
        { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
        { name: 'work', emptyDir: { sizeLimit: '2Gi' } },
      ],
      volumeMounts: [
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'work', mountPath: '/work' },
      ],
    });
  });
});

describe('container', () => {
  test('defaults: pinned pull policy, restricted, /tmp, requests and limits, nothing else', () => {
    const pod = rendered(podSpec({ serviceAccount: 'sa', priorityClass: 'online', containers: [app()] }));
    expect(pod.containers).toEqual([
      {
        name: 'app',
        image: 'app:1.0.0',
        imagePullPolicy: IMAGE_PULL_POLICY,
        securityContext: RESTRICTED_CONTAINER,
        resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        volumeMounts: TMP_MOUNTS,
      },
    ]);
    expect(IMAGE_PULL_POLICY).toBe('IfNotPresent');
  });

  test('env, command, args and mounts as given; an empty command is the image entrypoint', () => {
    const env = [{ name: 'A', value: '1' }];
    const c = app({ env, command: ['python'], args: ['train.py'], volumeMounts: [{ name: 'data', mountPath: '/data' }] });
    expect(c).toMatchObject({ env, command: ['python'], args: ['train.py'] });
    expect(c.volumeMounts).toEqual([...TMP_MOUNTS, { name: 'data', mountPath: '/data' }]);
    expect(app({ command: [] })).not.toHaveProperty('command');
  });

  test('http: a named TCP port and readiness and liveness probes on the health path', () => {
    const pod = rendered(podSpec({ serviceAccount: 'sa', priorityClass: 'online', containers: [app({ http: { port: 8080, healthPath: '/healthz' } })] }));
    const probe = { httpGet: { path: '/healthz', port: 'http' }, timeoutSeconds: 2 };
    expect(pod.containers[0]).toMatchObject({
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      readinessProbe: { ...probe, periodSeconds: 10, failureThreshold: 3 },
      livenessProbe: { ...probe, initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 3 },
    });
    const named = app({ http: { port: 9000, portName: 'health', healthPath: '/h', startSeconds: 30 } });
    expect(named.ports).toEqual([{ name: 'health', containerPort: 9000, protocol: 'TCP' }]);
    expect(named.livenessProbe!.initialDelaySeconds).toBe(30);
    expect(app()).not.toHaveProperty('ports');
    expect(app()).not.toHaveProperty('readinessProbe');
  });

  test('http with startupSeconds: a startup probe every 5 s for that long, and liveness only after it', () => {
    const slow = app({ http: { port: 9003, healthPath: '/healthz', startupSeconds: 302 } });
    expect(slow.startupProbe).toMatchObject({ httpGet: { path: '/healthz' }, periodSeconds: 5, failureThreshold: 61 });
    expect(slow.livenessProbe!.initialDelaySeconds).toBeUndefined();
    expect(app({ http: { port: 1, healthPath: '/h' } })).not.toHaveProperty('startupProbe');
    expect(() => app({ http: { port: 1, healthPath: '/h', startSeconds: 5, startupSeconds: 60 } })).toThrow(/one/);
  });

  test('values: plain resources; no name or image (the operator supplies them) means neither, nor a pull policy', () => {
    expect(containerValues({ cpu: '1', memory: '1Gi', readOnlyRoot: false })).toEqual({
      securityContext: containerSecurityContext({ readOnlyRoot: false }),
      resources: resourceValues('1', '1Gi'),
    });
    expect(containerValues({ name: 'm', image: 'm:1', cpu: '1', memory: '1Gi' })).toMatchObject({
      name: 'm',
      image: 'm:1',
      imagePullPolicy: 'IfNotPresent',
      volumeMounts: TMP_MOUNTS,
    });
  });
});

describe('podSpec', () => {
  test('defaults: its own service account, no API token, no service links, restricted, /tmp', () => {
    const pod = rendered(podSpec({ serviceAccount: 'app', priorityClass: 'online', containers: [app()] }));
    expect(pod).toEqual({
      serviceAccountName: 'app',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      priorityClassName: 'online',
      securityContext: RESTRICTED_POD,
      volumes: TMP_VOLUMES,
      containers: [expect.objectContaining({ name: 'app' })],
    });
  });

  test('mountToken mounts the API token; serviceLinks true leaves the field at the Kubernetes default', () => {
    const spec = podSpec({ serviceAccount: 'sa', priorityClass: 'batch', mountToken: true, serviceLinks: true, containers: [app()] });
    expect(spec.automountServiceAccountToken).toBe(true);
    expect(spec).not.toHaveProperty('enableServiceLinks');
  });

  test('tmp size; extra volumes after /tmp; fsGroup for writable volumes', () => {
    const data = { name: 'data', persistentVolumeClaim: { claimName: 'data' } };
    const pod = rendered(
      podSpec({
        serviceAccount: 'sa',
        priorityClass: 'batch',
        tmp: '1Gi',
        volumes: [data],
        fsGroup: true,
        containers: [app({ volumeMounts: [{ name: 'data', mountPath: '/d' }] })],
      }),
    );
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }, data]);
    expect(pod.securityContext.fsGroup).toBe(RUN_AS);
  });

  test('tmp false goes with writable-root containers; a mount without its volume is refused', () => {
    const spec = podSpec({ serviceAccount: 'sa', priorityClass: 'batch', tmp: false, containers: [app({ readOnlyRoot: false })] });
    expect(spec).not.toHaveProperty('volumes');
    expect(spec.containers[0]).not.toHaveProperty('volumeMounts');
    expect(() => podSpec({ serviceAccount: 'sa', priorityClass: 'batch', tmp: false, containers: [app()] })).toThrow(/container app mounts volume "tmp"/);
    expect(() => podSpec({ serviceAccount: 'sa', priorityClass: 'batch', containers: [app({ volumeMounts: [{ name: 'x', mountPath: '/x' }] })] })).toThrow(
      /"x"/,
    );
  });

  test('scheduling fields pass through as given, and only when given', () => {
    const selector = { app: 'a' };
    const spec = podSpec({
      serviceAccount: 'sa',
      priorityClass: 'batch',
      restartPolicy: 'Never',
      topologySpreadConstraints: [zoneSpread(selector), nodeSpread(selector)],
      containers: [app()],
    });
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.topologySpreadConstraints!.map((t) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(spec.topologySpreadConstraints![1]).toEqual({
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: selector },
    });
    for (const field of ['affinity', 'tolerations']) expect(spec).not.toHaveProperty(field);
  });

  test('values: the same baseline with plain sizes, for custom resources', () => {
    const pod = podSpecValues({ serviceAccount: 'sa', priorityClass: 'online', containers: [containerValues({ name: 'm', cpu: '1', memory: '1Gi' })] });
    expect(pod).toMatchObject({ automountServiceAccountToken: false, enableServiceLinks: false, securityContext: RESTRICTED_POD, volumes: TMP_VOLUMES });
    const writable = podSpecValues({
      serviceAccount: 'sa',
      priorityClass: 'online',
      tmp: false,
      containers: [containerValues({ name: 'm', cpu: '1', memory: '1Gi', readOnlyRoot: false })],
    });
    expect(writable).not.toHaveProperty('volumes');
    expect(() =>
      podSpecValues({ serviceAccount: 'sa', priorityClass: 'online', tmp: false, containers: [containerValues({ name: 'm', cpu: '1', memory: '1Gi' })] }),
    ).toThrow(/mounts volume "tmp"/);
  });
});

describe('canonicalQuantity: quantities as Kubernetes writes them back (a webhook re-serialising a custom resource would otherwise be drift)', () => {
  test.each([
    ['1000m', '1'],
    ['500m', '500m'],
    ['1.5', '1500m'],
    ['2000', '2k'],
    ['4000m', '4'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['2048Mi', '2Gi'],
    ['128974848', '128974848'],
    ['0', '0'],
  ])('%s → %s', (given, canonical) => expect(canonicalQuantity(given)).toBe(canonical));

  test('limits and requests come out canonical: a 500m request bursts to 1 CPU, not 1000m', () => {
    expect(resourceValues('500m', '1024Mi')).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(() => canonicalQuantity('1.5Ki1')).toThrow(/not a Kubernetes quantity/);
  });
});
