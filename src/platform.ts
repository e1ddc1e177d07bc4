/**
 * The default platform model: what `npm run synth` builds into dist/.
 *
 * EXAMPLE IDS: the AWS account ids, Azure subscription, tenant and group ids below are examples
 * (documentation ranges and all-zero GUIDs). Replace them with your own, here or through a YAML
 * overlay (`npm run synth -- --config my-platform.yaml`).
 */
import type { EdwSpec, GitopsSpec, GitopsTool, LakehouseSpec, MlopsSpec, PlatformSpec, ServedModelSpec, Stage, TrainingJobSpec } from './model/types';

export const EXAMPLE_AWS_DEV_ACCOUNT = '111111111111';
export const EXAMPLE_AWS_PROD_ACCOUNT = '222222222222';
export const EXAMPLE_AZURE_SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
export const EXAMPLE_AZURE_TENANT = '00000000-0000-0000-0000-0000000000aa';
export const EXAMPLE_AZURE_ADMIN_GROUP = '00000000-0000-0000-0000-0000000000ad';

// Settings every environment shares; what differs per environment is written out below. Functions,
// so each environment gets its own objects (a copy of the model can then change one environment).
const edwImages = () => ({ consumer: 'edw-consumer:1.0.0', producer: 'edw-producer:1.0.0' });
/** The example consumer serves Prometheus metrics beside its health endpoint (the default 8080). */
const edwConsumer = () => ({ metricsPath: '/metrics' });
/** The example API serves Prometheus metrics beside its health endpoint. */
const rag = () => ({ enabled: true, api: { image: 'rag-api:1.0.0', metricsPath: '/metrics' } });
const mlflow = () => ({ image: 'mlflow-server:2.17.2' });
/** A canary model (Knative mode) with an A/B test (Seldon), and a model in Standard mode (no canary). */
const servedModels = (): ServedModelSpec[] => [
  { name: 'iris', framework: 'sklearn', path: 'iris/v1', canaryPercent: 10, abTest: { challengerPath: 'iris/v2', challengerPercent: 20 } },
  { name: 'churn', framework: 'xgboost', path: 'churn/v3' },
];
/** The fine-tuning job on a GPU pool; nightly where a schedule is given, else run once. */
function finetune(pool: string, schedule?: string): TrainingJobSpec {
  return { name: 'finetune', image: 'training:1.0.0', pool, gpus: 1, ...(schedule ? { schedule } : {}), command: ['python', 'train.py', '--epochs', '3'] };
}

/**
 * The same fine-tuning as a burst job on SageMaker (AWS, where burst is on): a TrainingJob the ACK controller
 * runs on Spot instances. Azure's burst (Azure ML) takes no jobs from the model yet.
 */
function withSageMakerFinetune(m: MlopsSpec): MlopsSpec {
  const burst: TrainingJobSpec = { name: 'finetune-burst', image: 'training:1.0.0', runOn: 'sagemaker', sagemaker: { hyperParameters: { epochs: '3' } } };
  return { ...m, training: [...(m.training ?? []), burst] };
}

/**
 * The medallion pipeline: one application per step (run once, e.g. a backfill) and the daily run of
 * all three steps, which scales its executors with the data.
 */
