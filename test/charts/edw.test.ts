import { CLOUD_EGRESS_POLICY, CONSUMER_SCRAPE_POLICY, EdwChart } from '../../charts/edw/edw';
import { scrapeFlows, scrapeTargets } from '../../src/model/scrapes';
import { blockedFlows } from '../../src/validate/flows';
import { scaleQuantity } from '../../charts/lib/pod';
import { PlatformChart } from '../../charts/platform/platform';
import type { EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';
import { azureSubnetLayout } from '../../src/model/cidr';
import { resolvePlatform } from '../../src/model/defaults';
import { EDW_OUTPUTS, EDW_STACK } from '../../src/model/naming';
import { AZURE_SPOT_TAINT, KARPENTER_SPOT_TAINT, POOL_LABEL, PRIORITY_CLASSES } from '../../src/model/scheduling';
import { defaultPlatform } from '../../src/platform';
import { MissingOutputsError } from '../../src/synth/outputs';
import { synthesizeEnvironment } from '../../src/synth/synthesize';
import { validateManifest } from '../../src/validate/kubernetes';
import {
  chartKit,
  emittedObjects,
  exampleOutput,
  emptyOutputsDir,
  testEachValid,
  policyFindings,
  publicHttps,
  RESTRICTED_CONTAINER,
  RESTRICTED_POD,
  specWith,
  TMP_MOUNTS,
  TMP_VOLUMES,
  expectAppOnlyWhereEnabled,
  expectWorkloadApp,
  manifestsOf,
} from './helpers';

const { ctxOf, render, objects, ofKind, one, missingOutputs, all, aws, azure } = chartKit(EdwChart, (e) => e.edw);
function podSpecs(ctx: EnvironmentContext<Cloud, 'edw'>): [string, any][] {
  return objects(ctx).flatMap((o): [string, any][] => {
    if (o.kind === 'Deployment' || o.kind === 'Job') return [[`${o.kind}/${o.metadata.name}`, o.spec.template]];
    if (o.kind === 'CronJob') return [[`${o.kind}/${o.metadata.name}`, o.spec.jobTemplate.spec.template]];
    return [];
  });
}

describe('EdwChart', () => {
  test('the default model enables edw in all four environments', () => {
    expect(all.map(([n]) => n).sort()).toEqual(['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']);
  });

  test.each(all)('%s: objects, all in the edw namespace, listed in kustomization.yaml', (_n, ctx) => {
    const producerFile = ctx.env.edw!.producer.schedule ? 'cronjob-edw-producer.yaml' : `job-${one(ctx, 'Job').metadata.name}.yaml`;
    expectWorkloadApp(render(ctx), 'edw', ctx.names.edw!.namespace, [
      producerFile,
      'deployment-edw-consumer.yaml',
      'kustomization.yaml',
      'networkpolicy-edw-cloud-egress.yaml',
      'networkpolicy-edw-consumer-scrape.yaml',
      'poddisruptionbudget-edw-consumer.yaml',
      'scaledobject-edw-consumer.yaml',
      'serviceaccount-edw-consumer.yaml',
      'serviceaccount-edw-producer.yaml',
      'triggerauthentication-edw-queue.yaml',
    ]);
  });

  test('the chart factory is added only where edw is enabled', () => {
    expectAppOnlyWhereEnabled('aws-dev', 'edw');
  });

  describe('KEDA', () => {
    test.each(aws)('%s: aws-sqs-queue trigger on the queue URL, authenticated by edw-queue', (_n, ctx) => {
      const so = one(ctx, 'ScaledObject');
      const scaling = ctx.env.edw!.scaling;
      expect(so.apiVersion).toBe('keda.sh/v1alpha1');
      expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'edw-consumer' });
      expect(so.spec.triggers).toEqual([
        {
          name: 'queue',
          type: 'aws-sqs-queue',
          metadata: {
            queueURL: ctx.names.edw!.aws!.queueUrl,
            queueLength: String(scaling.messagesPerReplica),
            activationQueueLength: String(scaling.activationMessages - 1),
            awsRegion: ctx.env.region,
          },
          authenticationRef: { kind: 'TriggerAuthentication', name: 'edw-queue' },
        },
      ]);
      // Deprecated: the TriggerAuthentication's roleArn says who reads the queue.
      expect(so.spec.triggers[0].metadata.identityOwner).toBeUndefined();
    });

    test.each(aws)('%s: TriggerAuthentication assumes the scaler role with provider aws (never aws-eks)', (_n, ctx) => {
      const ta = one(ctx, 'TriggerAuthentication', 'edw-queue');
      expect(ta.spec).toEqual({
        podIdentity: { provider: 'aws', roleArn: `arn:aws:iam::${ctx.env.aws!.accountId}:role/${ctx.names.edw!.aws!.scalerRoleName}` },
      });
      expect(JSON.stringify(ta)).not.toContain('aws-eks');
    });

    test.each(azure)('%s: azure-queue trigger on the account and queue, authenticated by edw-queue', (_n, ctx) => {
      const so = one(ctx, 'ScaledObject');
      const scaling = ctx.env.edw!.scaling;
      expect(so.spec.triggers).toEqual([
        {
          name: 'queue',
          type: 'azure-queue',
          metadata: {
            queueName: ctx.names.edw!.azure!.queueName,
            accountName: ctx.names.edw!.azure!.storageAccountName,
            queueLength: String(scaling.messagesPerReplica),
            activationQueueLength: String(scaling.activationMessages - 1),
          },
          authenticationRef: { kind: 'TriggerAuthentication', name: 'edw-queue' },
        },
      ]);
    });

    test.each(azure)('%s: TriggerAuthentication uses azure-workload with the scaler client id from the outputs file', (name, ctx) => {
      const ta = one(ctx, 'TriggerAuthentication', 'edw-queue');
      expect(ta.spec).toEqual({ podIdentity: { provider: 'azure-workload', identityId: exampleOutput(name, EDW_STACK, EDW_OUTPUTS.scalerClientId) } });
    });

    test.each(all)('%s: replica bounds and timing from the model; scale to zero gives minReplicaCount 0', (_n, ctx) => {
      const so = one(ctx, 'ScaledObject');
      const scaling = ctx.env.edw!.scaling;
      expect(scaling.scaleToZero).toBe(true);
      expect(so.spec).toMatchObject({
        minReplicaCount: 0,
        maxReplicaCount: scaling.maxReplicas,
        pollingInterval: scaling.pollingIntervalSeconds,
        cooldownPeriod: scaling.cooldownSeconds,
      });
    });

    test('without scale to zero minReplicaCount is the model minimum; activation follows activationMessages', () => {
      const ctx = ctxOf(
        'azure-dev',
        specWith('azure-dev', (e) => (e.workloads!.edw!.scaling = { scaleToZero: false, minReplicas: 2, maxReplicas: 7, activationMessages: 5 })),
      );
      const so = one(ctx, 'ScaledObject');
      expect(so.spec.minReplicaCount).toBe(2);
      expect(so.spec.maxReplicaCount).toBe(7);
      expect(so.spec.triggers[0].metadata.activationQueueLength).toBe('4');
    });
  });

  describe('identity', () => {
    test.each(azure)('%s: service accounts carry the client ids from the outputs file, pods the use label', (name, ctx) => {
      expect(one(ctx, 'ServiceAccount', 'edw-consumer').metadata.annotations).toEqual({
        'azure.workload.identity/client-id': exampleOutput(name, EDW_STACK, EDW_OUTPUTS.consumerClientId),
      });
      expect(one(ctx, 'ServiceAccount', 'edw-producer').metadata.annotations).toEqual({
        'azure.workload.identity/client-id': exampleOutput(name, EDW_STACK, EDW_OUTPUTS.producerClientId),
      });
      const pods = podSpecs(ctx);
      expect(pods).toHaveLength(2);
      for (const [, template] of pods) expect(template.metadata.labels['azure.workload.identity/use']).toBe('true');
    });

    test.each(aws)('%s: Pod Identity: no IRSA annotation, no Azure label, the role ARN only as information', (_n, ctx) => {
      for (const role of ['consumer', 'producer'] as const) {
        const sa = one(ctx, 'ServiceAccount', `edw-${role}`);
        const roleName = role === 'consumer' ? ctx.names.edw!.aws!.consumerRoleName : ctx.names.edw!.aws!.producerRoleName;
        expect(sa.metadata.annotations).toEqual({ 'platform-synth.io/iam-role-arn': ctx.names.aws!.roleArn(roleName) });
      }
      const text = [...render(ctx).values()].join('\n');
      expect(text).not.toContain('eks.amazonaws.com/role-arn');
      expect(text).not.toContain('azure.workload.identity');
    });

    test.each(all)('%s: each pod runs as its own service account, without the API token', (_n, ctx) => {
      for (const role of ['consumer', 'producer']) expect(one(ctx, 'ServiceAccount', `edw-${role}`).automountServiceAccountToken).toBe(false);
      const pods = Object.fromEntries(podSpecs(ctx));
      expect(pods['Deployment/edw-consumer'].spec.serviceAccountName).toBe('edw-consumer');
      const producer = Object.entries(pods).find(([k]) => /\/edw-producer(-[0-9a-f]{8})?$/.test(k))![1];
      expect(producer.spec.serviceAccountName).toBe('edw-producer');
      for (const t of Object.values<any>(pods)) expect(t.spec.automountServiceAccountToken).toBe(false);
    });
  });

  describe('consumer', () => {
    test.each(all)('%s: no replicas (KEDA owns them), probes on the health endpoint, batch priority', (_n, ctx) => {
      const d = one(ctx, 'Deployment', 'edw-consumer');
      const { port, healthPath } = ctx.env.edw!.consumer;
      expect(d.spec.replicas).toBeUndefined();
      expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'edw-consumer' });
      const pod = d.spec.template.spec;
      const [c] = pod.containers;
      expect(c.image).toBe(ctx.env.edw!.images.consumer);
      expect(c.ports).toEqual([{ name: 'health', containerPort: port, protocol: 'TCP' }]);
      for (const probe of [c.livenessProbe, c.readinessProbe]) expect(probe.httpGet).toEqual({ path: healthPath, port: 'health' });
      expect(pod.priorityClassName).toBe(PRIORITY_CLASSES.batch);
    });

    test.each(all)('%s: PDB maxUnavailable half the consumer pods (a Spot node drains in one go, not one by one)', (_n, ctx) => {
      const pdb = one(ctx, 'PodDisruptionBudget', 'edw-consumer');
      expect(pdb.spec).toEqual({
        maxUnavailable: '50%',
        selector: { matchLabels: { 'app.kubernetes.io/name': 'edw-consumer' } },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      });
      expect(pdb.spec.minAvailable).toBeUndefined();
    });

    test.each(azure)('%s: Spot: required affinity on scalesetpriority=spot and the spot pools, tolerates AZURE_SPOT_TAINT', (_n, ctx) => {
      const pod = one(ctx, 'Deployment').spec.template.spec;
      expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        {
          matchExpressions: [
            { key: AZURE_SPOT_TAINT.key, operator: 'In', values: [AZURE_SPOT_TAINT.value] },
            { key: POOL_LABEL, operator: 'In', values: ctx.env.cluster.spotPools.map((p) => p.name) },
          ],
        },
      ]);
      expect(pod.tolerations).toEqual([{ key: AZURE_SPOT_TAINT.key, operator: 'Equal', value: AZURE_SPOT_TAINT.value, effect: AZURE_SPOT_TAINT.effect }]);
    });

    test.each(aws)('%s: Spot: required affinity on the pool label of the Karpenter spot pools, tolerates their Spot taint', (_n, ctx) => {
      const pod = one(ctx, 'Deployment').spec.template.spec;
      expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        { matchExpressions: [{ key: POOL_LABEL, operator: 'In', values: ctx.env.cluster.spotPools.map((p) => p.name) }] },
      ]);
      const t = KARPENTER_SPOT_TAINT;
      expect(pod.tolerations).toEqual([{ key: t.key, operator: 'Equal', value: t.value, effect: t.effect }]);
    });

    test.each(['aws-dev', 'azure-dev'])('%s: without spot pools the consumer schedules normally', (name) => {
      const pod = one(
        ctxOf(
          name,
          specWith(name, (e) => (e.cluster.spotPools = [])),
        ),
        'Deployment',
      ).spec.template.spec;
      expect(pod.affinity).toBeUndefined();
      expect(pod.tolerations).toBeUndefined();
    });

    test.each(all)('%s: spread across zones without blocking scheduling', (_n, ctx) => {
      const pod = one(ctx, 'Deployment').spec.template.spec;
      expect(pod.topologySpreadConstraints).toEqual([
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'edw-consumer' } },
        },
      ]);
    });

    test('resources from the model: limits CPU twice the request, memory equal', () => {
      const ctx = ctxOf(
        'aws-dev',
        specWith('aws-dev', (e) => (e.workloads!.edw!.consumer = { cpu: '1', memory: '1Gi' })),
      );
      expect(one(ctx, 'Deployment').spec.template.spec.containers[0].resources).toEqual({
        requests: { cpu: '1', memory: '1Gi' },
        limits: { cpu: '2', memory: '1Gi' },
      });
      const defaults = one(ctxOf('aws-dev'), 'Deployment').spec.template.spec.containers[0].resources;
      expect(defaults).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
      expect(scaleQuantity('0.25', 2)).toBe('500m');
      expect(scaleQuantity('1.5', 2)).toBe('3');
    });

    test.each(all)('%s: env from the model only, no secrets', (_n, ctx) => {
      const env: any[] = one(ctx, 'Deployment').spec.template.spec.containers[0].env;
      for (const v of env) expect(v.valueFrom).toBeUndefined();
      const vars = Object.fromEntries(env.map((v) => [v.name, v.value]));
      const edw = ctx.names.edw!;
      if (ctx.env.cloud === 'aws') {
        expect(vars).toEqual({
          AWS_REGION: ctx.env.region,
          QUEUE_URL: edw.aws!.queueUrl,
          QUEUE_FIFO: String(ctx.env.edw!.queue.fifo),
          TABLE_NAME: edw.aws!.tableName,
          PORT: '8080',
        });
      } else {
        expect(vars).toEqual({
          AZURE_STORAGE_ACCOUNT: edw.azure!.storageAccountName,
          AZURE_STORAGE_QUEUE_URL: edw.azure!.queueEndpoint,
          AZURE_STORAGE_TABLE_URL: edw.azure!.tableEndpoint,
          QUEUE_NAME: edw.azure!.queueName,
          TABLE_NAME: edw.azure!.tableName,
          PORT: '8080',
        });
        // Injected by the workload identity webhook, never set here.
        expect(vars.AZURE_CLIENT_ID).toBeUndefined();
      }
    });
  });

  describe('producer', () => {
    test.each(all)('%s: CronJob when the model has a schedule, else a Job', (_n, ctx) => {
      const schedule = ctx.env.edw!.producer.schedule;
      expect(schedule !== undefined).toBe(ctx.env.stage === 'prod');
      const kinds = objects(ctx)
        .filter((o) => o.metadata.name.startsWith('edw-producer') && o.kind !== 'ServiceAccount')
        .map((o) => o.kind);
      expect(kinds).toEqual([schedule ? 'CronJob' : 'Job']);
      const job = schedule ? one(ctx, 'CronJob').spec.jobTemplate.spec : one(ctx, 'Job').spec;
      expect(job).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 600 });
      // Scheduled runs are cleaned up; a one-off Job stays (deleted, the GitOps agent would re-create it and it would run again).
      expect(job.ttlSecondsAfterFinished).toBe(schedule ? 3600 : undefined);
      expect(job.template.spec.restartPolicy).toBe('Never');
      if (schedule) expect(one(ctx, 'CronJob').spec).toMatchObject({ schedule, concurrencyPolicy: 'Forbid' });
      const env = Object.fromEntries(job.template.spec.containers[0].env.map((v: any) => [v.name, v.value]));
      expect(env.MESSAGE_COUNT).toBe(String(ctx.env.edw!.producer.messages));
      expect(env[ctx.env.cloud === 'aws' ? 'QUEUE_URL' : 'QUEUE_NAME']).toBeDefined();
      expect(env.TABLE_NAME).toBeUndefined();
      expect(job.template.spec.containers[0].image).toBe(ctx.env.edw!.images.producer);
    });
  });

  describe('one-off producer', () => {
    const withProducer = (messages: number) =>
      ctxOf(
        'aws-dev',
        specWith('aws-dev', (e) => (e.workloads!.edw!.producer = { messages })),
      );
    const job = (ctx: ReturnType<typeof withProducer>) => one(ctx, 'Job');

    test('runs once per spec: named by a hash of its spec, so an unchanged Job is never re-created and a changed one is a new Job', () => {
      const first = job(withProducer(500));
      expect(first.metadata.name).toMatch(/^edw-producer-[0-9a-f]{8}$/);
      expect(job(withProducer(500)).metadata.name).toBe(first.metadata.name);
      expect(job(withProducer(600)).metadata.name).not.toBe(first.metadata.name);
      // A new name needs no force-replace by the agent; the old Job is pruned.
      expect(first.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBeUndefined();
      expect(first.metadata.annotations?.['kustomize.toolkit.fluxcd.io/force']).toBeUndefined();
      expect(first.spec.ttlSecondsAfterFinished).toBeUndefined();
    });
  });

  describe('security', () => {
    test.each(all)('%s: restricted security context, /tmp emptyDir, requests and limits on every container', (_n, ctx) => {
      for (const [, template] of podSpecs(ctx)) {
        const pod = template.spec;
        expect(pod.securityContext).toEqual(RESTRICTED_POD);
        expect(pod.volumes).toEqual(TMP_VOLUMES);
        for (const c of pod.containers) {
          expect(c.securityContext).toEqual(RESTRICTED_CONTAINER);
          expect(c.volumeMounts).toEqual(TMP_MOUNTS);
          expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
          expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
          expect(c.resources.limits.memory).toBe(c.resources.requests.memory);
        }
      }
    });

    test.each(all)('%s: the policy pack finds nothing in the platform + edw charts', (_n, ctx) => {
      expect(policyFindings(ctx, [PlatformChart, EdwChart], 'edw')).toEqual([]);
    });
  });

  describe('network policy', () => {
    test.each(all)('%s: egress only, for the consumer and producer pods, no ingress rule', (_n, ctx) => {
      const np = one(ctx, 'NetworkPolicy', 'edw-cloud-egress');
      expect(np.spec.policyTypes).toEqual(['Egress']);
      expect(np.spec.ingress).toBeUndefined();
      expect(np.spec.podSelector).toEqual({ matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['edw-consumer', 'edw-producer'] }] });
      // Both pod templates carry the selected label.
      for (const [, t] of podSpecs(ctx)) expect(['edw-consumer', 'edw-producer']).toContain(t.metadata.labels['app.kubernetes.io/name']);
    });

    test.each(aws)('%s: HTTPS to public AWS endpoints and the Pod Identity agent', (_n, ctx) => {
      expect(one(ctx, 'NetworkPolicy', CLOUD_EGRESS_POLICY).spec.egress).toEqual([
        publicHttps,
        { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] },
      ]);
    });

    test('azure-prod: HTTPS to the private endpoints subnet and to Entra ID', () => {
      const ctx = ctxOf('azure-prod');
      expect(one(ctx, 'NetworkPolicy', CLOUD_EGRESS_POLICY).spec.egress).toEqual([
        { to: [{ ipBlock: { cidr: azureSubnetLayout(ctx.env.network.cidr).endpoints } }], ports: [{ protocol: 'TCP', port: 443 }] },
        publicHttps,
      ]);
      expect(azureSubnetLayout(ctx.env.network.cidr).endpoints).toBe('10.40.128.0/18');
    });

    test('azure-dev: HTTPS to public endpoints only', () => {
      expect(one(ctxOf('azure-dev'), 'NetworkPolicy', CLOUD_EGRESS_POLICY).spec.egress).toEqual([publicHttps]);
    });
  });

  describe('Kubernetes 1.28 + KEDA CRD schema', () => {
    const emitted = emittedObjects(all, objects);

    testEachValid(emitted);

    test('the validator checks the KEDA objects against their CRDs', () => {
      const [, so] = emitted.find(([, o]) => o.kind === 'ScaledObject')!;
      const brokenSo = structuredClone(so);
      brokenSo.spec.triggers[0].metadata.queueLength = 5;
      brokenSo.spec.minReplicas = 0;
      expect(validateManifest(brokenSo).map((e) => e.path)).toEqual(expect.arrayContaining(['spec.triggers[0].metadata.queueLength', 'spec.minReplicas']));
      const [, ta] = emitted.find(([, o]) => o.kind === 'TriggerAuthentication')!;
      const brokenTa = structuredClone(ta);
      brokenTa.spec.podIdentity.provider = 'aws-irsa';
      expect(validateManifest(brokenTa).length).toBeGreaterThan(0);
    });
  });

  describe('missing Terraform outputs', () => {
    const empty = emptyOutputsDir('edw-no-outputs-');

    test('an Azure chart without an outputs file records each missing client id once', () => {
      expect(missingOutputs('azure-dev', empty())).toEqual(
        ['edw_consumer_client_id', 'edw_producer_client_id', 'edw_scaler_client_id'].map((n) => `azure-dev: edw.${n}`),
      );
    });

    test('an AWS chart needs no outputs at all', () => {
      expect(missingOutputs('aws-prod', empty())).toEqual([]);
    });

    test('synth names the missing outputs and the environment, and writes nothing in their place', () => {
      const platform = resolvePlatform(defaultPlatform);
      const env = platform.environments.find((e) => e.name === 'azure-prod')!;
      let error: unknown;
      try {
        synthesizeEnvironment(platform, env, { outputsDir: empty() });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(MissingOutputsError);
      const message = (error as Error).message;
      expect(message).toContain('azure-prod: edw.edw_consumer_client_id, edw.edw_producer_client_id, edw.edw_scaler_client_id');

      const partial = synthesizeEnvironment(platform, env, { outputsDir: empty(), allowMissingOutputs: true });
      expect(partial.skippedApps.map((s) => s.app)).toContain('edw');
      expect([...partial.files.keys()].filter((f) => f.includes('/kubernetes/edw/'))).toEqual([]);
      expect([...partial.files.values()].join('\n')).not.toContain('<missing');
    });
  });

  test('rendering is deterministic', () => {
    const ctx = ctxOf('azure-prod');
    expect([...render(ctx)]).toEqual([...render(ctx)]);
  });
});

