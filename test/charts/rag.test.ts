import { PlatformChart } from '../../charts/platform/platform';
import { AZURE_OPENAI_API_VERSION } from '../../charts/rag/env';
import { RagChart } from '../../charts/rag/rag';
import { podsPeer } from '../../charts/lib/network';
import { PROMETHEUS_PODS, scrapeTargets } from '../../src/model/scrapes';
import type { EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';
import { azureSubnetLayout } from '../../src/model/cidr';
import { RAG_OUTPUTS, RAG_STACK } from '../../src/model/naming';
import { PRIORITY_CLASSES } from '../../src/model/scheduling';
import type { RagSettings } from '../../src/model/types';
import { validateManifest } from '../../src/validate/kubernetes';
import type { EnvironmentOutput } from '../../src/validate/output';
import { scanEnvironment } from '../../src/validate/secrets';
import {
  chartKit,
  emittedObjects,
  exampleOutput,
  emptyOutputsDir,
  testEachValid,
  https,
  manifestsOf,
  policyFindings,
  publicHttps,
  RESTRICTED_CONTAINER,
  RESTRICTED_POD,
  specWith,
  TMP_MOUNTS,
  TMP_VOLUMES,
  expectAppOnlyWhereEnabled,
  findingsBesidesUnseenServiceAccount,
  expectWorkloadApp,
  flowFindings,
} from './helpers';

const { ctxOf, render, objects, one, missingOutputs, all, aws, azure } = chartKit(RagChart, (e) => e.rag);
const milvusOf = (ctx: EnvironmentContext<Cloud, 'rag'>) => one(ctx, 'Milvus', 'milvus');
const apiPod = (ctx: EnvironmentContext<Cloud, 'rag'>) => one(ctx, 'Deployment', 'rag-api').spec.template;
function apiEnv(ctx: EnvironmentContext<Cloud, 'rag'>): Record<string, string> {
  const env: any[] = apiPod(ctx).spec.containers[0].env;
  for (const v of env) expect(v.valueFrom).toBeUndefined();
  return Object.fromEntries(env.map((v) => [v.name, v.value]));
}
const podIdentityAgent = { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] };
const API_SELECTOR = { 'app.kubernetes.io/name': 'rag-api' };
const BACKENDS = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'NotIn', values: ['rag-api'] }] };

/** The platform's block class, which every Milvus volume names (the EKS default, AKS's Premium SSD class). */
const sc = (ctx: { env: { cloud: 'aws' | 'azure' } }) => (ctx.env.cloud === 'aws' ? 'gp3' : 'managed-csi-premium');

