import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { PlatformChart } from '../../charts/platform/platform';
import { SELDON_STORAGE_INITIALIZER, ServingChart } from '../../charts/serving/serving';
import type { EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';
import { azureSubnetLayout } from '../../src/model/cidr';
import { MLOPS_OUTPUTS, MLOPS_STACK } from '../../src/model/naming';
import type { EnvironmentSpec, PlatformSpec, ServedModelSpec } from '../../src/model/types';
import { defaultPlatform } from '../../src/platform';
import { MODEL_SERVER_METRICS, TF_SERVING_MONITORING, TORCHSERVE_METRICS_ENV } from '../../src/model/workloads/mlops/serving';
import { mlopsScrapes } from '../../src/model/workloads/mlops/flows';
import { validateManifest } from '../../src/validate/kubernetes';
import {
  chartKit,
  emittedObjects,
  emptyOutputsDir,
  exampleOutput,
  testEachValid,
  https,
  policyFindings,
  publicHttps,
  RESTRICTED_POD,
  specWith,
  appNamesOf,
  findingsBesidesUnseenServiceAccount,
  flowFindings,
} from './helpers';

const { ctxOf, render, objects, one, missingOutputs, all, aws, azure } = chartKit(ServingChart, (e) => e.mlops);
/** The default model with one environment's served models replaced. */
function withModels(envName: string, models: ServedModelSpec[], edit?: (e: EnvironmentSpec) => void): PlatformSpec {
  return specWith(envName, (env) => {
    env.workloads!.mlops!.models = models;
    edit?.(env);
  });
}
/** Where the environment keeps served models: its own bucket or storage account. */
function modelStore(ctx: EnvironmentContext<Cloud, 'mlops'>): string {
  const m = ctx.names.mlops!;
  return ctx.env.cloud === 'aws' ? `s3://${m.aws!.artifactsBucket}/models/` : `https://${m.azure!.storageAccountName}.blob.core.windows.net/models/`;
}

const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port }));
const nsPeer = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
/** Prometheus (observability is on by default) to a model server's metrics port. */
const fromPrometheus = (port: number) => ({
  from: [{ ...nsPeer('monitoring'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
  ports: tcp(port),
});
const RESTRICTED = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

describe('ServingChart', () => {
  test('the default model serves iris (sklearn, canary 10%, A/B with iris/v2 at 20%) and churn (xgboost, Standard) in all four environments', () => {
    expect(all.map(([n]) => n).sort()).toEqual(['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']);
    for (const [, ctx] of all)
      expect(ctx.env.mlops!.models).toMatchObject([
        { name: 'iris', framework: 'sklearn', path: 'iris/v1', canaryPercent: 10, abTest: { challengerPath: 'iris/v2', challengerPercent: 20 } },
        { name: 'churn', framework: 'xgboost', path: 'churn/v3' },
      ]);
  });

  test.each(all)('%s: objects per model, all in the mlops namespace, no Secret', (_n, ctx) => {
    const files = render(ctx);
    expect([...files.keys()].sort()).toEqual(
      [
        'inferenceservice-churn.yaml',
        'inferenceservice-iris.yaml',
        'kustomization.yaml',
        'networkpolicy-churn.yaml',
        'networkpolicy-iris-ab.yaml',
        'networkpolicy-iris.yaml',
        'seldondeployment-iris-ab.yaml',
        'serviceaccount-serve-churn.yaml',
        'serviceaccount-serve-iris.yaml',
      ].map((f) => `serving/${f}`),
    );
    for (const obj of objects(ctx)) expect(obj.metadata.namespace).toBe(ctx.names.mlops!.namespace);
    expect(objects(ctx).filter((o) => o.kind === 'Secret')).toEqual([]);
    const text = [...files.values()].join('\n');
    for (const word of ['envSecretRefName', 'secretRef', 'secretKeyRef', 'AWS_SECRET_ACCESS_KEY', 'AccountKey', 'storage.kserve.io/secret'])
      expect(text).not.toContain(word);
  });

  test('the chart factory is added only where models are served', () => {
    expect(appNamesOf(ctxOf('aws-dev'))).toContain('serving');
    expect(appNamesOf(ctxOf('aws-dev', withModels('aws-dev', [])))).not.toContain('serving');
  });

  describe('KServe InferenceService', () => {
    test.each(all)('%s: the model path in the artifact store of its own environment, format and service account', (_n, ctx) => {
      const isvc = one(ctx, 'InferenceService', 'iris');
      expect(isvc.apiVersion).toBe('serving.kserve.io/v1beta1');
      expect(isvc.spec.predictor.model.modelFormat).toEqual({ name: 'sklearn' });
      expect(isvc.spec.predictor.model.storageUri).toBe(`${modelStore(ctx)}iris/v1`);
      expect(isvc.spec.predictor.model.storageUri).toBe(ctx.names.mlops!.modelUri('iris/v1'));
      expect(isvc.spec.predictor.serviceAccountName).toBe('serve-iris');
      // Not another environment's store.
      for (const [, other] of all.filter(([, c]) => c !== ctx)) expect(isvc.spec.predictor.model.storageUri.startsWith(modelStore(other))).toBe(false);
    });

    test.each(all)('%s: replicas (dev 1–3, prod 2–6), resources, restricted container security context', (_n, ctx) => {
      const p = one(ctx, 'InferenceService', 'iris').spec.predictor;
      const prod = ctx.env.stage === 'prod';
      expect([p.minReplicas, p.maxReplicas]).toEqual(prod ? [2, 6] : [1, 3]);
      expect(p.model.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
      expect(p.model.securityContext).toEqual(RESTRICTED);
    });

    test.each(all)('%s: a canary model is Knative with canaryTrafficPercent (it works only on Knative revisions)', (_n, ctx) => {
      const isvc = one(ctx, 'InferenceService', 'iris');
      expect(isvc.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Knative' });
      expect(isvc.spec.predictor.canaryTrafficPercent).toBe(10);
      // Knative admits the priority class with the feature the KnativeServing turns on (serving-ingress).
      expect(isvc.spec.predictor.priorityClassName).toBe('online-serving');
    });

    test.each([
      ['promoted', 100],
      ['rolled back', 0],
    ])('a canary %s (canaryPercent %i) stays on Knative with that share for the latest revision: KServe’s promote / rollback', (_what, percent) => {
      const ctx = ctxOf('aws-prod', withModels('aws-prod', [{ name: 'iris', framework: 'sklearn', path: 'iris/v2', canaryPercent: percent }]));
      const isvc = one(ctx, 'InferenceService', 'iris');
      // The mode stays (switching it would re-create the model's workloads), and KServe sends `percent` to the latest revision.
      expect(isvc.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Knative' });
      expect(isvc.spec.predictor.canaryTrafficPercent).toBe(percent);
    });

    test('a model without a canary is Standard (no Knative or Istio) and sets no canaryTrafficPercent', () => {
      const ctx = ctxOf(
        'azure-prod',
        withModels('azure-prod', [{ name: 'churn', framework: 'xgboost', path: 'churn/v3', minReplicas: 3, maxReplicas: 9, cpu: '1', memory: '2Gi' }]),
      );
      const isvc = one(ctx, 'InferenceService', 'churn');
      expect(isvc.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Standard' });
      expect(isvc.spec.predictor).toMatchObject({
        minReplicas: 3,
        maxReplicas: 9,
        priorityClassName: 'online-serving',
        model: {
          modelFormat: { name: 'xgboost' },
          storageUri: `${modelStore(ctx)}churn/v3`,
          resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } },
        },
      });
      expect(isvc.spec.predictor.canaryTrafficPercent).toBeUndefined();
      // No A/B test: no SeldonDeployment and no policy for one.
      expect(
        objects(ctx)
          .map((o) => `${o.kind}/${o.metadata.name}`)
          .sort(),
      ).toEqual(['InferenceService/churn', 'NetworkPolicy/churn', 'ServiceAccount/serve-churn']);
      // Standard pods take traffic from the gateway on the runtime's HTTP port directly (the models serve no gRPC).
      // Prometheus reads the runtime's /metrics on that port.
      expect(one(ctx, 'NetworkPolicy', 'churn').spec.ingress).toEqual([{ from: [nsPeer('istio-system')], ports: tcp(8080) }, fromPrometheus(8080)]);
    });
  });

  describe('Seldon Core A/B test', () => {
    test.each(all)('%s: main and challenger split 80/20 (sum 100), paths in the own artifact store', (_n, ctx) => {
      const sdep = one(ctx, 'SeldonDeployment', 'iris-ab');
      expect(sdep.apiVersion).toBe('machinelearning.seldon.io/v1');
      const predictors = sdep.spec.predictors;
      expect(predictors.map((p: any) => [p.name, p.traffic])).toEqual([
        ['main', 80],
        ['challenger', 20],
      ]);
      expect(predictors.reduce((sum: number, p: any) => sum + p.traffic, 0)).toBe(100);
      expect(predictors.map((p: any) => p.graph.modelUri)).toEqual([`${modelStore(ctx)}iris/v1`, `${modelStore(ctx)}iris/v2`]);
    });

    test.each(all)('%s: each graph one MODEL node on SKLEARN_SERVER, no Secret: KServe storage initializer with the pod identity', (_n, ctx) => {
      const prod = ctx.env.stage === 'prod';
      for (const p of one(ctx, 'SeldonDeployment', 'iris-ab').spec.predictors) {
        expect(p.graph).toMatchObject({ name: 'model', type: 'MODEL', implementation: 'SKLEARN_SERVER', children: [], serviceAccountName: 'serve-iris' });
        expect(p.graph.storageInitializerImage).toBe(SELDON_STORAGE_INITIALIZER);
        expect(SELDON_STORAGE_INITIALIZER).toMatch(/^kserve\/storage-initializer:v\d+\.\d+\.\d+$/);
        expect(p.graph.envSecretRefName).toBeUndefined();
        expect(p.replicas).toBe(prod ? 2 : 1);
        expect(p.componentSpecs).toHaveLength(1);
        const spec = p.componentSpecs[0].spec;
        expect(spec.serviceAccountName).toBe('serve-iris');
        expect(spec.automountServiceAccountToken).toBe(false);
        expect(spec.securityContext).toEqual(RESTRICTED_POD);
        // The container the operator completes for the prepackaged server carries resources and the restricted context,
        // as the servers' image user 8888 (SELDON_SERVER_UID).
        expect(spec.containers).toEqual([
          {
            name: 'model',
            resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
            securityContext: { ...RESTRICTED, runAsUser: 8888, runAsGroup: 8888 },
          },
        ]);
      }
    });

    test('the split and the server follow the model', () => {
      const models: ServedModelSpec[] = [
        { name: 'fraud', framework: 'xgboost', path: 'fraud/v1', abTest: { challengerPath: 'fraud/v2', challengerPercent: 35 } },
        { name: 'vision', framework: 'onnx', path: 'vision/a', abTest: { challengerPath: 'vision/b', challengerPercent: 50 } },
        { name: 'ranker', framework: 'lightgbm', path: 'ranker/1', abTest: { challengerPath: 'ranker/2', challengerPercent: 5 } },
        { name: 'text', framework: 'tensorflow', path: 'text/1', abTest: { challengerPath: 'text/2', challengerPercent: 10 } },
      ];
      const ctx = ctxOf('aws-prod', withModels('aws-prod', models));
      const expected = { fraud: 'XGBOOST_SERVER', vision: 'TRITON_SERVER', ranker: 'MLFLOW_SERVER', text: 'TENSORFLOW_SERVER' };
      for (const m of models) {
        const sdep = one(ctx, 'SeldonDeployment', `${m.name}-ab`);
        // The chart gives TRITON_SERVER an image only under the v2 protocol; the others keep Seldon's default.
        expect([m.name, sdep.spec.protocol]).toEqual([m.name, m.framework === 'onnx' ? 'v2' : undefined]);
        const predictors = sdep.spec.predictors;
        expect(predictors.map((p: any) => p.traffic)).toEqual([100 - m.abTest!.challengerPercent, m.abTest!.challengerPercent]);
        expect(predictors[1].graph.modelUri).toBe(`${modelStore(ctx)}${m.abTest!.challengerPath}`);
        for (const p of predictors) expect(p.graph.implementation).toBe(expected[m.name as keyof typeof expected]);
        expect(one(ctx, 'InferenceService', m.name).spec.predictor.model.modelFormat.name).toBe(m.framework);
      }
      for (const o of objects(ctx)) expect(validateManifest(o)).toEqual([]);
    });
  });

  describe('identity', () => {
    const empty = emptyOutputsDir('serving-no-outputs-');

    test.each(aws)('%s: IRSA role annotation and the KServe S3 annotations on the service account', (_n, ctx) => {
      const sa = one(ctx, 'ServiceAccount', 'serve-iris');
      expect(sa.metadata.annotations).toEqual({
        'eks.amazonaws.com/role-arn': ctx.names.aws!.roleArn(ctx.names.mlops!.aws!.servingRoleName('iris')),
        'serving.kserve.io/s3-endpoint': `s3.${ctx.env.region}.amazonaws.com`,
        'serving.kserve.io/s3-usehttps': '1',
        'serving.kserve.io/s3-region': ctx.env.region,
        'serving.kserve.io/s3-useanoncredential': 'false',
      });
      expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(`arn:aws:iam::${ctx.env.aws!.accountId}:role/${ctx.names.prefix}-serve-iris`);
      expect(sa.automountServiceAccountToken).toBe(false);
      expect(one(ctx, 'InferenceService', 'iris').spec.predictor.labels['azure.workload.identity/use']).toBeUndefined();
    });

    test.each(azure)('%s: client id from the mlops outputs file; the workload identity label on KServe and Seldon pods', (name, ctx) => {
      const sa = one(ctx, 'ServiceAccount', 'serve-iris');
      expect(sa.metadata.annotations).toEqual({ 'azure.workload.identity/client-id': exampleOutput(name, MLOPS_STACK, MLOPS_OUTPUTS.servingClientId('iris')) });
      expect(sa.automountServiceAccountToken).toBe(false);
      expect(one(ctx, 'InferenceService', 'iris').spec.predictor.labels['azure.workload.identity/use']).toBe('true');
      for (const p of one(ctx, 'SeldonDeployment', 'iris-ab').spec.predictors)
        expect(p.componentSpecs[0].metadata.labels['azure.workload.identity/use']).toBe('true');
    });

    test('an Azure chart without an outputs file records the missing client id once per model', () => {
      expect(missingOutputs('azure-dev', empty())).toEqual(['azure-dev: mlops.serve_churn_client_id', 'azure-dev: mlops.serve_iris_client_id']);
      expect(missingOutputs('aws-dev', empty())).toEqual([]);
    });
  });

  describe('network policy', () => {
    const kserveSelector = { 'platform-synth.io/served-model': 'iris', 'app.kubernetes.io/component': 'kserve-predictor' };
    const seldonSelector = { 'platform-synth.io/served-model': 'iris', 'app.kubernetes.io/component': 'seldon-predictor' };
    const storageEgress = (ctx: EnvironmentContext<Cloud, 'mlops'>) =>
      ctx.env.cloud === 'aws'
        ? [https(ctx.env.network.cidr), publicHttps]
        : ctx.env.stage === 'prod'
          ? [https(azureSubnetLayout(ctx.env.network.cidr).endpoints), publicHttps]
          : [publicHttps];

    test.each(all)('%s: the pod labels the policies select are on the pods', (_n, ctx) => {
      expect(one(ctx, 'InferenceService', 'iris').spec.predictor.labels).toMatchObject(kserveSelector);
      for (const p of one(ctx, 'SeldonDeployment', 'iris-ab').spec.predictors) expect(p.componentSpecs[0].metadata.labels).toMatchObject(seldonSelector);
    });

    test.each(all)(
      "%s: InferenceService (Knative): queue-proxy's HTTP port from the gateway and Knative, its metrics from Knative; egress to the artifact store",
      (_n, ctx) => {
        const np = one(ctx, 'NetworkPolicy', 'iris');
        expect(np.spec).toEqual({
          podSelector: { matchLabels: kserveSelector },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [
            { from: [nsPeer('istio-system')], ports: tcp(8012) },
            { from: [nsPeer('knative-serving')], ports: tcp(8012, 9090) },
            // queue-proxy's request metrics.
            fromPrometheus(9091),
          ],
          egress: storageEgress(ctx),
        });
      },
    );

    test.each(all)('%s: SeldonDeployment: executor ports (HTTP, gRPC) from the gateway; egress to the artifact store', (_n, ctx) => {
      const np = one(ctx, 'NetworkPolicy', 'iris-ab');
      expect(np.spec).toEqual({
        podSelector: { matchLabels: seldonSelector },
        policyTypes: ['Ingress', 'Egress'],
        // The executor serves its metrics on its HTTP port.
        ingress: [{ from: [nsPeer('istio-system')], ports: tcp(8000, 5001) }, fromPrometheus(8000)],
        egress: storageEgress(ctx),
      });
    });

    test.each(all)('%s: every flow of the model servers passes: gateway, Knative activator and autoscaler in, artifact store out', (_n, ctx) => {
      // STS's interface endpoint on AWS (the servers are on IRSA); on Azure prod the mlops stack's blob private endpoint.
      const stacks: Record<string, Record<string, Record<string, any>>> = ctx.env.cloud === 'aws'
        ? {
            platform: {
              aws_vpc_endpoint: { sts: { service_name: 'com.amazonaws.eu-west-1.sts', vpc_endpoint_type: 'Interface', private_dns_enabled: true } },
            },
          }
        : { mlops: ctx.env.stage === 'prod' ? { azurerm_private_endpoint: { blob: { private_service_connection: { subresource_names: ['blob'] } } } } : {} };
      const found = flowFindings(ctx, [PlatformChart, ServingChart], 'mlops', stacks).filter((f) => f.resource.includes(' predictor'));
      expect(found).toEqual([]);
    });

    test("the gateway namespace is the cluster's, with or without RAG", () => {
      const spec = structuredClone(defaultPlatform);
      spec.environments.find((e) => e.name === 'aws-prod')!.cluster.gatewayNamespace = 'istio-ingress';
      const ctx = ctxOf('aws-prod', spec);
      expect(one(ctx, 'NetworkPolicy', 'iris-ab').spec.ingress[0].from).toEqual([nsPeer('istio-ingress')]);
      const noRag = ctxOf(
        'aws-prod',
        withModels('aws-prod', [{ name: 'iris', framework: 'sklearn', path: 'iris/v1' }], (e) => (e.workloads!.rag = { enabled: false })),
      );
      expect(one(noRag, 'NetworkPolicy', 'iris').spec.ingress[0].from).toEqual([nsPeer('istio-system')]);
    });
  });

  describe('schemas', () => {
    const emitted = emittedObjects(all, objects);

    testEachValid(emitted, '%s is valid (Kubernetes 1.28, the KServe and Seldon CRDs)');

    test('the validator checks both custom resources against the full CRDs', () => {
      const isvc = structuredClone(emitted.find(([, o]) => o.kind === 'InferenceService')![1]) as any;
      isvc.spec.predictor.canaryTrafficPercent = 'ten';
      isvc.spec.predictor.model.storageURI = isvc.spec.predictor.model.storageUri;
      expect(validateManifest(isvc).map((e) => e.path)).toEqual(
        expect.arrayContaining(['spec.predictor.canaryTrafficPercent', 'spec.predictor.model.storageURI']),
      );
      const sdep = structuredClone(emitted.find(([, o]) => o.kind === 'SeldonDeployment')![1]) as any;
      sdep.spec.predictors[0].traffic = '80%';
      sdep.spec.predictors[1].graph.modelURI = 'x';
      expect(validateManifest(sdep).map((e) => e.path)).toEqual(expect.arrayContaining(['spec.predictors[0].traffic', 'spec.predictors[1].graph.modelURI']));
    });
  });

  describe('policy pack', () => {
    test.each(all)('%s: nothing in the serving chart but the service account it cannot see used', (_n, ctx) => {
      const findings = policyFindings(ctx, [PlatformChart, ServingChart], 'serving');
      // The rule reads service accounts from core pod templates and Milvus only; the KServe and Seldon
      // pods take theirs from spec.predictor.serviceAccountName and componentSpecs[].spec.serviceAccountName.
      expect(findingsBesidesUnseenServiceAccount(findings, 'mlops/serve-iris')).toEqual([]);
    });
  });

  test('rendering is deterministic', () => {
    const ctx = ctxOf('azure-prod');
    expect([...render(ctx)]).toEqual([...render(ctx)]);
  });
});

describe('KServe finds a runtime for every framework (kserve-runtime-configs v0.20.0, as the controller picks one)', () => {
  // The chart's ClusterServingRuntimes as it renders them (the files it patches, read from the offline chart cache).
  const runtimes = parseAllDocuments(
    fs.readFileSync(path.resolve(__dirname, '../../../shared/charts/kserve-runtime-configs-v0.20.0/files/runtimes/resources.yaml'), 'utf8'),
  )
    .map((d) => d.toJS())
    .filter(Boolean);
  /** KServe v0.20.0 GetSupportingRuntimes: auto-selectable for the format, listing the protocol (v1 when unset); then the highest priority. */
  const selected = (format: string, protocol: string): string | undefined =>
    runtimes
      .flatMap((r: any) =>
        (r.spec.supportedModelFormats ?? [])
          .filter((f: any) => f.name === format && f.autoSelect === true && (r.spec.protocolVersions ?? ['v1']).includes(protocol))
          .map((f: any) => ({ name: r.metadata.name, priority: f.priority ?? 0 })),
      )
      .sort((a: any, b: any) => b.priority - a.priority)[0]?.name;

  const frameworks = ['sklearn', 'xgboost', 'lightgbm', 'tensorflow', 'pytorch', 'onnx'] as const;
  const ctx = ctxOf(
    'aws-dev',
    specWith(
      'aws-dev',
      (e) => (e.workloads!.mlops!.models = frameworks.map((framework) => ({ name: `m-${framework}`, path: `models/${framework}`, framework }))),
    ),
  );

  test.each(frameworks)('%s', (framework) => {
    const { model } = one(ctx, 'InferenceService', `m-${framework}`).spec.predictor;
    const runtime = selected(model.modelFormat.name, model.protocolVersion ?? 'v1');
    expect(runtime).toBe(
      {
        sklearn: 'kserve-sklearnserver',
        xgboost: 'kserve-xgbserver',
        lightgbm: 'kserve-lgbserver',
        tensorflow: 'kserve-tensorflow-serving',
        pytorch: 'kserve-torchserve',
        // Only with protocolVersion v2: Triton lists v2 and grpc-v2 alone.
        onnx: 'kserve-tritonserver',
      }[framework],
    );
    // The metrics table names the server that runtime runs (src/model/workloads/mlops/serving.ts).
    if (framework === 'onnx') expect(MODEL_SERVER_METRICS.onnx?.server).toBe('triton');
    if (['sklearn', 'xgboost', 'lightgbm'].includes(framework)) expect(MODEL_SERVER_METRICS[framework].server).toBe('kserve');
    if (framework === 'pytorch') expect(MODEL_SERVER_METRICS.pytorch.server).toBe('torchserve');
  });
});

describe('TensorFlow Serving’s metrics', () => {
  const tfCtx = ctxOf('aws-prod', withModels('aws-prod', [{ name: 'ranker', path: 'models/ranker', framework: 'tensorflow' }]));

  test('a tensorflow predictor gets a monitoring config that enables Prometheus, by the flag TensorFlow Serving reads it from', () => {
    const isvc = one(tfCtx, 'InferenceService', 'ranker');
    const model = isvc.spec.predictor.model;
    const flag = `--monitoring_config_file=${TF_SERVING_MONITORING.mountPath}/${TF_SERVING_MONITORING.file}`;
    // Appended to the runtime's own args (KServe concatenates them): nothing else is passed.
    expect(model.args).toEqual([flag]);
    const mount = model.volumeMounts.find((m: any) => m.mountPath === TF_SERVING_MONITORING.mountPath);
    expect(mount).toMatchObject({ readOnly: true });
    const volume = isvc.spec.predictor.volumes.find((v: any) => v.name === mount.name);
    expect(volume.configMap.name).toBe(TF_SERVING_MONITORING.configMap);
    const cm = one(tfCtx, 'ConfigMap', TF_SERVING_MONITORING.configMap);
    // The MonitoringConfig text proto (tensorflow/serving 2.6.2 config/monitoring_config.proto), the default path.
    expect(cm.data[TF_SERVING_MONITORING.file]).toBe('prometheus_config {\n  enable: true\n}\n');
    expect(MODEL_SERVER_METRICS.tensorflow).toEqual({ server: 'tensorflow-serving', port: 8080, path: '/monitoring/prometheus/metrics' });
    // Other frameworks get neither.
    const defaultCtx = ctxOf('aws-prod');
    expect(objects(defaultCtx).filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    expect(one(defaultCtx, 'InferenceService', 'churn').spec.predictor.model.args).toBeUndefined();
  });

  test('the predictor is scraped where TensorFlow Serving serves (REST port 8080, kserve-container), and the policy lets Prometheus in there', () => {
    const target = mlopsScrapes(tfCtx.env).find((t) => t.name === 'mlops-ranker-predictor');
    expect(target).toMatchObject({ port: { port: 8080 }, path: '/monitoring/prometheus/metrics', container: 'kserve-container' });
    const policies = objects(tfCtx).filter((o) => o.kind === 'NetworkPolicy');
    const fromPrometheus = policies
      .flatMap((p) => p.spec.ingress ?? [])
      .filter((r: any) => r.from?.some((f: any) => f.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus'));
    expect(fromPrometheus.flatMap((r: any) => r.ports.map((p: any) => p.port))).toContain(8080);
  });
});

describe('TorchServe’s metrics', () => {
  const ptCtx = ctxOf('aws-prod', withModels('aws-prod', [{ name: 'classifier', path: 'models/classifier', framework: 'pytorch' }]));

  test('a pytorch predictor opens TorchServe’s metrics API on every interface in prometheus mode, by the variables TorchServe reads', () => {
    const model = one(ptCtx, 'InferenceService', 'classifier').spec.predictor.model;
    // TorchServe 0.9.0 listens on 127.0.0.1:8082 in log mode unless told otherwise.
    expect(model.env).toEqual([
      { name: 'TS_METRICS_ADDRESS', value: 'http://0.0.0.0:8082' },
      { name: 'TS_METRICS_MODE', value: 'prometheus' },
    ]);
    expect(TORCHSERVE_METRICS_ENV.map((e) => e.name)).toEqual(['TS_METRICS_ADDRESS', 'TS_METRICS_MODE']);
    // The runtime's own args (the model's config.properties) stay as they are.
    expect(model.args).toBeUndefined();
    // As TorchServe's model-server user (the runtime's runAsUser), who owns the directories TorchServe writes.
    expect(model.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false });
    expect(one(ctxOf('aws-prod'), 'InferenceService', 'churn').spec.predictor.model.securityContext.runAsUser).toBe(10001);
    expect(one(ctxOf('aws-prod'), 'InferenceService', 'churn').spec.predictor.model.env).toBeUndefined();
  });

  test('the predictor is scraped where the runtime annotates (8082 /metrics, kserve-container), and the policy lets Prometheus in there', () => {
    const target = mlopsScrapes(ptCtx.env).find((t) => t.name === 'mlops-classifier-predictor');
    expect(target).toMatchObject({ port: { port: 8082 }, path: '/metrics', container: 'kserve-container' });
    const fromPrometheus = objects(ptCtx)
      .filter((o) => o.kind === 'NetworkPolicy')
      .flatMap((p) => p.spec.ingress ?? [])
      .filter((r: any) => r.from?.some((f: any) => f.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus'));
    expect(fromPrometheus.flatMap((r: any) => r.ports.map((p: any) => p.port))).toContain(8082);
  });
});