/** Prod trains nightly on the Spot GPU pool and may burst to the managed service; dev trains once, on its (Spot) GPU pool. */
const mlops = (stage: Stage): MlopsSpec => ({
  enabled: true,
  mlflow: mlflow(),
  training: stage === 'prod' ? [finetune('gpuspot', '0 2 * * *')] : [finetune('gpu')],
  models: servedModels(),
  ...(stage === 'prod' ? { burst: { enabled: true, maxNodes: 4 } } : {}),
});
/** Dev produces a one-off batch and scales to ten consumers at most. */
const edwDev = (): EdwSpec => ({ enabled: true, images: edwImages(), consumer: edwConsumer(), scaling: { maxReplicas: 10 }, producer: { messages: 50 } });
/** Prod produces every ten minutes and scales further. */
const edwProd = (): EdwSpec => ({
  enabled: true,
  images: edwImages(),
  consumer: edwConsumer(),
  scaling: { maxReplicas: 50, messagesPerReplica: 10 },
  producer: { messages: 500, schedule: '*/10 * * * *' },
});
const lakehouse = (): LakehouseSpec => ({
  enabled: true,
  spark: { image: 'lakehouse-spark:4.0.1' },
  jobs: [
    { name: 'bronze-ingest', mainApplicationFile: 'local:///opt/spark/jobs/bronze_ingest.py', layer: 'bronze', arguments: ['--source', 'landing'] },
    { name: 'silver-clean', mainApplicationFile: 'local:///opt/spark/jobs/silver_clean.py', layer: 'silver', arguments: ['--source', 'bronze'] },
    { name: 'gold-aggregates', mainApplicationFile: 'local:///opt/spark/jobs/gold_aggregates.py', layer: 'gold', arguments: ['--source', 'silver'] },
    {
      name: 'daily-pipeline',
      mainApplicationFile: 'local:///opt/spark/jobs/pipeline.py',
      arguments: ['--steps', 'bronze,silver,gold'],
      schedule: '0 3 * * *',
      executor: { cores: 2, memory: '8g' },
      dynamicAllocation: { minExecutors: 1, maxExecutors: 10 },
    },
  ],
});

/** EXAMPLE address: the team list budget alerts go to. */
export const EXAMPLE_BUDGET_CONTACT = 'ml-platform-alerts@example.com';
/**
 * A monthly budget above each environment's typical estimate (`npm run cost`) and below its max, so an alert means
 * the pools are running far more than planned. Azure budgets need the month they start (the month of the first apply).
 */
const budget = (monthlyUsd: number, startMonth?: string) => ({ monthlyUsd, contacts: [EXAMPLE_BUDGET_CONTACT], ...(startMonth ? { startMonth } : {}) });

/** EXAMPLE repository: the one your committed dist/ is pushed to. AWS environments use Argo CD, Azure ones Flux. */
export const EXAMPLE_GITOPS_REPO = 'https://github.com/acme/platform-gitops.git';
const gitops = (tool: GitopsTool): GitopsSpec => ({ tool, repoUrl: EXAMPLE_GITOPS_REPO });