describe('RagChart', () => {
  test('the default model enables rag in all four environments', () => {
    expect(all.map(([n]) => n).sort()).toEqual(['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']);
  });

  test.each(all)('%s: objects, all in the rag namespace, listed in kustomization.yaml', (_n, ctx) => {
    expectWorkloadApp(render(ctx), 'rag', ctx.names.rag!.namespace, [
      'deployment-rag-api.yaml',
      'horizontalpodautoscaler-rag-api.yaml',
      'kustomization.yaml',
      'milvus-milvus.yaml',
      'networkpolicy-milvus.yaml',
      'networkpolicy-rag-api-egress.yaml',
      'networkpolicy-rag-api-ingress.yaml',
      'poddisruptionbudget-rag-api.yaml',
      'service-rag-api.yaml',
      'serviceaccount-milvus.yaml',
      'serviceaccount-rag-api.yaml',
    ]);
  });

  test('the chart factory is added only where rag is enabled', () => {
    expectAppOnlyWhereEnabled('aws-dev', 'rag');
  });

  describe('Milvus', () => {
    test.each(all)('%s: milvus.io/v1beta1, mode from the model: standalone in dev, cluster in prod', (_n, ctx) => {
      const m = milvusOf(ctx);
      expect(m.apiVersion).toBe('milvus.io/v1beta1');
      expect(m.spec.mode).toBe(ctx.env.stage === 'prod' ? 'cluster' : 'standalone');
      expect(m.spec.mode).toBe(ctx.env.rag!.milvus.mode);
    });

    test.each(all)('%s: the operator makes no PodMonitor of its own: the observability chart scrapes Milvus once', (_n, ctx) => {
      expect(milvusOf(ctx).spec.components.disableMetric).toBe(true);
    });

    test('the mode follows the model, not the stage', () => {
      const ctx = ctxOf(
        'aws-dev',
        specWith('aws-dev', (e) => (e.workloads!.rag!.milvus = { mode: 'cluster' })),
      );
      expect(milvusOf(ctx).spec.mode).toBe('cluster');
      expect(milvusOf(ctx).spec.dependencies.msgStreamType).toBe('pulsar');
    });

    test.each(all)('%s: image milvusdb/milvus at the model version; the service the API address names', (_n, ctx) => {
      expect(ctx.env.rag!.milvus.version).toBe('v2.5.4');
      expect(milvusOf(ctx).spec.components.image).toBe(`milvusdb/milvus:${ctx.env.rag!.milvus.version}`);
      // The operator names the Milvus service `<name>-milvus`; the API's address points at it.
      expect(ctx.names.rag!.milvusAddress).toBe(`${milvusOf(ctx).metadata.name}-milvus.rag.svc.cluster.local:19530`);
      const custom = ctxOf(
        'azure-prod',
        specWith('azure-prod', (e) => (e.workloads!.rag!.milvus = { version: 'v2.5.10' })),
      );
      expect(milvusOf(custom).spec.components.image).toBe('milvusdb/milvus:v2.5.10');
    });

    test.each(all)('%s: resources of each component from the model (limits: CPU twice, memory equal)', (_n, ctx) => {
      expect(milvusOf(ctx).spec.components.resources).toEqual({ requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } });
      const custom = ctxOf(
        ctx.env.name,
        specWith(ctx.env.name, (e) => (e.workloads!.rag!.milvus = { cpu: '500m', memory: '2Gi' })),
      );
      expect(milvusOf(custom).spec.components.resources).toEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    });

    test.each(aws)('%s: S3 at the regional endpoint, the Milvus bucket, IAM through the pod identity', (_n, ctx) => {
      const { spec } = milvusOf(ctx);
      expect(spec.dependencies.storage).toEqual({ external: true, type: 'S3', endpoint: `s3.${ctx.env.region}.amazonaws.com:443` });
      expect(spec.config.minio).toEqual({
        bucketName: ctx.names.rag!.aws!.milvusBucket,
        rootPath: 'milvus',
        useSSL: true,
        useIAM: true,
        cloudProvider: 'aws',
        region: ctx.env.region,
      });
    });

    test.each(azure)('%s: Azure Blob in the storage account and Milvus container, IAM through the workload identity', (_n, ctx) => {
      const { spec } = milvusOf(ctx);
      const names = ctx.names.rag!.azure!;
      expect(spec.dependencies.storage).toEqual({ external: true, type: 'Azure', endpoint: 'core.windows.net:443' });
      expect(spec.config.minio).toEqual({
        bucketName: names.milvusContainer,
        rootPath: 'milvus',
        useSSL: true,
        useIAM: true,
        cloudProvider: 'azure',
        // The storage account's name, not a key: Milvus builds https://<account>.blob.<address>/ from it.
        accessKeyID: names.storageAccountName,
      });
      const host = spec.dependencies.storage.endpoint.replace(/:443$/, '');
      expect(`https://${spec.config.minio.accessKeyID}.blob.${host}`).toBe(names.blobEndpoint);
    });

    test.each(all)('%s: no access keys or secrets anywhere', (_n, ctx) => {
      const { spec } = milvusOf(ctx);
      expect(spec.dependencies.storage.secretRef).toBeUndefined();
      expect(spec.config.minio.secretAccessKey).toBeUndefined();
      if (ctx.env.cloud === 'aws') expect(spec.config.minio.accessKeyID).toBeUndefined();
      expect(objects(ctx).filter((o) => o.kind === 'Secret')).toEqual([]);
      const text = [...render(ctx).values()].join('\n');
      for (const word of ['secretRef', 'secretKeyRef', 'secretAccessKey', 'AZURE_STORAGE_CONNECTION_STRING', 'AccountKey', 'api-key'])
        expect(text).not.toContain(word);
      // The repository's secret scanner agrees.
      const manifests = manifestsOf(ctx, [RagChart]);
      const files = new Map(manifests.map((m) => [m.file, render(ctx).get(m.file.split('/kubernetes/')[1])!]));
      const env: EnvironmentOutput = { name: ctx.env.name, terraform: [], manifests, files: [...files.keys()] };
      expect(scanEnvironment(env, (f) => files.get(f)!)).toEqual([]);
    });

    test.each(all)('%s: the pods run as the Milvus service account; Azure adds the workload identity pod label', (_n, ctx) => {
      const c = milvusOf(ctx).spec.components;
      expect(c.serviceAccountName).toBe(ctx.names.rag!.milvusServiceAccount);
      expect(one(ctx, 'ServiceAccount', ctx.names.rag!.milvusServiceAccount).automountServiceAccountToken).toBe(false);
      if (ctx.env.cloud === 'azure') expect(c.podLabels['azure.workload.identity/use']).toBe('true');
      else expect(c.podLabels['azure.workload.identity/use']).toBeUndefined();
      // The operator manages these pods; the platform's other labels ride along.
      expect(c.podLabels['app.kubernetes.io/managed-by']).toBeUndefined();
      expect(c.podLabels['platform-synth.io/app']).toBe('rag');
      expect(c.priorityClassName).toBe(PRIORITY_CLASSES.online);
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    });

    test.each(all.filter(([, c]) => c.env.rag!.milvus.mode === 'standalone'))('%s: standalone: one pod, etcd with 1 replica, rocksmq persisted', (_n, ctx) => {
      const { spec } = milvusOf(ctx);
      const size = ctx.env.rag!.milvus.storageSize;
      expect(size).toBe('20Gi');
      expect(spec.components.standalone).toEqual({ replicas: 1 });
      expect(spec.components.proxy).toBeUndefined();
      expect(spec.dependencies.etcd.inCluster).toMatchObject({
        deletionPolicy: 'Retain',
        pvcDeletion: false,
        values: { replicaCount: 1, persistence: { enabled: true, size, storageClass: sc(ctx) } },
      });
      expect(spec.dependencies.msgStreamType).toBe('rocksmq');
      expect(spec.dependencies.rocksmq).toEqual({
        persistence: {
          enabled: true,
          pvcDeletion: false,
          persistentVolumeClaim: { spec: { accessModes: ['ReadWriteOnce'], storageClassName: sc(ctx), resources: { requests: { storage: size } } } },
        },
      });
      expect(spec.dependencies.pulsar).toBeUndefined();
      expect(spec.dependencies.kafka).toBeUndefined();
    });

    test.each(all.filter(([, c]) => c.env.rag!.milvus.mode === 'cluster'))(
      '%s: cluster: components, etcd with 3 replicas, in-cluster Pulsar persisted',
      (_n, ctx) => {
        const { spec } = milvusOf(ctx);
        const size = ctx.env.rag!.milvus.storageSize;
        expect(size).toBe('50Gi');
        expect(spec.components).toMatchObject({
          proxy: { replicas: 2 },
          mixCoord: { replicas: 1 },
          queryNode: { replicas: 2 },
          dataNode: { replicas: 2 },
          indexNode: { replicas: 1 },
        });
        expect(spec.components.standalone).toBeUndefined();
        expect(spec.dependencies.etcd.inCluster).toMatchObject({
          deletionPolicy: 'Retain',
          pvcDeletion: false,
          values: { replicaCount: 3, persistence: { enabled: true, size, storageClass: sc(ctx) } },
        });
        expect(spec.dependencies.msgStreamType).toBe('pulsar');
        expect(spec.dependencies.rocksmq).toBeUndefined();
        const pulsar = spec.dependencies.pulsar.inCluster;
        expect(pulsar).toMatchObject({ chartVersion: 'pulsar-v3', deletionPolicy: 'Retain', pvcDeletion: false });
        const volume = { size, storageClassName: sc(ctx) };
        expect(pulsar.values.zookeeper).toMatchObject({ replicaCount: 3, volumes: { data: volume } });
        expect(pulsar.values.bookkeeper).toMatchObject({ replicaCount: 3, volumes: { journal: volume, ledgers: volume } });
        // Sized here, not by the operator's requests-only defaults, which the namespace's LimitRange rejects (issue 14).
        for (const c of ['zookeeper', 'bookkeeper', 'autorecovery', 'broker', 'proxy'])
          expect(pulsar.values[c].resources.limits.memory).toBe(pulsar.values[c].resources.requests.memory);
      },
    );
  });

  describe('identity', () => {
    test.each(azure)('%s: service accounts carry the client ids from the rag outputs file', (name, ctx) => {
      expect(one(ctx, 'ServiceAccount', 'rag-api').metadata.annotations).toEqual({
        'azure.workload.identity/client-id': exampleOutput(name, RAG_STACK, RAG_OUTPUTS.apiClientId),
      });
      expect(one(ctx, 'ServiceAccount', 'milvus').metadata.annotations).toEqual({
        'azure.workload.identity/client-id': exampleOutput(name, RAG_STACK, RAG_OUTPUTS.milvusClientId),
      });
      expect(apiPod(ctx).metadata.labels['azure.workload.identity/use']).toBe('true');
    });

    test.each(aws)('%s: the API uses Pod Identity (role ARN for information only); Milvus uses IRSA, which its S3 client supports', (_n, ctx) => {
      const rag = ctx.names.rag!.aws!;
      expect(one(ctx, 'ServiceAccount', 'rag-api').metadata.annotations).toEqual({ 'platform-synth.io/iam-role-arn': ctx.names.aws!.roleArn(rag.apiRoleName) });
      expect(one(ctx, 'ServiceAccount', 'milvus').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': ctx.names.aws!.roleArn(rag.milvusRoleName) });
      const text = [...render(ctx).values()].join('\n');
      expect(text).not.toContain('azure.workload.identity');
    });
  });

  describe('API', () => {
    test.each(all)('%s: no replicas (the HPA owns them), image, probes, online priority, zone spread', (_n, ctx) => {
      const d = one(ctx, 'Deployment', 'rag-api');
      expect(d.spec.replicas).toBeUndefined();
      expect(d.spec.selector.matchLabels).toEqual(API_SELECTOR);
      const pod = d.spec.template.spec;
      const [c] = pod.containers;
      expect(c.image).toBe(ctx.env.rag!.apiImage);
      expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
      for (const probe of [c.livenessProbe, c.readinessProbe]) expect(probe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(pod.priorityClassName).toBe(PRIORITY_CLASSES.online);
      expect(pod.serviceAccountName).toBe('rag-api');
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.topologySpreadConstraints.map((t: any) => [t.topologyKey, t.whenUnsatisfiable])).toEqual([
        ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
        ['kubernetes.io/hostname', 'ScheduleAnyway'],
      ]);
    });

    test.each(all)('%s: restricted security context, read-only root with a /tmp emptyDir, requests and limits from the model', (_n, ctx) => {
      const pod = apiPod(ctx).spec;
      expect(pod.securityContext).toEqual(RESTRICTED_POD);
      expect(pod.volumes).toEqual(TMP_VOLUMES);
      const [c] = pod.containers;
      expect(c.securityContext).toEqual(RESTRICTED_CONTAINER);
      expect(c.volumeMounts).toEqual(TMP_MOUNTS);
      expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    });

    test.each(aws)('%s: env from the model: region, Bedrock model ids, documents bucket and prefixes, Milvus address', (_n, ctx) => {
      const rag = ctx.env.rag as RagSettings<'aws'>;
      expect(apiEnv(ctx)).toEqual({
        PORT: '8080',
        MILVUS_ADDRESS: ctx.names.rag!.milvusAddress,
        EMBEDDING_DIMENSION: '1024',
        AWS_REGION: ctx.env.region,
        BEDROCK_CHAT_MODEL_ID: rag.bedrock.chatModelId,
        BEDROCK_EMBEDDING_MODEL_ID: rag.bedrock.embeddingModelId,
        DOCUMENTS_BUCKET: ctx.names.rag!.aws!.documentsBucket,
        DOCUMENTS_RAW_PREFIX: 'raw',
        DOCUMENTS_PROCESSED_PREFIX: 'processed',
        DOCUMENTS_EMBEDDINGS_PREFIX: 'embeddings',
      });
      expect(rag.bedrock.chatModelId).toBe('eu.anthropic.claude-sonnet-4-6');
    });

    test.each(azure)('%s: env from the model: OpenAI endpoint and deployments, blob endpoint and containers, Milvus address', (_n, ctx) => {
      const rag = ctx.env.rag as RagSettings<'azure'>;
      const names = ctx.names.rag!.azure!;
      expect(apiEnv(ctx)).toEqual({
        PORT: '8080',
        MILVUS_ADDRESS: ctx.names.rag!.milvusAddress,
        EMBEDDING_DIMENSION: '1536',
        AZURE_OPENAI_ENDPOINT: names.openaiEndpoint,
        AZURE_OPENAI_CHAT_DEPLOYMENT: rag.openai.chat.deployment,
        AZURE_OPENAI_EMBEDDING_DEPLOYMENT: rag.openai.embedding.deployment,
        AZURE_OPENAI_API_VERSION,
        AZURE_STORAGE_ACCOUNT: names.storageAccountName,
        AZURE_STORAGE_BLOB_URL: names.blobEndpoint,
        DOCUMENTS_RAW_CONTAINER: 'raw',
        DOCUMENTS_PROCESSED_CONTAINER: 'processed',
        DOCUMENTS_EMBEDDINGS_CONTAINER: 'embeddings',
      });
      // Injected by the workload identity webhook, never set here.
      expect(apiEnv(ctx).AZURE_CLIENT_ID).toBeUndefined();
      // The chat model is a reasoning model (gpt-5): the API version is one Azure documents for those, not 2024-10-21.
      expect(rag.openai.chat.model).toMatch(/^gpt-5/);
      expect(AZURE_OPENAI_API_VERSION.slice(0, 10) >= '2024-12-01').toBe(true);
    });

    test('env follows model edits: model ids, deployments, dimension, prefixes, port', () => {
      const awsCtx = ctxOf(
        'aws-prod',
        specWith('aws-prod', (e) => {
          const rag = e.workloads!.rag!;
          rag.bedrock = { chatModelId: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' };
          rag.embeddingDimension = 512;
          rag.documents = { raw: 'in', processed: 'out', embeddings: 'vec' };
          rag.api = { image: 'rag-api:1.0.0', port: 9000 };
        }),
      );
      expect(apiEnv(awsCtx)).toMatchObject({
        BEDROCK_CHAT_MODEL_ID: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
        EMBEDDING_DIMENSION: '512',
        DOCUMENTS_RAW_PREFIX: 'in',
        DOCUMENTS_PROCESSED_PREFIX: 'out',
        DOCUMENTS_EMBEDDINGS_PREFIX: 'vec',
        PORT: '9000',
      });
      expect(one(awsCtx, 'Service').spec.ports).toEqual([{ name: 'http', port: 9000, targetPort: 'http', protocol: 'TCP' }]);
      const azCtx = ctxOf(
        'azure-dev',
        specWith('azure-dev', (e) => (e.workloads!.rag!.openai = { chat: { deployment: 'gpt' }, embedding: { deployment: 'emb' } })),
      );
      expect(apiEnv(azCtx)).toMatchObject({ AZURE_OPENAI_CHAT_DEPLOYMENT: 'gpt', AZURE_OPENAI_EMBEDDING_DEPLOYMENT: 'emb' });
    });

    test.each(all)('%s: ClusterIP service on the API port, selecting the API pods', (_n, ctx) => {
      const svc = one(ctx, 'Service', 'rag-api');
      expect(svc.spec).toEqual({ type: 'ClusterIP', selector: API_SELECTOR, ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }] });
      expect(apiPod(ctx).metadata.labels).toMatchObject(API_SELECTOR);
    });

    test.each(all)('%s: HPA autoscaling/v2 on CPU with the model bounds (dev 2–6, prod 3–10, 70%%)', (_n, ctx) => {
      const hpa = one(ctx, 'HorizontalPodAutoscaler', 'rag-api');
      const prod = ctx.env.stage === 'prod';
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec).toEqual({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'rag-api' },
        minReplicas: prod ? 3 : 2,
        maxReplicas: prod ? 10 : 6,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      });
    });

    test('HPA bounds follow the model', () => {
      const ctx = ctxOf(
        'azure-prod',
        specWith('azure-prod', (e) => (e.workloads!.rag!.api = { image: 'rag-api:1.0.0', minReplicas: 4, maxReplicas: 12, targetCpuUtilization: 60 })),
      );
      expect(one(ctx, 'HorizontalPodAutoscaler').spec).toMatchObject({
        minReplicas: 4,
        maxReplicas: 12,
        metrics: [{ resource: { target: { averageUtilization: 60 } } }],
      });
    });

    test.each(all)('%s: PDB maxUnavailable 1 on the API pods', (_n, ctx) => {
      const pdb = one(ctx, 'PodDisruptionBudget', 'rag-api');
      expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: API_SELECTOR }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    });
  });

  describe('network policy', () => {
    test.each(all)('%s: API ingress only from the gateway namespace and Prometheus (its metrics), on the API port', (_n, ctx) => {
      const np = one(ctx, 'NetworkPolicy', 'rag-api-ingress');
      expect(np.spec).toEqual({
        podSelector: { matchLabels: API_SELECTOR },
        policyTypes: ['Ingress'],
        // Every environment serves models, so the gateway is Istio's, in istio-system.
        ingress: [
          { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
          { from: [podsPeer(PROMETHEUS_PODS)], ports: [{ protocol: 'TCP', port: 8080 }] },
        ],
      });
      // The default model's API serves /metrics on its port: Prometheus scrapes it there, on the container's `http` port.
      expect(scrapeTargets(ctx.env).find((t) => t.name === 'rag-api')).toEqual({
        name: 'rag-api',
        pods: expect.objectContaining({ labels: API_SELECTOR }),
        port: { port: 8080, protocol: 'TCP', name: 'http' },
        path: '/metrics',
      });
      expect(one(ctx, 'Deployment', 'rag-api').spec.template.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
      // Without a metrics path: no scrape, and only the gateway may connect.
      const quiet = ctxOf(
        ctx.env.name,
        specWith(ctx.env.name, (e) => delete e.workloads!.rag!.api!.metricsPath),
      );
      expect(scrapeTargets(quiet.env).find((t) => t.name === 'rag-api')).toBeUndefined();
      expect(one(quiet, 'NetworkPolicy', 'rag-api-ingress').spec.ingress).toHaveLength(1);
      const custom = ctxOf(
        ctx.env.name,
        specWith(ctx.env.name, (e) => (e.cluster.gatewayNamespace = 'istio-ingress')),
      );
      expect(one(custom, 'NetworkPolicy', 'rag-api-ingress').spec.ingress[0].from).toEqual([
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } } },
      ]);
    });

    const toMilvus = {
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'milvus', 'app.kubernetes.io/instance': 'milvus' } } }],
      ports: [{ protocol: 'TCP', port: 19530 }],
    };

    test.each(aws)('%s: API egress: Milvus 19530, the VPC (bedrock-runtime, STS endpoints), S3 public addresses, Pod Identity agent', (_n, ctx) => {
      const np = one(ctx, 'NetworkPolicy', 'rag-api-egress');
      expect(np.spec.policyTypes).toEqual(['Egress']);
      expect(np.spec.podSelector).toEqual({ matchLabels: API_SELECTOR });
      expect(np.spec.egress).toEqual([toMilvus, https(ctx.env.network.cidr), publicHttps, podIdentityAgent]);
    });

    test.each(azure)('%s: API egress: Milvus 19530, the endpoints subnet (OpenAI, blob), Entra ID', (_n, ctx) => {
      const np = one(ctx, 'NetworkPolicy', 'rag-api-egress');
      expect(np.spec.egress).toEqual([toMilvus, https(azureSubnetLayout(ctx.env.network.cidr).endpoints), publicHttps]);
    });

    test.each(all)(
      '%s: Milvus and its dependencies: from the API on 19530, among themselves, from the operator (Pulsar in cluster mode); egress among themselves and to object storage',
      (_n, ctx) => {
        const np = one(ctx, 'NetworkPolicy', 'milvus');
        expect(np.spec.podSelector).toEqual(BACKENDS);
        expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
        expect(np.spec.ingress).toEqual([
          { from: [{ podSelector: { matchLabels: API_SELECTOR } }], ports: [{ protocol: 'TCP', port: 19530 }] },
          { from: [{ podSelector: BACKENDS }] },
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'milvus-operator' } } }],
            // Pulsar (6650) only where Milvus runs in cluster mode: standalone embeds rocksmq.
            ports: (ctx.env.rag.milvus.mode === 'standalone' ? [2379, 9091] : [2379, 6650, 9091]).map((port) => ({ protocol: 'TCP', port })),
          },
          // Prometheus (observability on by default) scrapes every component's metrics.
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
                podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
              },
            ],
            ports: [{ protocol: 'TCP', port: 9091 }],
          },
        ]);
        // AWS: Milvus is on IRSA, so STS's interface endpoint in the VPC, and no Pod Identity agent.
        const storage =
          ctx.env.cloud === 'aws'
            ? [https(ctx.env.network.cidr), publicHttps]
            : ctx.env.stage === 'prod'
              ? [https(azureSubnetLayout(ctx.env.network.cidr).endpoints), publicHttps]
              : [publicHttps];
        expect(np.spec.egress).toEqual([{ to: [{ podSelector: BACKENDS }] }, ...storage]);
        // The API pods are outside the backend set: the NotIn selector excludes exactly their name label.
        expect(apiPod(ctx).metadata.labels['app.kubernetes.io/name']).toBe('rag-api');
      },
    );
  });

  describe('network flows', () => {
    // What the platform stack creates on AWS: the STS interface endpoint with private DNS (and Bedrock's, for the API).
    const endpoints = {
      aws_vpc_endpoint: Object.fromEntries(
        ['sts', 'bedrock-runtime'].map((s) => [s, { service_name: `com.amazonaws.eu-west-1.${s}`, vpc_endpoint_type: 'Interface', private_dns_enabled: true }]),
      ),
    };

    test.each(all)('%s: every flow the RAG pods declare passes the policies (Milvus → STS inside the VPC on AWS)', (_n, ctx) => {
      expect(flowFindings(ctx, [PlatformChart, RagChart], 'rag', ctx.env.cloud === 'aws' ? { platform: endpoints } : {})).toEqual([]);
    });
  });

  describe('schemas and policy', () => {
    const emitted = emittedObjects(all, objects);

    testEachValid(emitted, '%s is valid (Kubernetes 1.28, the Milvus CRD)');

    test('the validator checks the Milvus object against the full CRD', () => {
      const [, m] = emitted.find(([, o]) => o.kind === 'Milvus')!;
      const broken = structuredClone(m);
      broken.spec.mode = 'distributed';
      broken.spec.dependencies.msgStreamType = 'nats';
      broken.spec.dependencies.storage.type = 'GCS';
      broken.spec.components.serviceAccount = 'milvus';
      expect(validateManifest(broken).map((e) => e.path)).toEqual(
        expect.arrayContaining(['spec.mode', 'spec.dependencies.msgStreamType', 'spec.dependencies.storage.type', 'spec.components.serviceAccount']),
      );
    });

    test.each(all)('%s: the policy pack finds nothing in the rag chart but the Milvus service account it cannot see used', (_n, ctx) => {
      const findings = policyFindings(ctx, [PlatformChart, RagChart], 'rag');
      // The rule reads service accounts from pod templates only; the operator's pods take theirs from
      // Milvus spec.components.serviceAccountName, which the policy pack does not know yet.
      expect(findingsBesidesUnseenServiceAccount(findings, 'rag/milvus')).toEqual([]);
    });
  });

  describe('missing Terraform outputs', () => {
    const empty = emptyOutputsDir('rag-no-outputs-');

    test('an Azure chart without an outputs file records each missing client id once', () => {
      expect(missingOutputs('azure-dev', empty())).toEqual([RAG_OUTPUTS.apiClientId, RAG_OUTPUTS.milvusClientId].map((n) => `azure-dev: rag.${n}`));
    });

    test('an AWS chart needs no outputs at all', () => {
      expect(missingOutputs('aws-prod', empty())).toEqual([]);
    });
  });

  test('rendering is deterministic', () => {
    const ctx = ctxOf('azure-prod');
    expect([...render(ctx)]).toEqual([...render(ctx)]);
  });
});