describe("the consumer's metrics (edw.consumer.metricsPath)", () => {
  const PROMETHEUS_PEER = {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
  };

  test.each(all)('%s: Prometheus scrapes the path the model names on the consumer’s port, and may reach only that port', (_n, ctx) => {
    const { port, metricsPath } = ctx.env.edw!.consumer;
    expect(metricsPath).toBe('/metrics');
    expect(scrapeTargets(ctx.env).filter((t) => t.pods.namespace === 'edw')).toEqual([
      {
        name: 'edw-consumer',
        pods: expect.objectContaining({ labels: { 'app.kubernetes.io/name': 'edw-consumer' } }),
        port: { port, protocol: 'TCP', name: 'health' },
        path: '/metrics',
      },
    ]);
    // The port the PodMonitor names is the consumer container's.
    const consumer = one(ctx, 'Deployment').spec.template.spec.containers[0];
    expect(consumer.ports).toEqual([{ name: 'health', containerPort: port, protocol: 'TCP' }]);
    expect(one(ctx, 'NetworkPolicy', CONSUMER_SCRAPE_POLICY).spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'edw-consumer' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [PROMETHEUS_PEER], ports: [{ port, protocol: 'TCP' }] }],
    });
  });

  test('the flow is allowed by the namespace’s policies, and blocked without the scrape policy', () => {
    const ctx = ctxOf('azure-prod');
    const manifests = manifestsOf(ctx, [EdwChart, PlatformChart]);
    const scrape = (v: { resource: string }) => v.resource === 'flow monitoring/prometheus -> edw/edw-consumer TCP/8080';
    const findings = (m: typeof manifests) => blockedFlows(ctx.env, { name: ctx.env.name, terraform: [], manifests: m, files: [] }).filter(scrape);
    expect(scrapeFlows(ctx.env).filter((f) => f.to.kind === 'pods' && f.to.pods.namespace === 'edw')).toEqual([
      expect.objectContaining({
        from: expect.objectContaining({ name: 'prometheus', namespace: 'monitoring' }),
        to: expect.objectContaining({ kind: 'pods' }),
      }),
    ]);
    expect(findings(manifests)).toEqual([]);
    expect(findings(manifests.filter((m) => m.obj.metadata.name !== CONSUMER_SCRAPE_POLICY))).toHaveLength(1);
  });

  test('without a metrics path, or with observability off, nothing scrapes the consumer and nothing may connect to it', () => {
    const cases = [specWith('aws-dev', (e) => (e.workloads!.edw!.consumer = {})), specWith('aws-dev', (e) => (e.observability = { enabled: false }))];
    for (const spec of cases) {
      const ctx = ctxOf('aws-dev', spec);
      expect(scrapeTargets(ctx.env).filter((t) => t.pods.namespace === 'edw')).toEqual([]);
      expect(ofKind(ctx, 'NetworkPolicy').map((p) => p.metadata.name)).toEqual([CLOUD_EGRESS_POLICY]);
    }
  });
});