export const defaultPlatform: PlatformSpec = {
  name: 'acme',
  environments: [
    {
      name: 'aws-dev',
      cloud: 'aws',
      stage: 'dev',
      region: 'eu-west-1',
      aws: {
        accountId: EXAMPLE_AWS_DEV_ACCOUNT,
        clusterAdminArns: [`arn:aws:iam::${EXAMPLE_AWS_DEV_ACCOUNT}:role/platform-admin`],
      },
      network: { cidr: '10.10.0.0/16', apiAllowedCidrs: ['203.0.113.0/24'] },
      cluster: {
        kubernetesVersion: '1.35',
        systemPool: { sizes: ['m6i.xlarge'], min: 2, max: 4 },
        gpuPools: [{ name: 'gpu', sizes: ['g5.xlarge', 'g6.xlarge'], min: 0, max: 2, capacity: 'spot', provisioner: 'karpenter' }],
        spotPools: [{ name: 'spot', sizes: ['m6i.xlarge', 'm6a.xlarge', 'm7i.xlarge', 'm7a.xlarge'], min: 0, max: 10 }],
        repositories: ['training', 'serving', 'mlflow-server', 'edw-consumer', 'edw-producer', 'rag-api', 'lakehouse-spark'],
      },
      tags: { 'cost-center': 'ml-platform' },
      gitops: gitops('argocd'),
      budget: budget(1000),
      workloads: {
        edw: edwDev(),
        rag: rag(),
        mlops: mlops('dev'),
        lakehouse: lakehouse(),
      },
    },
    {
      name: 'aws-prod',
      cloud: 'aws',
      stage: 'prod',
      region: 'eu-west-1',
      aws: {
        accountId: EXAMPLE_AWS_PROD_ACCOUNT,
        clusterAdminArns: [`arn:aws:iam::${EXAMPLE_AWS_PROD_ACCOUNT}:role/platform-admin`],
      },
      network: { cidr: '10.20.0.0/16' },
      cluster: {
        kubernetesVersion: '1.35',
        systemPool: { sizes: ['m6i.2xlarge'], min: 3, max: 6 },
        gpuPools: [
          { name: 'gpu', sizes: ['g5.2xlarge'], min: 0, max: 4, capacity: 'on-demand', provisioner: 'node-group' },
          { name: 'gpuspot', sizes: ['g5.2xlarge', 'g6.2xlarge', 'g6e.2xlarge'], min: 0, max: 8, capacity: 'spot', provisioner: 'karpenter' },
        ],
        spotPools: [{ name: 'spot', sizes: ['m6i.xlarge', 'm6a.xlarge', 'm7i.xlarge', 'c6i.2xlarge'], min: 0, max: 30 }],
        repositories: ['training', 'serving', 'mlflow-server', 'edw-consumer', 'edw-producer', 'rag-api', 'lakehouse-spark'],
      },
      tags: { 'cost-center': 'ml-platform' },
      gitops: gitops('argocd'),
      budget: budget(5000),
      workloads: {
        // FIFO: SQS keeps the order; Azure Queue Storage has no FIFO mode.
        edw: { ...edwProd(), queue: { fifo: true, visibilityTimeoutSeconds: 120 } },
        rag: rag(),
        mlops: withSageMakerFinetune(mlops('prod')),
        lakehouse: lakehouse(),
      },
    },
    {
      name: 'azure-dev',
      cloud: 'azure',
      stage: 'dev',
      region: 'westeurope',
      azure: {
        subscriptionId: EXAMPLE_AZURE_SUBSCRIPTION,
        tenantId: EXAMPLE_AZURE_TENANT,
        adminGroupObjectIds: [EXAMPLE_AZURE_ADMIN_GROUP],
      },
      network: { cidr: '10.30.0.0/16', apiAllowedCidrs: ['203.0.113.0/24'] },
      cluster: {
        kubernetesVersion: '1.35',
        systemPool: { sizes: ['Standard_D4s_v5'], min: 2, max: 4 },
        gpuPools: [{ name: 'gpu', sizes: ['Standard_NC4as_T4_v3'], min: 0, max: 2, capacity: 'spot' }],
        spotPools: [{ name: 'spot', sizes: ['Standard_D4s_v5'], min: 0, max: 10 }],
      },
      tags: { 'cost-center': 'ml-platform' },
      gitops: gitops('flux'),
      budget: budget(1000, '2026-12'),
      workloads: {
        // KEDA from its chart, the way AWS runs it, rather than the AKS add-on.
        edw: { ...edwDev(), keda: 'helm' },
        rag: rag(),
        mlops: mlops('dev'),
        lakehouse: lakehouse(),
      },
    },
    {
      name: 'azure-prod',
      cloud: 'azure',
      stage: 'prod',
      region: 'westeurope',
      azure: {
        subscriptionId: EXAMPLE_AZURE_SUBSCRIPTION,
        tenantId: EXAMPLE_AZURE_TENANT,
        adminGroupObjectIds: [EXAMPLE_AZURE_ADMIN_GROUP],
      },
      network: { cidr: '10.40.0.0/16' },
      cluster: {
        kubernetesVersion: '1.35',
        systemPool: { sizes: ['Standard_D8s_v5'], min: 3, max: 6 },
        gpuPools: [
          { name: 'gpu', sizes: ['Standard_NC24ads_A100_v4'], min: 0, max: 2, capacity: 'on-demand' },
          { name: 'gpuspot', sizes: ['Standard_NC24ads_A100_v4'], min: 0, max: 4, capacity: 'spot' },
        ],
        spotPools: [{ name: 'spot', sizes: ['Standard_D8s_v5'], min: 0, max: 20 }],
      },
      tags: { 'cost-center': 'ml-platform' },
      gitops: gitops('flux'),
      budget: budget(6000, '2026-12'),
      workloads: {
        edw: edwProd(),
        rag: rag(),
        mlops: mlops('prod'),
        lakehouse: lakehouse(),
      },
    },
  ],
};
