import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { LakehouseChart } from '../../charts/lakehouse/lakehouse';
import { renderChart } from '../../charts/lib/render';
import { KarpenterChart } from '../../charts/platform/karpenter';
import { PlatformChart } from '../../charts/platform/platform';
import type { EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';
import { resolvePlatform } from '../../src/model/defaults';
import { LAKEHOUSE_OUTPUTS, LAKEHOUSE_STACK } from '../../src/model/naming';
import { AZURE_SPOT_TAINT, CAPACITY_LABEL, KARPENTER_SPOT_TAINT, POOL_LABEL, PRIORITY_CLASSES } from '../../src/model/scheduling';
import type { EnvironmentSpec } from '../../src/model/types';
import { defaultPlatform, EXAMPLE_AWS_DEV_ACCOUNT, EXAMPLE_AWS_PROD_ACCOUNT, EXAMPLE_AZURE_TENANT } from '../../src/platform';
import { MissingOutputsError } from '../../src/synth/outputs';
import { synthesizeEnvironment } from '../../src/synth/synthesize';
import { loadKubernetesBundle, validateManifest, type KubernetesBundle } from '../../src/validate/kubernetes';
import { buildKubernetesBundle } from '../../src/validate/kubernetes-bundle';
import {
  chartKit,
  emittedObjects,
  exampleOutput,
  emptyOutputsDir,
  https,
  newApp,
  onAws,
  policyFindings,
  publicHttps,
  specWith,
  testEachValid,
  appNamesOf,
  ctxWithout,
  expectKustomizationListsEveryFile,
  RESTRICTED_CONTAINER,
  flowFindings,
} from './helpers';

const { ctxOf, render, objects, ofKind, one, missingOutputs, all, aws, azure } = chartKit(LakehouseChart, (e) => e.lakehouse);

/** The default model's jobs and the layer each writes. */
const LAYER_OF: Record<string, string | undefined> = {
  'bronze-ingest': 'bronze',
  'silver-clean': 'silver',
  'gold-aggregates': 'gold',
  'daily-pipeline': undefined,
};
const ONE_OFF_JOBS = ['bronze-ingest', 'silver-clean', 'gold-aggregates'];
const ALL_JOBS = [...ONE_OFF_JOBS, 'daily-pipeline'];
const ACCOUNT: Record<string, string> = { 'aws-dev': EXAMPLE_AWS_DEV_ACCOUNT, 'aws-prod': EXAMPLE_AWS_PROD_ACCOUNT };
const SPARK_SELECTOR = { 'app.kubernetes.io/name': 'spark' };
const SHARED_SCHEMAS = path.resolve(__dirname, '../..', '../shared/schemas');

const stageOf = (ctx: EnvironmentContext<Cloud, 'lakehouse'>) => ctx.env.stage;
const clientIdOutput = (envName: string) => exampleOutput(envName, LAKEHOUSE_STACK, LAKEHOUSE_OUTPUTS.sparkClientId);
/** [job name, SparkApplication spec] of every application: SparkApplications and the templates of ScheduledSparkApplications. */
function appSpecs(ctx: EnvironmentContext<Cloud, 'lakehouse'>): [string, any][] {
  return objects(ctx).flatMap((o): [string, any][] => {
    if (o.kind === 'SparkApplication') return [[o.metadata.name, o.spec]];
    if (o.kind === 'ScheduledSparkApplication') return [[o.metadata.name, o.spec.template]];
    return [];
  });
}
function specOf(ctx: EnvironmentContext<Cloud, 'lakehouse'>, job: string): any {
  const found = appSpecs(ctx).filter(([n]) => n === job);
  expect(found).toHaveLength(1);
  return found[0][1];
}
const requiredTerms = (pod: any) => pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
const lakehouseEdit = (envName: string, edit: (l: NonNullable<NonNullable<EnvironmentSpec['workloads']>['lakehouse']>) => void) =>
  specWith(envName, (e) => edit(e.workloads!.lakehouse!));

describe('LakehouseChart', () => {
  describe('apps and files', () => {
    test('the default model enables the lakehouse in all four environments; the factory adds the app only where enabled', () => {
      expect(all.map(([n]) => n).sort()).toEqual(['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']);
      for (const [, ctx] of all) expect(appNamesOf(ctx)).toContain('lakehouse');
      for (const name of ['aws-dev', 'azure-prod']) {
        const ctx = ctxWithout(name, 'lakehouse');
        expect(ctx.env.lakehouse).toBeUndefined();
        expect(appNamesOf(ctx)).not.toContain('lakehouse');
        // The chart takes only a context with the lakehouse on (what withWorkload gives): the compiler refuses this one.
        // @ts-expect-error the lakehouse is off in `ctx`
        expect(() => new LakehouseChart(newApp(), ctx)).toThrow();
      }
    });

    test.each(all)('%s: objects, all in the lakehouse namespace, listed in kustomization.yaml', (_n, ctx) => {
      const files = render(ctx);
      expect([...files.keys()].sort()).toEqual(
        [
          'kustomization.yaml',
          'networkpolicy-spark-driver-metrics.yaml',
          'networkpolicy-spark-egress.yaml',
          'networkpolicy-spark-ingress.yaml',
          'role-spark-driver.yaml',
          'rolebinding-spark-driver.yaml',
          'scheduledsparkapplication-daily-pipeline.yaml',
          'serviceaccount-spark.yaml',
          'sparkapplication-bronze-ingest.yaml',
          'sparkapplication-gold-aggregates.yaml',
          'sparkapplication-silver-clean.yaml',
        ].map((f) => `lakehouse/${f}`),
      );
      expectKustomizationListsEveryFile(files, 'lakehouse');
      expect(ctx.names.lakehouse!.namespace).toBe('lakehouse');
      for (const obj of objects(ctx)) {
        expect(obj.metadata.namespace).toBe('lakehouse');
        expect(obj.metadata.labels).toMatchObject({ 'platform-synth.io/app': 'lakehouse', 'platform-synth.io/environment': ctx.env.name });
      }
      // The namespace and its guard rails belong to the platform chart; no secrets, nothing cluster-wide.
      expect(objects(ctx).filter((o) => ['Namespace', 'Secret', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind))).toEqual([]);
      expect(ofKind(ctx, 'SparkApplication').map((o) => o.apiVersion)).toEqual([
        'sparkoperator.k8s.io/v1beta2',
        'sparkoperator.k8s.io/v1beta2',
        'sparkoperator.k8s.io/v1beta2',
      ]);
      expect(one(ctx, 'ScheduledSparkApplication', 'daily-pipeline').apiVersion).toBe('sparkoperator.k8s.io/v1beta2');
    });

    test('one application per job of the model: a ScheduledSparkApplication exactly where the job has a schedule', () => {
      const ctx = ctxOf(
        'aws-dev',
        lakehouseEdit('aws-dev', (l) => {
          l.jobs!.push({ name: 'gold-nightly', mainApplicationFile: 'local:///opt/spark/jobs/gold_aggregates.py', layer: 'gold', schedule: '30 1 * * *' });
          l.jobs!.find((j) => j.name === 'bronze-ingest')!.schedule = '0 * * * *';
        }),
      );
      expect(
        ofKind(ctx, 'SparkApplication')
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(['gold-aggregates', 'silver-clean']);
      expect(
        ofKind(ctx, 'ScheduledSparkApplication')
          .map((o) => [o.metadata.name, o.spec.schedule])
          .sort(),
      ).toEqual([
        ['bronze-ingest', '0 * * * *'],
        ['daily-pipeline', '0 3 * * *'],
        ['gold-nightly', '30 1 * * *'],
      ]);
    });
  });

  describe('Spark configuration', () => {
    const common = {
      'spark.blockManager.port': '7079',
      'spark.decommission.enabled': 'true',
      'spark.driver.blockManager.port': '7079',
      'spark.driver.port': '7078',
      'spark.storage.decommission.enabled': 'true',
      'spark.storage.decommission.rddBlocks.enabled': 'true',
      'spark.storage.decommission.shuffleBlocks.enabled': 'true',
      // Observability on by default: the executor metrics Prometheus scrapes from the driver.
      'spark.ui.prometheus.enabled': 'true',
    };

    test.each(aws)('%s: Iceberg on the Glue catalog, warehouse the env bucket, S3A with the SDK v2 web-identity provider', (name, ctx) => {
      const account = ACCOUNT[name];
      expect(ctx.env.aws!.accountId).toBe(account);
      for (const job of ALL_JOBS) {
        const layer = LAYER_OF[job];
        expect(specOf(ctx, job).sparkConf).toEqual({
          ...common,
          'spark.hadoop.fs.s3a.aws.credentials.provider': 'software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider',
          'spark.hadoop.fs.s3a.endpoint.region': ctx.env.region,
          // The model's s3:// URIs (layers, landing) through S3A: Hadoop 3 has no s3 filesystem of its own.
          'spark.hadoop.fs.s3.impl': 'org.apache.hadoop.fs.s3a.S3AFileSystem',
          'spark.hadoop.fs.AbstractFileSystem.s3.impl': 'org.apache.hadoop.fs.s3a.S3A',
          'spark.sql.catalog.lakehouse': 'org.apache.iceberg.spark.SparkCatalog',
          'spark.sql.catalog.lakehouse.catalog-impl': 'org.apache.iceberg.aws.glue.GlueCatalog',
          'spark.sql.catalog.lakehouse.client.region': ctx.env.region,
          ...(layer ? { 'spark.sql.catalog.lakehouse.default-namespace': layer } : {}),
          'spark.sql.catalog.lakehouse.glue.id': account,
          'spark.sql.catalog.lakehouse.io-impl': 'org.apache.iceberg.aws.s3.S3FileIO',
          'spark.sql.catalog.lakehouse.warehouse': `s3://acme-aws-${stageOf(ctx)}-lakehouse-${account}/`,
          'spark.sql.defaultCatalog': 'lakehouse',
          'spark.sql.extensions': 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
        });
      }
      // The Glue databases are the layers, the warehouse is the bucket the names give the stacks.
      expect(ctx.names.lakehouse!.aws!.warehouse).toBe(`s3://${ctx.names.lakehouse!.aws!.bucket}/`);
      expect(specOf(ctx, 'daily-pipeline').sparkConf['spark.sql.catalog.lakehouse.default-namespace']).toBeUndefined();
    });

    test('aws: the S3A provider follows the Spark version: SDK v1 for Spark 3.5 (Hadoop 3.3)', () => {
      const ctx = ctxOf(
        'aws-prod',
        lakehouseEdit('aws-prod', (l) => (l.spark = { ...l.spark!, version: '3.5.6' })),
      );
      for (const [, spec] of appSpecs(ctx)) {
        expect(spec.sparkVersion).toBe('3.5.6');
        expect(spec.sparkConf['spark.hadoop.fs.s3a.aws.credentials.provider']).toBe('com.amazonaws.auth.WebIdentityTokenCredentialsProvider');
      }
      expect(appSpecs(ctx)).toHaveLength(4);
    });

    test.each(azure)('%s: Delta on ABFS with the workload identity token provider, scoped to the lakehouse account', (name, ctx) => {
      const account = `stacmeazure${stageOf(ctx)}lake`;
      const host = `${account}.dfs.core.windows.net`;
      expect(ctx.names.lakehouse!.azure!.storageAccountName).toBe(account);
      expect(ctx.env.azure!.tenantId).toBe(EXAMPLE_AZURE_TENANT);
      const clientId = clientIdOutput(name);
      expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
      for (const job of ALL_JOBS) {
        const layer = LAYER_OF[job];
        expect(specOf(ctx, job).sparkConf).toEqual({
          ...common,
          [`spark.hadoop.fs.azure.account.auth.type.${host}`]: 'OAuth',
          [`spark.hadoop.fs.azure.account.oauth.provider.type.${host}`]: 'org.apache.hadoop.fs.azurebfs.oauth2.WorkloadIdentityTokenProvider',
          [`spark.hadoop.fs.azure.account.oauth2.client.id.${host}`]: clientId,
          [`spark.hadoop.fs.azure.account.oauth2.msi.tenant.${host}`]: EXAMPLE_AZURE_TENANT,
          [`spark.hadoop.fs.azure.account.oauth2.token.file.${host}`]: '${env.AZURE_FEDERATED_TOKEN_FILE}',
          'spark.sql.catalog.spark_catalog': 'org.apache.spark.sql.delta.catalog.DeltaCatalog',
          'spark.sql.extensions': 'io.delta.sql.DeltaSparkSessionExtension',
          ...(layer ? { 'spark.sql.warehouse.dir': `abfss://${layer}@${host}/` } : {}),
        });
      }
      expect(specOf(ctx, 'daily-pipeline').sparkConf['spark.sql.warehouse.dir']).toBeUndefined();
    });

    test.each(all)('%s: no keys of the other cloud, no credentials in the configuration', (_n, ctx) => {
      for (const [, spec] of appSpecs(ctx)) {
        const keys = Object.keys(spec.sparkConf);
        for (const v of Object.values(spec.sparkConf)) expect(typeof v).toBe('string');
        if (ctx.env.cloud === 'aws') {
          expect(keys.filter((k) => k.includes('fs.azure') || k.includes('delta') || k === 'spark.sql.warehouse.dir')).toEqual([]);
        } else {
          expect(keys.filter((k) => k.includes('iceberg') || k.includes('spark.sql.catalog.lakehouse') || k.includes('s3a'))).toEqual([]);
          expect(Object.values(spec.sparkConf).filter((v) => String(v).includes('iceberg'))).toEqual([]);
        }
        expect(keys.filter((k) => /secret|access\.key|account\.key|password/i.test(k))).toEqual([]);
      }
    });

    test.each(all)('%s: the fixed Spark ports are the ports the NetworkPolicies open', (_n, ctx) => {
      const ports = one(ctx, 'NetworkPolicy', 'spark-ingress').spec.ingress[0].ports.map((p: any) => String(p.port));
      for (const [, spec] of appSpecs(ctx)) {
        expect(ports).toEqual([spec.sparkConf['spark.driver.port'], spec.sparkConf['spark.driver.blockManager.port']]);
        expect(spec.sparkConf['spark.blockManager.port']).toBe(spec.sparkConf['spark.driver.blockManager.port']);
      }
    });
  });

  describe('identity', () => {
    test.each(aws)('%s: IRSA: the spark service account carries the lakehouse Spark role', (name, ctx) => {
      const sa = one(ctx, 'ServiceAccount', 'spark');
      expect(sa.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT[name]}:role/acme-aws-${stageOf(ctx)}-lakehouse-spark` });
      expect(ctx.names.aws!.roleArn(ctx.names.lakehouse!.aws!.sparkRoleName)).toBe(sa.metadata.annotations['eks.amazonaws.com/role-arn']);
      expect([...render(ctx).values()].join('\n')).not.toContain('azure.workload.identity');
    });

    test.each(azure)('%s: workload identity: client id from the lakehouse outputs, the use label on drivers and executors', (name, ctx) => {
      const sa = one(ctx, 'ServiceAccount', 'spark');
      expect(sa.metadata.annotations).toEqual({ 'azure.workload.identity/client-id': clientIdOutput(name) });
      for (const [, spec] of appSpecs(ctx)) {
        expect(spec.driver.labels['azure.workload.identity/use']).toBe('true');
        expect(spec.executor.labels['azure.workload.identity/use']).toBe('true');
        // ABFS authenticates as the identity the service account names.
        const clientIds = Object.entries<string>(spec.sparkConf).filter(([k]) => k.startsWith('spark.hadoop.fs.azure.account.oauth2.client.id.'));
        expect(clientIds.map(([, v]) => v)).toEqual([sa.metadata.annotations['azure.workload.identity/client-id']]);
      }
      expect([...render(ctx).values()].join('\n')).not.toContain('eks.amazonaws.com');
    });

    test.each(all)('%s: drivers and executors run as the emitted service account; only the driver gets an API token', (_n, ctx) => {
      const sa = one(ctx, 'ServiceAccount', 'spark');
      expect(ofKind(ctx, 'ServiceAccount')).toHaveLength(1);
      expect(sa.automountServiceAccountToken).toBe(false);
      for (const [, spec] of appSpecs(ctx)) {
        expect(spec.driver.serviceAccount).toBe(sa.metadata.name);
        expect(spec.executor.serviceAccount).toBe(sa.metadata.name);
        expect(spec.driver.template).toEqual({ spec: { automountServiceAccountToken: true } });
        expect(spec.executor.template).toBeUndefined();
        if (ctx.env.cloud === 'aws') {
          expect(spec.driver.labels['azure.workload.identity/use']).toBeUndefined();
          expect(spec.executor.labels['azure.workload.identity/use']).toBeUndefined();
        }
      }
    });
  });

  describe('missing Terraform outputs', () => {
    const empty = emptyOutputsDir('lakehouse-no-outputs-');

    test('an Azure chart without an outputs file records the missing Spark client id once', () => {
      expect(missingOutputs('azure-dev', empty())).toEqual(['azure-dev: lakehouse.lakehouse_spark_client_id']);
    });

    test('an AWS chart needs no outputs at all', () => {
      expect(missingOutputs('aws-dev', empty())).toEqual([]);
    });

    test('synth names the missing output and leaves the lakehouse app out instead of writing a placeholder', () => {
      const platform = resolvePlatform(defaultPlatform);
      const env = platform.environments.find((e) => e.name === 'azure-dev')!;
      expect(() => synthesizeEnvironment(platform, env, { outputsDir: empty() })).toThrow(MissingOutputsError);
      try {
        synthesizeEnvironment(platform, env, { outputsDir: empty() });
      } catch (err) {
        expect((err as Error).message).toContain('lakehouse.lakehouse_spark_client_id');
      }
      const partial = synthesizeEnvironment(platform, env, { outputsDir: empty(), allowMissingOutputs: true });
      const skipped = partial.skippedApps.find((s) => s.app === 'lakehouse');
      expect(skipped?.missing.map((m) => `${m.stack}.${m.name}`)).toEqual(['lakehouse.lakehouse_spark_client_id']);
      expect([...partial.files.keys()].filter((f) => f.includes('/kubernetes/lakehouse/'))).toEqual([]);
      expect([...partial.files.values()].join('\n')).not.toContain('<missing');
    });
  });

  describe('RBAC', () => {
    test.each(all)('%s: Role spark-driver: executor pods, ConfigMaps and Services in the namespace, no secrets', (_n, ctx) => {
      const role = one(ctx, 'Role', 'spark-driver');
      expect(role.rules).toEqual([
        { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'watch'] },
        { apiGroups: [''], resources: ['configmaps', 'services'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'watch'] },
      ]);
      for (const rule of role.rules) {
        expect(rule.resources).not.toContain('secrets');
        expect(rule.resources).not.toContain('*');
        expect(rule.verbs).not.toContain('*');
        expect(rule.apiGroups).toEqual(['']);
      }
      expect(ofKind(ctx, 'Role')).toHaveLength(1);
    });

    test.each(all)('%s: RoleBinding binds exactly the spark service account of the namespace', (_n, ctx) => {
      const rb = one(ctx, 'RoleBinding', 'spark-driver');
      expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: one(ctx, 'Role').metadata.name });
      expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'spark', namespace: 'lakehouse' }]);
      expect(ofKind(ctx, 'RoleBinding')).toHaveLength(1);
    });
  });

  describe('scheduling', () => {
    test.each(all)('%s: drivers on on-demand capacity, never tolerating Spot', (_n, ctx) => {
      for (const [, spec] of appSpecs(ctx)) {
        expect(requiredTerms(spec.driver)).toEqual([{ matchExpressions: [{ key: CAPACITY_LABEL, operator: 'In', values: ['on-demand'] }] }]);
        expect(spec.driver.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
        expect(spec.driver.tolerations).toBeUndefined();
      }
    });

    test.each(aws)('%s: executors: required affinity on the pool label of the spot pools, tolerating their Spot taint', (_n, ctx) => {
      const pools = ctx.env.cluster.spotPools.map((p) => p.name);
      expect(pools).toEqual(['spot']);
      const spotToleration = { key: KARPENTER_SPOT_TAINT.key, operator: 'Equal', value: KARPENTER_SPOT_TAINT.value, effect: KARPENTER_SPOT_TAINT.effect };
      for (const [, spec] of appSpecs(ctx)) {
        expect(requiredTerms(spec.executor)).toEqual([{ matchExpressions: [{ key: POOL_LABEL, operator: 'In', values: pools }] }]);
        expect(spec.executor.tolerations).toEqual([spotToleration]);
        expect(spec.driver.tolerations).toBeUndefined();
      }
      // Cross-check with the platform: Karpenter's spot NodePool labels its nodes so (no capacity label: they may be
      // on-demand fallbacks), and taints them with what the executors tolerate.
      const nodePool = parse(renderChart(new KarpenterChart(newApp(), onAws(ctx))).get('karpenter/nodepool-spot.yaml')!);
      expect(nodePool.spec.template.metadata.labels[POOL_LABEL]).toBe('spot');
      expect(nodePool.spec.template.metadata.labels[CAPACITY_LABEL]).toBeUndefined();
      expect(nodePool.spec.template.spec.taints).toEqual([
        { key: KARPENTER_SPOT_TAINT.key, value: KARPENTER_SPOT_TAINT.value, effect: KARPENTER_SPOT_TAINT.effect },
      ]);
    });

    test.each(all)('%s: no autoscaler consolidates or scales down a node under a running driver or executor', (_n, ctx) => {
      for (const [, spec] of appSpecs(ctx))
        for (const pod of [spec.driver, spec.executor])
          expect(pod.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true', 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' });
    });

    test.each(azure)('%s: executors: required affinity on scalesetpriority=spot and the spot pools, tolerating the AKS Spot taint', (_n, ctx) => {
      const pools = ctx.env.cluster.spotPools.map((p) => p.name);
      expect(pools).toEqual(['spot']);
      for (const [, spec] of appSpecs(ctx)) {
        expect(requiredTerms(spec.executor)).toEqual([
          {
            matchExpressions: [
              { key: 'kubernetes.azure.com/scalesetpriority', operator: 'In', values: ['spot'] },
              { key: POOL_LABEL, operator: 'In', values: pools },
            ],
          },
        ]);
        expect(AZURE_SPOT_TAINT).toEqual({ key: 'kubernetes.azure.com/scalesetpriority', value: 'spot', effect: 'NoSchedule' });
        expect(spec.executor.tolerations).toEqual([
          { key: AZURE_SPOT_TAINT.key, operator: 'Equal', value: AZURE_SPOT_TAINT.value, effect: AZURE_SPOT_TAINT.effect },
        ]);
      }
    });

    test.each(['aws-dev', 'azure-dev'])('%s: without spot pools executors schedule normally; drivers stay on on-demand', (name) => {
      const ctx = ctxOf(
        name,
        specWith(name, (e) => (e.cluster.spotPools = [])),
      );
      for (const [, spec] of appSpecs(ctx)) {
        expect(spec.executor.affinity).toBeUndefined();
        expect(spec.executor.tolerations).toBeUndefined();
        expect(requiredTerms(spec.driver)).toEqual([{ matchExpressions: [{ key: CAPACITY_LABEL, operator: 'In', values: ['on-demand'] }] }]);
      }
    });

    test.each(all)('%s: batch priority on drivers and executors', (_n, ctx) => {
      expect(PRIORITY_CLASSES.batch).toBe('batch');
      for (const [, spec] of appSpecs(ctx)) {
        expect(spec.driver.priorityClassName).toBe(PRIORITY_CLASSES.batch);
        expect(spec.executor.priorityClassName).toBe(PRIORITY_CLASSES.batch);
      }
    });
  });

  describe('applications', () => {
    test.each(all)('%s: a failed run is retried: OnFailure with the job retries (3 by default)', (_n, ctx) => {
      for (const [, spec] of appSpecs(ctx)) {
        expect(spec.restartPolicy).toEqual({
          type: 'OnFailure',
          onFailureRetries: 3,
          onFailureRetryInterval: 300,
          onSubmissionFailureRetries: 3,
          onSubmissionFailureRetryInterval: 60,
        });
      }
    });

    test('retries from the model; retries 0 is restart policy Never', () => {
      const ctx = ctxOf(
        'azure-prod',
        lakehouseEdit('azure-prod', (l) => {
          l.jobs!.find((j) => j.name === 'bronze-ingest')!.retries = 0;
          l.jobs!.find((j) => j.name === 'daily-pipeline')!.retries = 0;
          l.jobs!.find((j) => j.name === 'silver-clean')!.retries = 5;
        }),
      );
      expect(specOf(ctx, 'bronze-ingest').restartPolicy).toEqual({ type: 'Never' });
      expect(specOf(ctx, 'daily-pipeline').restartPolicy).toEqual({ type: 'Never' });
      expect(specOf(ctx, 'silver-clean').restartPolicy).toMatchObject({ type: 'OnFailure', onFailureRetries: 5, onSubmissionFailureRetries: 5 });
      expect(specOf(ctx, 'gold-aggregates').restartPolicy).toMatchObject({ type: 'OnFailure', onFailureRetries: 3 });
      for (const [, spec] of appSpecs(ctx))
        expect(
          validateManifest({ apiVersion: 'sparkoperator.k8s.io/v1beta2', kind: 'SparkApplication', metadata: { name: 'x', namespace: 'lakehouse' }, spec }),
        ).toEqual([]);
    });

    test.each(all)('%s: daily-pipeline scales its executors (dynamic allocation with shuffle tracking); the others run 2 executors', (_n, ctx) => {
      const daily = specOf(ctx, 'daily-pipeline');
      expect(daily.dynamicAllocation).toEqual({ enabled: true, initialExecutors: 1, minExecutors: 1, maxExecutors: 10, shuffleTrackingEnabled: true });
      expect(daily.executor.instances).toBeUndefined();
      for (const job of ONE_OFF_JOBS) {
        const spec = specOf(ctx, job);
        expect(spec.dynamicAllocation).toBeUndefined();
        expect(spec.executor.instances).toBe(2);
      }
      for (const [, spec] of appSpecs(ctx)) expect(spec.executor.deleteOnTermination).toBe(true);
    });

    test('executor count and dynamic allocation bounds follow the model', () => {
      const ctx = ctxOf(
        'aws-dev',
        lakehouseEdit('aws-dev', (l) => {
          l.jobs!.find((j) => j.name === 'gold-aggregates')!.executors = 5;
          l.jobs!.find((j) => j.name === 'daily-pipeline')!.dynamicAllocation = { minExecutors: 3, maxExecutors: 40 };
        }),
      );
      expect(specOf(ctx, 'gold-aggregates').executor.instances).toBe(5);
      expect(specOf(ctx, 'daily-pipeline').dynamicAllocation).toEqual({
        enabled: true,
        initialExecutors: 3,
        minExecutors: 3,
        maxExecutors: 40,
        shuffleTrackingEnabled: true,
      });
    });

    test.each(all)('%s: ScheduledSparkApplication daily-pipeline: daily at 03:00 UTC, one run at a time', (_n, ctx) => {
      const s = one(ctx, 'ScheduledSparkApplication', 'daily-pipeline');
      expect(s.spec).toMatchObject({
        schedule: '0 3 * * *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        successfulRunHistoryLimit: 3,
        failedRunHistoryLimit: 3,
      });
      expect(Object.keys(s.spec).sort()).toEqual([
        'concurrencyPolicy',
        'failedRunHistoryLimit',
        'schedule',
        'successfulRunHistoryLimit',
        'template',
        'timeZone',
      ]);
    });

    test.each(all)('%s: the scheduled template is the SparkApplication spec the same job gets without a schedule', (name, ctx) => {
      const unscheduled = ctxOf(
        name,
        lakehouseEdit(name, (l) => {
          delete l.jobs!.find((j) => j.name === 'daily-pipeline')!.schedule;
        }),
      );
      expect(one(unscheduled, 'SparkApplication', 'daily-pipeline').spec).toEqual(one(ctx, 'ScheduledSparkApplication', 'daily-pipeline').spec.template);
      expect(ofKind(unscheduled, 'ScheduledSparkApplication')).toEqual([]);
    });

    test.each(all)('%s: Python jobs from the model in cluster mode, Spark 4.0.1, image from the env registry', (name, ctx) => {
      const image =
        ctx.env.cloud === 'aws'
          ? `${ACCOUNT[name]}.dkr.ecr.eu-west-1.amazonaws.com/acme/${name}/lakehouse-spark:4.0.1`
          : `${ctx.names.azure!.containerRegistryName}.azurecr.io/lakehouse-spark:4.0.1`;
      if (ctx.env.cloud === 'azure') expect(image).toBe(`acracmeazure${stageOf(ctx)}.azurecr.io/lakehouse-spark:4.0.1`);
      const model = new Map(ctx.env.lakehouse!.jobs.map((j) => [j.name, j]));
      expect(
        appSpecs(ctx)
          .map(([n]) => n)
          .sort(),
      ).toEqual([...ALL_JOBS].sort());
      for (const [job, spec] of appSpecs(ctx)) {
        expect(spec).toMatchObject({ type: 'Python', pythonVersion: '3', mode: 'cluster', sparkVersion: '4.0.1', image, imagePullPolicy: 'IfNotPresent' });
        expect(spec.mainApplicationFile).toBe(model.get(job)!.mainApplicationFile);
        expect(spec.mainApplicationFile).toMatch(/^local:\/\/\/opt\/spark\/jobs\/.+\.py$/);
        expect(spec.arguments).toEqual(model.get(job)!.arguments);
        expect(spec.mainClass).toBeUndefined();
      }
      expect(specOf(ctx, 'silver-clean').arguments).toEqual(['--source', 'bronze']);
    });

    test('a .jar job runs as Scala with its main class and no Python version; no arguments, no field', () => {
      const ctx = ctxOf(
        'azure-dev',
        lakehouseEdit('azure-dev', (l) =>
          l.jobs!.push({ name: 'compact', mainApplicationFile: 'local:///opt/spark/jobs/compact.jar', mainClass: 'com.acme.Compact', layer: 'silver' }),
        ),
      );
      const spec = one(ctx, 'SparkApplication', 'compact').spec;
      expect(spec).toMatchObject({ type: 'Scala', mainClass: 'com.acme.Compact', mainApplicationFile: 'local:///opt/spark/jobs/compact.jar' });
      expect(spec.pythonVersion).toBeUndefined();
      expect(spec.arguments).toBeUndefined();
      expect(validateManifest(one(ctx, 'SparkApplication', 'compact'))).toEqual([]);
    });

    test.each(all)('%s: env: the URI of each layer and of the landing zone (and the region on AWS), values only', (_n, ctx) => {
      const names = ctx.names.lakehouse!;
      const expected: Record<string, string> =
        ctx.env.cloud === 'aws'
          ? {
              AWS_REGION: ctx.env.region,
              ...Object.fromEntries(['bronze', 'silver', 'gold'].map((l) => [`LAKEHOUSE_${l.toUpperCase()}_URI`, `s3://${names.aws!.bucket}/${l}/`])),
              LAKEHOUSE_LANDING_URI: `s3://${names.aws!.bucket}/landing/`,
            }
          : {
              ...Object.fromEntries(['bronze', 'silver', 'gold'].map((l) => [`LAKEHOUSE_${l.toUpperCase()}_URI`, `abfss://${l}@${names.azure!.dfsHost}/`])),
              LAKEHOUSE_LANDING_URI: `abfss://landing@${names.azure!.dfsHost}/`,
            };
      for (const [, spec] of appSpecs(ctx)) {
        for (const role of ['driver', 'executor']) {
          const env: any[] = spec[role].env;
          for (const v of env) expect(v.valueFrom).toBeUndefined();
          expect(Object.fromEntries(env.map((v) => [v.name, v.value]))).toEqual(expected);
        }
      }
    });

    test('env follows the model layers', () => {
      const ctx = ctxOf(
        'aws-dev',
        lakehouseEdit('aws-dev', (l) => {
          l.layers = ['gold', 'bronze'];
          l.jobs = l.jobs!.filter((j) => j.layer !== 'silver');
        }),
      );
      const env = specOf(ctx, 'bronze-ingest').driver.env.map((v: any) => v.name);
      expect(env).toEqual(['AWS_REGION', 'LAKEHOUSE_BRONZE_URI', 'LAKEHOUSE_GOLD_URI', 'LAKEHOUSE_LANDING_URI']);
    });
  });

  describe('security and resources', () => {
    const POD = { runAsNonRoot: true, runAsUser: 185, runAsGroup: 185, fsGroup: 185, seccompProfile: { type: 'RuntimeDefault' } };
    // The restricted profile of every chart, as the Spark image's user (185) instead of ours.
    const CONTAINER = { ...RESTRICTED_CONTAINER, runAsUser: 185, runAsGroup: 185 };

    test.each(all)('%s: non-root uid 185, read-only root with emptyDir /tmp and work dir, ALL capabilities dropped, RuntimeDefault seccomp', (_n, ctx) => {
      for (const [, spec] of appSpecs(ctx)) {
        expect(spec.volumes).toEqual([
          { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
          { name: 'work-dir', emptyDir: { sizeLimit: '2Gi' } },
        ]);
        for (const role of ['driver', 'executor']) {
          const pod = spec[role];
          expect(pod.podSecurityContext).toEqual(POD);
          expect(pod.securityContext).toEqual(CONTAINER);
          expect(pod.volumeMounts).toEqual([
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'work-dir', mountPath: '/opt/spark/work-dir' },
          ]);
          // Every mount has its volume.
          for (const m of pod.volumeMounts) expect(spec.volumes.map((v: any) => v.name)).toContain(m.name);
        }
      }
    });

    test.each(all)('%s: cores, a CPU limit of twice the cores, and memory on every driver and executor', (_n, ctx) => {
      for (const [job, spec] of appSpecs(ctx)) {
        expect(spec.driver).toMatchObject({ cores: 1, coreLimit: '2', memory: '2g' });
        expect(spec.executor).toMatchObject({ cores: 2, coreLimit: '4', memory: job === 'daily-pipeline' ? '8g' : '4g' });
        for (const role of ['driver', 'executor']) expect(spec[role].coreLimit).toBe(String(spec[role].cores * 2));
      }
    });

    test('sizes follow the model', () => {
      const ctx = ctxOf(
        'azure-dev',
        lakehouseEdit('azure-dev', (l) => {
          const job = l.jobs!.find((j) => j.name === 'bronze-ingest')!;
          job.driver = { cores: 2, memory: '3g' };
          job.executor = { cores: 4, memory: '16g' };
        }),
      );
      const spec = specOf(ctx, 'bronze-ingest');
      expect(spec.driver).toMatchObject({ cores: 2, coreLimit: '4', memory: '3g' });
      expect(spec.executor).toMatchObject({ cores: 4, coreLimit: '8', memory: '16g' });
    });

    test.each(all)('%s: pod labels: the spark selector, the role and the job on drivers and executors', (_n, ctx) => {
      for (const [job, spec] of appSpecs(ctx)) {
        for (const role of ['driver', 'executor']) {
          expect(spec[role].labels).toMatchObject({
            ...SPARK_SELECTOR,
            'app.kubernetes.io/component': role,
            'platform-synth.io/spark-job': job,
            'platform-synth.io/app': 'lakehouse',
            'platform-synth.io/environment': ctx.env.name,
          });
        }
      }
    });
  });

  describe('NetworkPolicies', () => {
    const sparkPorts = [
      { protocol: 'TCP', port: 7078 },
      { protocol: 'TCP', port: 7079 },
    ];
    const sparkPeers = [{ podSelector: { matchLabels: SPARK_SELECTOR } }];

    test.each(all)('%s: ingress to the Spark pods only from Spark pods, on the driver and block manager ports', (_n, ctx) => {
      expect(one(ctx, 'NetworkPolicy', 'spark-ingress').spec).toEqual({
        podSelector: { matchLabels: SPARK_SELECTOR },
        policyTypes: ['Ingress'],
        ingress: [{ from: sparkPeers, ports: sparkPorts }],
      });
    });

    // The API server where each cloud's policy engine sees it, then the storage and catalog endpoints.
    const expectedEgress: Record<string, object[]> = {
      // EKS: the kubernetes Service ClusterIP (the VPC CNI enforces before translation); the STS and Glue endpoints in the VPC.
      'aws-dev': [https('172.20.0.1/32'), https('10.10.0.0/16'), publicHttps],
      'aws-prod': [https('172.20.0.1/32'), https('10.20.0.0/16'), publicHttps],
      // AKS dev: a public API server and public storage endpoints, so nothing in the VNet.
      'azure-dev': [publicHttps],
      // AKS prod: the private API server's endpoint in the system subnet, the storage private endpoints.
      'azure-prod': [https('10.40.0.0/18'), https('10.40.128.0/18'), publicHttps],
    };

    test.each(all)('%s: egress to Spark pods on those ports, HTTPS to the API server and storage where they are, and to public addresses', (name, ctx) => {
      const np = one(ctx, 'NetworkPolicy', 'spark-egress');
      expect(np.spec).toEqual({
        podSelector: { matchLabels: SPARK_SELECTOR },
        policyTypes: ['Egress'],
        egress: [{ to: sparkPeers, ports: sparkPorts }, ...expectedEgress[name]],
      });
      // The public rule excludes every private range.
      expect(np.spec.egress.at(-1).to[0].ipBlock.except).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
      expect(ofKind(ctx, 'NetworkPolicy')).toHaveLength(3);
    });

    test.each(all)('%s: Prometheus to the drivers’ UI port (their executor metrics), nothing else, and only with observability on', (_n, ctx) => {
      const np = one(ctx, 'NetworkPolicy', 'spark-driver-metrics');
      expect(np.spec).toEqual({
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'spark', 'app.kubernetes.io/component': 'driver' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
                podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
              },
            ],
            ports: [{ protocol: 'TCP', port: 4040 }],
          },
        ],
      });
      const off = ctxOf(
        ctx.env.name,
        specWith(ctx.env.name, (e) => (e.observability = { enabled: false })),
      );
      expect(ofKind(off, 'NetworkPolicy').map((p) => p.metadata.name)).not.toContain('spark-driver-metrics');
      expect(specOf(off, 'silver-clean').sparkConf['spark.ui.prometheus.enabled']).toBeUndefined();
    });

    // The interface endpoints the platform stack creates on AWS.
    const endpoints = {
      aws_vpc_endpoint: Object.fromEntries(
        ['sts', 'glue'].map((s) => [s, { service_name: `com.amazonaws.eu-west-1.${s}`, vpc_endpoint_type: 'Interface', private_dns_enabled: true }]),
      ),
    };
    const prodPrivateEndpoints = {
      azurerm_private_endpoint: Object.fromEntries(['blob', 'dfs'].map((s) => [s, { private_service_connection: { subresource_names: [s] } }])),
    };

    test.each(all)('%s: every Spark flow passes the policies (driver → API server, driver ↔ executors, STS, Glue, storage)', (name, ctx) => {
      const terraform = ctx.env.cloud === 'aws' ? endpoints : name === 'azure-prod' ? prodPrivateEndpoints : {};
      // The private endpoints are the lakehouse stack's: the flow checker looks for them there.
      const findings = flowFindings(
        ctx,
        [PlatformChart, LakehouseChart],
        'lakehouse',
        ctx.env.cloud === 'azure' ? { lakehouse: terraform } : { platform: terraform },
      );
      expect(findings).toEqual([]);
    });

    test.each(all)('%s: both policies select every driver and executor', (_n, ctx) => {
      for (const [, spec] of appSpecs(ctx)) for (const role of ['driver', 'executor']) expect(spec[role].labels).toMatchObject(SPARK_SELECTOR);
    });
  });

  describe('schemas and policy', () => {
    const emitted = emittedObjects(all, objects);

    testEachValid(emitted, '%s is valid (Kubernetes 1.28, the Spark operator CRDs)');

    test('the bundle validates the Spark kinds against the upstream CRD files', () => {
      const kinds = loadKubernetesBundle().kinds['sparkoperator.k8s.io/v1beta2'];
      expect(kinds.SparkApplication.source).toBe('crds/sparkoperator.k8s.io_sparkapplications.yaml');
      expect(kinds.ScheduledSparkApplication.source).toBe('crds/sparkoperator.k8s.io_scheduledsparkapplications.yaml');
      expect(kinds.SparkApplication.namespaced).toBe(true);
      expect(kinds.ScheduledSparkApplication.namespaced).toBe(true);
    });

    (fs.existsSync(SHARED_SCHEMAS) ? describe : describe.skip)('against the full CRDs in ../shared/schemas, built afresh', () => {
      let fresh: KubernetesBundle;
      beforeAll(() => {
        fresh = buildKubernetesBundle(SHARED_SCHEMAS);
      });
      const spark = emitted.filter(([, o]) => o.apiVersion.startsWith('sparkoperator.k8s.io/'));

      test('every environment emits Spark objects to check', () => {
        expect(spark.map(([id]) => id)).toHaveLength(16);
      });

      test.each(spark)('%s is valid against its full CRD', (_id, obj) => {
        expect(fresh.kinds['sparkoperator.k8s.io/v1beta2'][obj.kind].source).toBe(`crds/sparkoperator.k8s.io_${obj.kind.toLowerCase()}s.yaml`);
        expect(validateManifest(obj, fresh)).toEqual([]);
      });
    });

    test('the validator rejects what the CRDs do not allow: enums, unknown fields, non-string conf', () => {
      const [, app] = emitted.find(([, o]) => o.kind === 'SparkApplication')!;
      const broken = structuredClone(app);
      broken.spec.mode = 'local';
      broken.spec.restartPolicy.type = 'Sometimes';
      broken.spec.pythonVersion = '4';
      broken.spec.driver.serviceAccountName = 'spark';
      broken.spec.sparkConf['spark.driver.port'] = 7078;
      expect(validateManifest(broken).map((e) => e.path)).toEqual(
        expect.arrayContaining([
          'spec.mode',
          'spec.restartPolicy.type',
          'spec.pythonVersion',
          'spec.driver.serviceAccountName',
          'spec.sparkConf["spark.driver.port"]',
        ]),
      );
      const [, scheduled] = emitted.find(([, o]) => o.kind === 'ScheduledSparkApplication')!;
      const brokenScheduled = structuredClone(scheduled);
      brokenScheduled.spec.template.type = 'Go';
      delete brokenScheduled.spec.schedule;
      expect(
        validateManifest(brokenScheduled)
          .map((e) => e.path)
          .sort(),
      ).toEqual(['spec.schedule', 'spec.template.type']);
    });

    test.each(all)('%s: the policy pack finds nothing in the lakehouse app', (_n, ctx) => {
      expect(policyFindings(ctx, [PlatformChart, LakehouseChart], 'lakehouse')).toEqual([]);
    });
  });

  test('rendering is deterministic', () => {
    const ctx = ctxOf('azure-prod');
    expect([...render(ctx)]).toEqual([...render(ctx)]);
  });
});

describe('LakehouseChart snapshots', () => {
  test.each(['aws-prod', 'azure-prod'])('%s matches the reviewed rendering', (envName) => {
    expect(Object.fromEntries(render(ctxOf(envName)))).toMatchSnapshot();
  });
});
