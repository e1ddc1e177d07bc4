import { findProblems, loadPlatform } from '../../src/model/load';
import { ModelError, type Problem } from '../../src/model/problems';
import { defaultPlatform, EXAMPLE_AWS_DEV_ACCOUNT } from '../../src/platform';

type Spec = any;
const base = (): Spec => structuredClone(defaultPlatform);
/** Environment indexes in the default model. */
const AWS_DEV = 0,
  AWS_PROD = 1,
  AZ_DEV = 2,
  AZ_PROD = 3;

function problemsAfter(mutate: (spec: Spec) => void): Problem[] {
  const spec = base();
  mutate(spec);
  return findProblems(spec);
}

describe('Cluster Autoscaler versions', () => {
  it('accepts a version without a chart where no managed node group scales (AKS scales its own pools)', () => {
    expect(
      problemsAfter((s) => {
        const dev = s.environments[AWS_DEV];
        dev.cluster.kubernetesVersion = '1.34';
        dev.cluster.systemPool = { ...dev.cluster.systemPool, min: 3, max: 3 };
        s.environments[AZ_DEV].cluster.kubernetesVersion = '1.34';
      }),
    ).toEqual([]);
  });
});

describe('the default model', () => {
  it('is valid and resolves four environments', () => {
    expect(findProblems(defaultPlatform)).toEqual([]);
    expect(loadPlatform(defaultPlatform).environments.map((e) => e.name)).toEqual(['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']);
  });
});

// Each rule: a change to the default model, the path it must be reported at and the message.
const rules: Array<[string, (s: Spec) => void, string, RegExp]> = [
  // shape
  ['unknown key', (s) => (s.environments[AWS_DEV].network.cidrs = 'x'), 'environments[0].network.cidrs', /unknown key \(expected one of: cidr, zones/],
  ['unknown top-level key', (s) => (s.environment = []), 'environment', /unknown key/],
  ['missing required field', (s) => delete s.environments[AWS_DEV].region, 'environments[0].region', /is required/],
  [
    'wrong type',
    (s) => (s.environments[AWS_DEV].cluster.systemPool.min = '2'),
    'environments[0].cluster.systemPool.min',
    /expected a whole number, got string "2"/,
  ],
  ['enum', (s) => (s.environments[AWS_DEV].cloud = 'gcp'), 'environments[0].cloud', /"gcp" is not one of "aws", "azure"/],
  [
    'capacity enum',
    (s) => (s.environments[AWS_DEV].cluster.gpuPools[0].capacity = 'reserved'),
    'environments[0].cluster.gpuPools[0].capacity',
    /not one of "spot", "on-demand"/,
  ],
  // names
  ['platform name', (s) => (s.name = 'Acme_Corp'), 'name', /must be 2–8 lowercase letters and digits/],
  ['environment name DNS-1123', (s) => (s.environments[AWS_DEV].name = 'AWS_dev'), 'environments[0].name', /DNS-1123 label/],
  ['environment name length', (s) => (s.environments[AWS_DEV].name = 'a'.repeat(21)), 'environments[0].name', /at most 20 characters/],
  ['unique environment names', (s) => (s.environments[AWS_PROD].name = 'aws-dev'), 'environments[1].name', /already used by environments\[0\]/],
  [
    'pool name',
    (s) => (s.environments[AZ_DEV].cluster.spotPools[0].name = 'spot-pool'),
    'environments[2].cluster.spotPools[0].name',
    /1–12 lowercase letters and digits/,
  ],
  [
    'unique pool names',
    (s) => (s.environments[AWS_PROD].cluster.gpuPools[1].name = 'gpu'),
    'environments[1].cluster.gpuPools[1].name',
    /already used by environments\[1\]\.cluster\.gpuPools\[0\]/,
  ],
  [
    'system pool name reserved',
    (s) => (s.environments[AWS_DEV].cluster.spotPools[0].name = 'system'),
    'environments[0].cluster.spotPools[0].name',
    /already used by environments\[0\]\.cluster\.systemPool/,
  ],
  [
    'repository name',
    (s) => (s.environments[AWS_DEV].cluster.repositories = ['Training']),
    'environments[0].cluster.repositories[0]',
    /lowercase letters and digits/,
  ],
  // regions and versions
  ['unknown region', (s) => (s.environments[AWS_DEV].region = 'eu-west-9'), 'environments[0].region', /not a known aws region/],
  ['azure region on aws', (s) => (s.environments[AWS_DEV].region = 'westeurope'), 'environments[0].region', /not a known aws region/],
  [
    'no Cluster Autoscaler chart for a version whose node groups scale',
    (s) => (s.environments[AWS_PROD].cluster.kubernetesVersion = '1.34'),
    'environments[1].cluster.kubernetesVersion',
    /"1.34": no Cluster Autoscaler chart is pinned for it \(1.33, 1.35\), and node groups system, gpu scale \(min < max\)/,
  ],
  [
    'kubernetes version',
    (s) => (s.environments[AZ_DEV].cluster.kubernetesVersion = '1.27'),
    'environments[2].cluster.kubernetesVersion',
    /not a supported AKS version/,
  ],
  // ids
  ['account id', (s) => (s.environments[AWS_DEV].aws.accountId = '12345'), 'environments[0].aws.accountId', /not a 12-digit AWS account id/],
  [
    'admin ARN format',
    (s) => (s.environments[AWS_DEV].aws.clusterAdminArns = ['admin']),
    'environments[0].aws.clusterAdminArns[0]',
    /not an IAM role or user ARN/,
  ],
  [
    'admin ARN account',
    (s) => (s.environments[AWS_DEV].aws.clusterAdminArns = ['arn:aws:iam::999999999999:role/x']),
    'environments[0].aws.clusterAdminArns[0]',
    /in account 999999999999, not this environment's account/,
  ],
  ['subscription GUID', (s) => (s.environments[AZ_DEV].azure.subscriptionId = 'sub-1'), 'environments[2].azure.subscriptionId', /not a GUID/],
  ['tenant GUID', (s) => (s.environments[AZ_DEV].azure.tenantId = '0000'), 'environments[2].azure.tenantId', /not a GUID/],
  ['admin group GUID', (s) => (s.environments[AZ_DEV].azure.adminGroupObjectIds = ['admins']), 'environments[2].azure.adminGroupObjectIds[0]', /not a GUID/],
  ['aws block on azure', (s) => (s.environments[AZ_DEV].aws = { accountId: '111111111111' }), 'environments[2].aws', /only for cloud "aws"/],
  ['missing aws block', (s) => delete s.environments[AWS_DEV].aws, 'environments[0].aws', /is required when cloud is "aws"/],
  ['missing azure block', (s) => delete s.environments[AZ_DEV].azure, 'environments[2].azure', /is required when cloud is "azure"/],
  // storage names
  [
    'S3 bucket uppercase',
    (s) => (s.environments[AWS_DEV].aws.stateBucket = 'My_Bucket'),
    'environments[0].aws.stateBucket',
    /not a valid S3 bucket name: must be lowercase/,
  ],
  ['S3 bucket length', (s) => (s.environments[AWS_DEV].aws.stateBucket = 'ab'), 'environments[0].aws.stateBucket', /must be 3–63 characters/],
  ['S3 bucket IP', (s) => (s.environments[AWS_DEV].aws.stateBucket = '192.168.1.1'), 'environments[0].aws.stateBucket', /IP address/],
  ['S3 bucket double dot', (s) => (s.environments[AWS_DEV].aws.stateBucket = 'a..b'), 'environments[0].aws.stateBucket', /adjacent dots/],
  [
    'storage account',
    (s) => (s.environments[AZ_DEV].azure.state = { storageAccount: 'tf-state' }),
    'environments[2].azure.state.storageAccount',
    /3–24 lowercase letters and digits/,
  ],
  [
    'storage account length',
    (s) => (s.environments[AZ_DEV].azure.state = { storageAccount: 'a'.repeat(25) }),
    'environments[2].azure.state.storageAccount',
    /3–24/,
  ],
  ['state container', (s) => (s.environments[AZ_DEV].azure.state = { container: 'TF' }), 'environments[2].azure.state.container', /3–63 lowercase/],
  [
    'state resource group',
    (s) => (s.environments[AZ_DEV].azure.state = { resourceGroup: 'rg.' }),
    'environments[2].azure.state.resourceGroup',
    /not ending in '\.'/,
  ],
  // network
  ['CIDR syntax', (s) => (s.environments[AZ_DEV].network.cidr = '10.0.0.0/33'), 'environments[2].network.cidr', /^"10\.0\.0\.0\/33" is not an IPv4 CIDR$/],
  ['CIDR host bits', (s) => (s.environments[AWS_DEV].network.cidr = '10.10.0.1/16'), 'environments[0].network.cidr', /host bits set/],
  ['CIDR size', (s) => (s.environments[AWS_DEV].network.cidr = '10.10.0.0/24'), 'environments[0].network.cidr', /between \/16 and \/22/],
  [
    'CIDR overlap between environments',
    (s) => (s.environments[AZ_PROD].network.cidr = '10.10.128.0/20'),
    'environments[3].network.cidr',
    /overlaps environments\[0\] \(aws-dev\) 10\.10\.0\.0\/16/,
  ],
  [
    'service CIDR overlap',
    (s) => (s.environments[AWS_DEV].network.serviceCidr = '10.10.0.0/16'),
    'environments[0].network.serviceCidr',
    /overlaps the network/,
  ],
  ['pod CIDR overlap', (s) => (s.environments[AZ_DEV].network.podCidr = '10.30.0.0/16'), 'environments[2].network.podCidr', /overlaps the network/],
  ['pod CIDR on AWS', (s) => (s.environments[AWS_DEV].network.podCidr = '192.168.0.0/16'), 'environments[0].network.podCidr', /only used on Azure/],
  ['zones on AWS', (s) => (s.environments[AWS_DEV].network.zones = 1), 'environments[0].network.zones', /from 2 to 3.*two zones/],
  [
    'zones beyond region',
    (s) => ((s.environments[AZ_DEV].region = 'westus'), (s.environments[AZ_DEV].network.zones = 2)),
    'environments[2].network.zones',
    /from 1 to 1.*westus has 1/,
  ],
  [
    'API open to the internet',
    (s) => (s.environments[AWS_DEV].network.apiAllowedCidrs = ['0.0.0.0/0']),
    'environments[0].network.apiAllowedCidrs[0]',
    /whole internet/,
  ],
  [
    'public API needs allowed CIDRs',
    (s) => delete s.environments[AWS_DEV].network.apiAllowedCidrs,
    'environments[0].network.apiAllowedCidrs',
    /must list who may reach/,
  ],
  [
    'allowed CIDRs on a private API',
    (s) => (s.environments[AWS_PROD].network.apiAllowedCidrs = ['203.0.113.0/24']),
    'environments[1].network.apiAllowedCidrs',
    /API server is private/,
  ],
  ['prod API stays private', (s) => (s.environments[AWS_PROD].cluster.privateApi = false), 'environments[1].cluster.privateApi', /must stay true in prod/],
  // pools
  ['pool min > max', (s) => (s.environments[AWS_DEV].cluster.systemPool.min = 5), 'environments[0].cluster.systemPool.min', /5 is greater than max 4/],
  ['pool max < 1', (s) => (s.environments[AZ_DEV].cluster.spotPools[0].max = 0), 'environments[2].cluster.spotPools[0].max', /must be at least 1/],
  ['system pool min', (s) => (s.environments[AWS_DEV].cluster.systemPool.min = 0), 'environments[0].cluster.systemPool.min', /at least 1/],
  [
    'unknown instance type',
    (s) => (s.environments[AWS_DEV].cluster.systemPool.sizes = ['x9.large']),
    'environments[0].cluster.systemPool.sizes[0]',
    /not a known instance type/,
  ],
  [
    'unknown VM size',
    (s) => (s.environments[AZ_DEV].cluster.systemPool.sizes = ['Standard_Z4_v9']),
    'environments[2].cluster.systemPool.sizes[0]',
    /not a known VM size/,
  ],
  [
    'GPU pool without GPU',
    (s) => (s.environments[AWS_DEV].cluster.gpuPools[0].sizes = ['m6i.large']),
    'environments[0].cluster.gpuPools[0].sizes[0]',
    /has no GPU/,
  ],
  [
    'GPU size in CPU pool',
    (s) => (s.environments[AZ_DEV].cluster.spotPools[0].sizes = ['Standard_NC4as_T4_v3']),
    'environments[2].cluster.spotPools[0].sizes[0]',
    /is a GPU size/,
  ],
  [
    'AKS pool takes one size',
    (s) => (s.environments[AZ_DEV].cluster.systemPool.sizes = ['Standard_D4s_v5', 'Standard_D8s_v5']),
    'environments[2].cluster.systemPool.sizes',
    /exactly one VM size/,
  ],
  ['empty sizes', (s) => (s.environments[AWS_DEV].cluster.systemPool.sizes = []), 'environments[0].cluster.systemPool.sizes', /at least one size/],
  [
    'duplicate size',
    (s) => (s.environments[AWS_DEV].cluster.systemPool.sizes = ['m6i.large', 'm6i.large']),
    'environments[0].cluster.systemPool.sizes[1]',
    /listed twice/,
  ],
  [
    'karpenter on Azure',
    (s) => (s.environments[AZ_DEV].cluster.gpuPools[0].provisioner = 'karpenter'),
    'environments[2].cluster.gpuPools[0].provisioner',
    /AWS only/,
  ],
  ['karpenter GPU pool min', (s) => (s.environments[AWS_DEV].cluster.gpuPools[0].min = 1), 'environments[0].cluster.gpuPools[0].min', /keeps no minimum/],
  ['AWS spot pool min', (s) => (s.environments[AWS_DEV].cluster.spotPools[0].min = 2), 'environments[0].cluster.spotPools[0].min', /keep no minimum/],
  // add-ons and AMIs
  [
    'add-on version format',
    (s) => (s.environments[AWS_DEV].cluster.addons = { coredns: 'latest' }),
    'environments[0].cluster.addons.coredns',
    /not an EKS add-on version/,
  ],
  ['add-ons on Azure', (s) => (s.environments[AZ_DEV].cluster.addons = { coredns: 'v1.12.4-eksbuild.1' }), 'environments[2].cluster.addons', /AWS only/],
  [
    'AMI alias latest',
    (s) => (s.environments[AWS_DEV].cluster.karpenter = { amiAlias: 'al2023@latest' }),
    'environments[0].cluster.karpenter.amiAlias',
    /not pinned/,
  ],
  [
    'AMI alias format',
    (s) => (s.environments[AWS_DEV].cluster.karpenter = { amiAlias: 'ubuntu' }),
    'environments[0].cluster.karpenter.amiAlias',
    /not an AMI alias/,
  ],
  // event-driven workload
  [
    'edw images required',
    (s) => delete s.environments[AWS_DEV].workloads.edw.images,
    'environments[0].workloads.edw.images',
    /is required when edw is enabled/,
  ],
  [
    'edw image latest',
    (s) => (s.environments[AZ_DEV].workloads.edw.images.consumer = 'edw-consumer:latest'),
    'environments[2].workloads.edw.images.consumer',
    /uses the latest tag/,
  ],
  [
    'edw image unpinned',
    (s) => (s.environments[AZ_DEV].workloads.edw.images.producer = 'ghcr.io/acme/producer'),
    'environments[2].workloads.edw.images.producer',
    /is not pinned/,
  ],
  [
    'edw image repository not in ECR',
    (s) => (s.environments[AWS_DEV].workloads.edw.images.consumer = 'consumer:1.0.0'),
    'environments[0].workloads.edw.images.consumer',
    /repository "consumer", which is not in cluster\.repositories/,
  ],
  [
    'edw retention range',
    (s) => (s.environments[AWS_DEV].workloads.edw.queue = { messageRetentionSeconds: 30 }),
    'environments[0].workloads.edw.queue.messageRetentionSeconds',
    /30 must be from 60 to 1209600/,
  ],
  [
    'edw max receive count',
    (s) => (s.environments[AWS_DEV].workloads.edw.queue = { maxReceiveCount: 0 }),
    'environments[0].workloads.edw.queue.maxReceiveCount',
    /from 1 to 1000/,
  ],
  ['edw FIFO on Azure', (s) => (s.environments[AZ_DEV].workloads.edw.queue = { fifo: true }), 'environments[2].workloads.edw.queue.fifo', /no FIFO queues/],
  [
    'edw min > max replicas',
    (s) => (s.environments[AWS_DEV].workloads.edw.scaling = { scaleToZero: false, minReplicas: 5, maxReplicas: 2 }),
    'environments[0].workloads.edw.scaling.minReplicas',
    /greater than maxReplicas 2/,
  ],
  [
    'edw min replicas with scale to zero',
    (s) => (s.environments[AWS_DEV].workloads.edw.scaling = { minReplicas: 2 }),
    'environments[0].workloads.edw.scaling.minReplicas',
    /contradicts scaleToZero/,
  ],
  [
    'edw cron',
    (s) => (s.environments[AWS_PROD].workloads.edw.producer.schedule = 'every 10 minutes'),
    'environments[1].workloads.edw.producer.schedule',
    /not a 5-field cron schedule/,
  ],
  [
    'edw health path',
    (s) => (s.environments[AWS_DEV].workloads.edw.consumer = { healthPath: 'healthz' }),
    'environments[0].workloads.edw.consumer.healthPath',
    /must start with \//,
  ],
  [
    'edw metrics path',
    (s) => (s.environments[AWS_DEV].workloads.edw.consumer = { metricsPath: 'metrics' }),
    'environments[0].workloads.edw.consumer.metricsPath',
    /must start with \//,
  ],
  [
    'edw metrics path on the health endpoint',
    (s) => (s.environments[AWS_DEV].workloads.edw.consumer = { metricsPath: '/healthz' }),
    'environments[0].workloads.edw.consumer.metricsPath',
    /is the health endpoint's path/,
  ],
  [
    'rag metrics path',
    (s) => (s.environments[AWS_DEV].workloads.rag.api.metricsPath = 'metrics'),
    'environments[0].workloads.rag.api.metricsPath',
    /must start with \//,
  ],
  [
    'rag metrics path on the health endpoint',
    (s) => (s.environments[AWS_DEV].workloads.rag.api.metricsPath = '/healthz'),
    'environments[0].workloads.rag.api.metricsPath',
    /is the health endpoint's path/,
  ],
  [
    'edw quantity',
    (s) => (s.environments[AWS_DEV].workloads.edw.consumer = { memory: '1 GB' }),
    'environments[0].workloads.edw.consumer.memory',
    /not a Kubernetes quantity/,
  ],
  [
    'edw KEDA add-on on AWS',
    (s) => (s.environments[AWS_DEV].workloads.edw.keda = 'aks-addon'),
    'environments[0].workloads.edw.keda',
    /on AWS KEDA is installed with Helm/,
  ],
  [
    'edw storage account name too long',
    (s) => (s.environments[AZ_DEV].name = 'azure-development-x'),
    'environments[2].workloads.edw',
    /derived storage account name "stacmeazuredevelopmentxedw" must be 3–24/,
  ],
  // RAG platform
  ['rag api required', (s) => delete s.environments[AWS_DEV].workloads.rag.api, 'environments[0].workloads.rag.api', /is required when rag is enabled/],
  ['rag api image pinned', (s) => (s.environments[AZ_DEV].workloads.rag.api.image = 'rag-api'), 'environments[2].workloads.rag.api.image', /is not pinned/],
  [
    'rag api image repository',
    (s) => (s.environments[AWS_DEV].workloads.rag.api.image = 'api:1.0.0'),
    'environments[0].workloads.rag.api.image',
    /not in cluster\.repositories/,
  ],
  [
    'rag replicas',
    (s) => (s.environments[AWS_DEV].workloads.rag.api = { image: 'rag-api:1.0.0', minReplicas: 4, maxReplicas: 2 }),
    'environments[0].workloads.rag.api.minReplicas',
    /greater than maxReplicas 2/,
  ],
  [
    'rag bedrock on Azure',
    (s) => (s.environments[AZ_DEV].workloads.rag.bedrock = { chatModelId: 'x.y' }),
    'environments[2].workloads.rag.bedrock',
    /is for AWS/,
  ],
  ['rag openai on AWS', (s) => (s.environments[AWS_DEV].workloads.rag.openai = {}), 'environments[0].workloads.rag.openai', /is for Azure/],
  [
    'rag bedrock model id',
    (s) => (s.environments[AWS_DEV].workloads.rag.bedrock = { chatModelId: 'Claude 3' }),
    'environments[0].workloads.rag.bedrock.chatModelId',
    /not a Bedrock model id/,
  ],
  [
    'rag embedding dimension vs model',
    (s) => (s.environments[AWS_DEV].workloads.rag.embeddingDimension = 1536),
    'environments[0].workloads.rag.embeddingDimension',
    /not a size amazon\.titan-embed-text-v2:0 produces \(256, 512, 1024\)/,
  ],
  [
    'rag openai deployment name',
    (s) => (s.environments[AZ_DEV].workloads.rag.openai = { chat: { deployment: 'my chat' } }),
    'environments[2].workloads.rag.openai.chat.deployment',
    /2–64 letters/,
  ],
  [
    'rag milvus version',
    (s) => (s.environments[AWS_DEV].workloads.rag.milvus = { version: 'latest' }),
    'environments[0].workloads.rag.milvus.version',
    /pinned release/,
  ],
  [
    'rag documents container',
    (s) => (s.environments[AZ_DEV].workloads.rag.documents = { raw: 'Raw_Docs' }),
    'environments[2].workloads.rag.documents.raw',
    /3–63 lowercase/,
  ],
  [
    'rag documents twice',
    (s) => (s.environments[AZ_DEV].workloads.rag.documents = { raw: 'docs', processed: 'docs' }),
    'environments[2].workloads.rag.documents.processed',
    /used twice/,
  ],
  ['gateway namespace', (s) => (s.environments[AWS_DEV].cluster.gatewayNamespace = 'Ingress_GW'), 'environments[0].cluster.gatewayNamespace', /DNS-1123 label/],
  [
    'rag gateway namespace moved to the cluster',
    (s) => (s.environments[AWS_DEV].workloads.rag.gatewayNamespace = 'istio-ingress'),
    'environments[0].workloads.rag.gatewayNamespace',
    /moved to cluster\.gatewayNamespace/,
  ],
  // MLOps
  [
    'mlops mlflow required',
    (s) => delete s.environments[AWS_DEV].workloads.mlops.mlflow,
    'environments[0].workloads.mlops.mlflow',
    /is required when mlops is enabled/,
  ],
  [
    'mlops mlflow image pinned',
    (s) => (s.environments[AZ_DEV].workloads.mlops.mlflow.image = 'mlflow-server:latest'),
    'environments[2].workloads.mlops.mlflow.image',
    /latest tag/,
  ],
  [
    'mlops AWS instance class on Azure',
    (s) => (s.environments[AZ_DEV].workloads.mlops.database = { instanceClass: 'db.t4g.medium' }),
    'environments[2].workloads.mlops.database.instanceClass',
    /on Azure set sku/,
  ],
  [
    'mlops RDS class format',
    (s) => (s.environments[AWS_DEV].workloads.mlops.database = { instanceClass: 't4g.medium' }),
    'environments[0].workloads.mlops.database.instanceClass',
    /not an RDS instance class/,
  ],
  [
    'mlops Postgres version',
    (s) => (s.environments[AWS_DEV].workloads.mlops.database = { version: '9.6' }),
    'environments[0].workloads.mlops.database.version',
    /13–17/,
  ],
  [
    'mlops training pool',
    (s) => (s.environments[AWS_DEV].workloads.mlops.training[0].pool = 'a100'),
    'environments[0].workloads.mlops.training[0].pool',
    /not one of cluster\.gpuPools \(gpu\)/,
  ],
  [
    'mlops training GPUs per node',
    (s) => (s.environments[AZ_DEV].workloads.mlops.training[0].gpus = 4),
    'environments[2].workloads.mlops.training[0].gpus',
    /4 GPUs do not fit on one node of pool "gpu" \(at most 1\)/,
  ],
  [
    'mlops training name',
    (s) => (s.environments[AWS_DEV].workloads.mlops.training[0].name = 'Fine_Tune'),
    'environments[0].workloads.mlops.training[0].name',
    /DNS-1123 label/,
  ],
  [
    'mlops training cron',
    (s) => (s.environments[AWS_PROD].workloads.mlops.training[0].schedule = 'nightly'),
    'environments[1].workloads.mlops.training[0].schedule',
    /not a 5-field cron/,
  ],
  [
    'mlops model path',
    (s) => (s.environments[AWS_DEV].workloads.mlops.models[0].path = '/iris/v1'),
    'environments[0].workloads.mlops.models[0].path',
    /relative path/,
  ],
  [
    'mlops canary',
    (s) => (s.environments[AWS_DEV].workloads.mlops.models[0].canaryPercent = 101),
    'environments[0].workloads.mlops.models[0].canaryPercent',
    /from 0 to 100/,
  ],
  [
    'mlops models behind a gateway the platform does not run',
    (s) => (s.environments[AWS_DEV].cluster.gatewayNamespace = 'ingress'),
    'environments[0].cluster.gatewayNamespace',
    /served through Istio's ingress gateway, which runs in "istio-system"/,
  ],
  [
    'mlops serving domain',
    (s) => (s.environments[AWS_DEV].workloads.mlops.servingDomain = 'Models_Example'),
    'environments[0].workloads.mlops.servingDomain',
    /not a DNS domain/,
  ],
  [
    'mlops A/B same model',
    (s) => (s.environments[AWS_DEV].workloads.mlops.models[0].abTest.challengerPath = 'iris/v1'),
    'environments[0].workloads.mlops.models[0].abTest.challengerPath',
    /needs two/,
  ],
  [
    'mlops A/B test of a pytorch model (Seldon has no TorchServe)',
    (s) => (s.environments[AWS_DEV].workloads.mlops.models[0].framework = 'pytorch'),
    'environments[0].workloads.mlops.models[0].abTest',
    /Seldon Core 1\.18\.2 serves pytorch only with Triton/,
  ],
  [
    'mlops duplicate model',
    (s) => s.environments[AWS_DEV].workloads.mlops.models.push({ name: 'iris', framework: 'xgboost', path: 'iris/v9' }),
    'environments[0].workloads.mlops.models[2].name',
    /used twice/,
  ],
  [
    'mlops burst instance type',
    (s) => (s.environments[AWS_PROD].workloads.mlops.burst.instanceType = 'g5.xlarge'),
    'environments[1].workloads.mlops.burst.instanceType',
    /not a SageMaker instance type/,
  ],
  [
    'mlops burst VM size',
    (s) => (s.environments[AZ_PROD].workloads.mlops.burst.vmSize = 'Standard_D4s_v5'),
    'environments[3].workloads.mlops.burst.vmSize',
    /not a known GPU VM size/,
  ],
  // mlops training on SageMaker (aws-prod's training[1] is the default model's SageMaker entry)
  [
    'mlops runOn enum',
    (s) => (s.environments[AWS_PROD].workloads.mlops.training[1].runOn = 'batch'),
    'environments[1].workloads.mlops.training[1].runOn',
    /"batch" is not one of "cluster", "sagemaker"/,
  ],
  [
    'mlops SageMaker on Azure',
    (s) => s.environments[AZ_PROD].workloads.mlops.training.push({ name: 'burst', image: 'training:1.0.0', runOn: 'sagemaker' }),
    'environments[3].workloads.mlops.training[1].runOn',
    /is AWS only \(SageMaker\); on Azure, burst jobs run through Azure ML, which the model does not deliver jobs to yet/,
  ],
  [
    'mlops SageMaker without burst',
    (s) => s.environments[AWS_DEV].workloads.mlops.training.push({ name: 'burst', image: 'training:1.0.0', runOn: 'sagemaker' }),
    'environments[0].workloads.mlops.training[1].runOn',
    /needs burst\.enabled: true/,
  ],
  [
    'mlops SageMaker job with a pool',
    (s) => (s.environments[AWS_PROD].workloads.mlops.training[1].pool = 'gpuspot'),
    'environments[1].workloads.mlops.training[1].pool',
    /applies to cluster jobs only: a SageMaker job runs on SageMaker instances/,
  ],
  [
    'mlops SageMaker job with a command',
    (s) => (s.environments[AWS_PROD].workloads.mlops.training[1].command = ['python', 'train.py']),
    'environments[1].workloads.mlops.training[1].command',
    /SageMaker runs `<image> train`.*sagemaker\.hyperParameters/,
  ],
  [
    'mlops SageMaker job with a schedule',
    (s) => (s.environments[AWS_PROD].workloads.mlops.training[1].schedule = '0 2 * * *'),
    'environments[1].workloads.mlops.training[1].schedule',
    /a SageMaker job name runs once; raise sagemaker\.run/,
  ],
  [
    'mlops SageMaker job with GPUs',
    (s) => (s.environments[AWS_PROD].workloads.mlops.training[1].gpus = 2),
    'environments[1].workloads.mlops.training[1].gpus',
    /instance type sets its GPUs/,
  ],
  [
    'mlops cluster job without a pool',
    (s) => delete s.environments[AWS_DEV].workloads.mlops.training[0].pool,
    'environments[0].workloads.mlops.training[0].pool',
    /is required for a cluster job/,
  ],
  [
    'mlops sagemaker settings on a cluster job',
    (s) => (s.environments[AWS_DEV].workloads.mlops.training[0].sagemaker = { instanceCount: 2 }),
    'environments[0].workloads.mlops.training[0].sagemaker',
    /applies to runOn: "sagemaker" only/,
  ],
  [
    'mlops SageMaker image outside the training repository',
    (s) => (s.environments[AWS_PROD].workloads.mlops.training[1].image = 'serving:1.0.0'),
    'environments[1].workloads.mlops.training[1].image',
    /must be in the environment's "training" repository/,
  ],
  [
    'mlops SageMaker image in another registry',
    (s) => (s.environments[AWS_PROD].workloads.mlops.training[1].image = 'docker.io/library/python:3.12'),
    'environments[1].workloads.mlops.training[1].image',
    /the only one its execution role may pull/,
  ],
  [
    'mlops SageMaker job name length',
    (s) => (s.environments[AWS_PROD].workloads.mlops.training[1].name = 'a'.repeat(41)),
    'environments[1].workloads.mlops.training[1].name',
    /too long for a SageMaker job name .*at most 40 here/,
  ],
  [
    'mlops SageMaker runtime',
    (s) => (s.environments[AWS_PROD].workloads.mlops.training[1].activeDeadlineSeconds = 2592000),
    'environments[1].workloads.mlops.training[1].activeDeadlineSeconds',
    /longer than SageMaker lets a training job run \(2419200, 28 days\)/,
  ],
  [
    'mlops SageMaker instance type',
    (s) => (s.environments[AWS_PROD].workloads.mlops.training[1].sagemaker.instanceType = 'g5.xlarge'),
    'environments[1].workloads.mlops.training[1].sagemaker.instanceType',
    /not a SageMaker instance type/,
  ],
  [
    'mlops SageMaker instances beyond burst.maxNodes',
    (s) => (s.environments[AWS_PROD].workloads.mlops.training[1].sagemaker.instanceCount = 5),
    'environments[1].workloads.mlops.training[1].sagemaker.instanceCount',
    /5 must be from 1 to burst\.maxNodes \(4\)/,
  ],
  [
    'mlops SageMaker Spot wait shorter than the runtime',
    (s) => (s.environments[AWS_PROD].workloads.mlops.training[1].sagemaker.maxWaitSeconds = 3600),
    'environments[1].workloads.mlops.training[1].sagemaker.maxWaitSeconds',
    /must be from the job's runtime \(activeDeadlineSeconds, 86400\)/,
  ],
  [
    'mlops SageMaker Spot wait on demand',
    (s) => Object.assign(s.environments[AWS_PROD].workloads.mlops.training[1].sagemaker, { capacity: 'on-demand', maxWaitSeconds: 172800 }),
    'environments[1].workloads.mlops.training[1].sagemaker.maxWaitSeconds',
    /applies to capacity: "spot" only/,
  ],
  // lakehouse
  [
    'lakehouse spark required',
    (s) => delete s.environments[AWS_DEV].workloads.lakehouse.spark,
    'environments[0].workloads.lakehouse.spark',
    /is required when lakehouse is enabled/,
  ],
  [
    'lakehouse image pinned',
    (s) => (s.environments[AZ_DEV].workloads.lakehouse.spark.image = 'lakehouse-spark'),
    'environments[2].workloads.lakehouse.spark.image',
    /is not pinned/,
  ],
  [
    'lakehouse image repository (AWS)',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.spark.image = 'spark:4.0.1'),
    'environments[0].workloads.lakehouse.spark.image',
    /not in cluster\.repositories/,
  ],
  [
    'lakehouse Spark version format',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.spark.version = '4.0'),
    'environments[0].workloads.lakehouse.spark.version',
    /not a Spark version/,
  ],
  [
    'lakehouse Spark 3 on Azure',
    (s) => (s.environments[AZ_DEV].workloads.lakehouse.spark.version = '3.5.6'),
    'environments[2].workloads.lakehouse.spark.version',
    /Spark must be 4\.0 or later/,
  ],
  [
    'lakehouse Delta on AWS',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.tableFormat = 'delta'),
    'environments[0].workloads.lakehouse.tableFormat',
    /not supported: on AWS the catalog is Glue/,
  ],
  [
    'lakehouse Iceberg on Azure',
    (s) => (s.environments[AZ_PROD].workloads.lakehouse.tableFormat = 'iceberg'),
    'environments[3].workloads.lakehouse.tableFormat',
    /not supported: on Azure tables are Delta/,
  ],
  [
    'lakehouse unknown layer',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.layers = ['bronze', 'platinum']),
    'environments[0].workloads.lakehouse.layers[1]',
    /"platinum" is not one of "bronze", "silver", "gold"/,
  ],
  ['lakehouse no layers', (s) => (s.environments[AWS_DEV].workloads.lakehouse.layers = []), 'environments[0].workloads.lakehouse.layers', /at least one layer/],
  [
    'lakehouse duplicate layer',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.layers = ['gold', 'gold']),
    'environments[0].workloads.lakehouse.layers[1]',
    /listed twice/,
  ],
  [
    'lakehouse job layer not enabled',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.layers = ['bronze', 'silver']),
    'environments[0].workloads.lakehouse.jobs[2].layer',
    /"gold" is not one of layers \(bronze, silver\)/,
  ],
  [
    'lakehouse job name',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.jobs[0].name = 'Bronze_Ingest'),
    'environments[0].workloads.lakehouse.jobs[0].name',
    /DNS-1123 label of at most 40/,
  ],
  [
    'lakehouse duplicate job',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.jobs[1].name = 'bronze-ingest'),
    'environments[0].workloads.lakehouse.jobs[1].name',
    /used twice/,
  ],
  [
    'lakehouse main file scheme',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.jobs[0].mainApplicationFile = 'abfss://jobs@x.dfs.core.windows.net/a.py'),
    'environments[0].workloads.lakehouse.jobs[0].mainApplicationFile',
    /must start with local:\/\/ or s3a:\/\//,
  ],
  [
    'lakehouse main file type',
    (s) => (s.environments[AZ_DEV].workloads.lakehouse.jobs[0].mainApplicationFile = 'local:///opt/spark/jobs/a.sh'),
    'environments[2].workloads.lakehouse.jobs[0].mainApplicationFile',
    /\.py, \.R or \.jar/,
  ],
  [
    'lakehouse jar needs a class',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.jobs[0].mainApplicationFile = 'local:///opt/spark/jobs/etl.jar'),
    'environments[0].workloads.lakehouse.jobs[0].mainClass',
    /required for a \.jar/,
  ],
  [
    'lakehouse class only for a jar',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.jobs[0].mainClass = 'com.acme.Ingest'),
    'environments[0].workloads.lakehouse.jobs[0].mainClass',
    /only for a \.jar/,
  ],
  [
    'lakehouse cron',
    (s) => (s.environments[AWS_PROD].workloads.lakehouse.jobs[3].schedule = 'daily'),
    'environments[1].workloads.lakehouse.jobs[3].schedule',
    /not a 5-field cron/,
  ],
  [
    'lakehouse Spark memory',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.jobs[0].driver = { memory: '2Gi' }),
    'environments[0].workloads.lakehouse.jobs[0].driver.memory',
    /not a Spark memory size/,
  ],
  [
    'lakehouse cores',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.jobs[0].executor = { cores: 0 }),
    'environments[0].workloads.lakehouse.jobs[0].executor.cores',
    /from 1 to 64/,
  ],
  [
    'lakehouse executors with dynamic allocation',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.jobs[3].executors = 4),
    'environments[0].workloads.lakehouse.jobs[3].executors',
    /with dynamicAllocation set minExecutors and maxExecutors/,
  ],
  [
    'lakehouse dynamic bounds',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.jobs[3].dynamicAllocation = { minExecutors: 5, maxExecutors: 2 }),
    'environments[0].workloads.lakehouse.jobs[3].dynamicAllocation.minExecutors',
    /greater than maxExecutors 2/,
  ],
  [
    'lakehouse retries',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.jobs[0].retries = 50),
    'environments[0].workloads.lakehouse.jobs[0].retries',
    /from 0 to 20/,
  ],
  [
    'lakehouse retention',
    (s) => (s.environments[AZ_DEV].workloads.lakehouse.retentionDays = 400),
    'environments[2].workloads.lakehouse.retentionDays',
    /from 1 to 365/,
  ],
  [
    'lakehouse Purview on AWS',
    (s) => (s.environments[AWS_DEV].workloads.lakehouse.purview = true),
    'environments[0].workloads.lakehouse.purview',
    /is for Azure/,
  ],
  [
    'lakehouse storage account length',
    (s) => (s.environments[AZ_DEV].name = 'azure-development-eu'),
    'environments[2].workloads.lakehouse',
    /derived storage account name "stacmeazuredevelopmenteulake"/,
  ],
  [
    'lakehouse Glue catalogs in one account and region',
    (s) => {
      s.environments[AWS_PROD].aws.accountId = s.environments[AWS_DEV].aws.accountId;
      s.environments[AWS_PROD].aws.clusterAdminArns = [];
    },
    'environments[1].workloads.lakehouse',
    /environments\[0\] already has a lakehouse in account 111111111111, eu-west-1: the Glue databases/,
  ],
  [
    // One Purview account per tenant (the default limit): azure-dev turning it on next to azure-prod, same tenant.
    'lakehouse Purview twice in one tenant',
    (s) => (s.environments[AZ_DEV].workloads.lakehouse.purview = true),
    'environments[3].workloads.lakehouse.purview',
    /environments\[2\] already has a Purview account in tenant .*: Purview allows one account per tenant/,
  ],
  // tags
  ['reserved tag', (s) => (s.environments[AWS_DEV].tags = { environment: 'x' }), 'environments[0].tags.environment', /set by the platform/],
  ['aws: tag prefix', (s) => (s.environments[AWS_DEV].tags = { 'aws:owner': 'x' }), 'environments[0].tags.aws:owner', /reserved by AWS/],
  ['Azure tag characters', (s) => (s.environments[AZ_DEV].tags = { 'team/owner': 'x' }), 'environments[2].tags.team/owner', /cannot contain/],
  ['tag value length', (s) => (s.environments[AWS_DEV].tags = { owner: 'x'.repeat(257) }), 'environments[0].tags.owner', /at most 256/],
];

describe.each(rules)('rule: %s', (_name, mutate, path, message) => {
  it(`reports ${path}`, () => {
    const problems = problemsAfter(mutate);
    const match = problems.filter((p) => p.path === path);
    expect(match.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });
});

describe('reporting', () => {
  it('reports every problem at once, across environments', () => {
    const problems = problemsAfter((s) => {
      s.environments[AWS_DEV].network.cidr = '10.0.0.0/33';
      s.environments[AZ_PROD].azure.tenantId = 'nope';
      s.environments[AWS_PROD].cluster.systemPool.min = 9;
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      ['environments[0].network.cidr', 'environments[1].cluster.systemPool.min', 'environments[3].azure.tenantId'].sort(),
    );
  });

  it('throws a ModelError whose message lists each problem with its path', () => {
    const spec = base();
    spec.environments[AZ_DEV].network.cidr = '10.0.0.0/33';
    let error: unknown;
    try {
      loadPlatform(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toContain('environments[2].network.cidr: "10.0.0.0/33" is not an IPv4 CIDR');
    expect((error as ModelError).message).toMatch(/^1 problem in the platform model:/);
  });

  it('rejects a spec that is not a mapping', () => {
    expect(findProblems(42)).toEqual([{ path: '', message: 'expected a mapping, got number 42' }]);
  });
});

describe('lakehouse rules', () => {
  it('allow two AWS lakehouses in one account when their regions differ, and one account without a second lakehouse', () => {
    expect(
      problemsAfter((s) => {
        s.environments[AWS_PROD].aws.accountId = s.environments[AWS_DEV].aws.accountId;
        s.environments[AWS_PROD].aws.clusterAdminArns = [];
        s.environments[AWS_PROD].aws.createSpotServiceLinkedRole = false;
        s.environments[AWS_PROD].region = 'eu-central-1';
      }),
    ).toEqual([]);
    expect(
      problemsAfter((s) => {
        s.environments[AWS_PROD].aws.accountId = s.environments[AWS_DEV].aws.accountId;
        s.environments[AWS_PROD].aws.clusterAdminArns = [];
        s.environments[AWS_PROD].aws.createSpotServiceLinkedRole = false;
        s.environments[AWS_PROD].workloads.lakehouse = { enabled: false };
      }),
    ).toEqual([]);
  });
});

describe('aws account rules', () => {
  const sameAccount = (s: any) => {
    s.environments[AWS_PROD].aws.accountId = s.environments[AWS_DEV].aws.accountId;
    s.environments[AWS_PROD].aws.clusterAdminArns = [];
    s.environments[AWS_PROD].region = 'eu-central-1';
  };

  it('lets one environment of an account create the EC2 Spot service-linked role, and refuses a second', () => {
    expect(problemsAfter(sameAccount)).toEqual([
      {
        path: 'environments[1].aws.createSpotServiceLinkedRole',
        message: `environments[0] already creates the EC2 Spot service-linked role of account ${EXAMPLE_AWS_DEV_ACCOUNT} (one per account); set false here`,
      },
    ]);
    expect(
      problemsAfter((s) => {
        sameAccount(s);
        s.environments[AWS_DEV].aws.createSpotServiceLinkedRole = false;
      }),
    ).toEqual([]);
  });

  it('accepts only CloudWatch retentions and a non-empty list of control-plane log types', () => {
    expect(
      problemsAfter((s) => {
        s.environments[AWS_DEV].aws.logging = { retentionDays: 31, controlPlane: [] };
      }),
    ).toEqual([
      { path: 'environments[0].aws.logging.retentionDays', message: expect.stringMatching(/^31 is not a CloudWatch Logs retention \(one of 1, 3, 5/) },
      { path: 'environments[0].aws.logging.controlPlane', message: expect.stringMatching(/^must list at least one log type/) },
    ]);
    expect(problemsAfter((s) => (s.environments[AWS_DEV].aws.logging = { retentionDays: 90, flowLogTraffic: 'ALL', controlPlane: ['audit'] }))).toEqual([]);
  });

  it('accept a Scala job with a jar and its class, and a disabled lakehouse without settings', () => {
    expect(
      problemsAfter((s) => {
        s.environments[AWS_DEV].workloads.lakehouse.jobs[0] = { name: 'etl', mainApplicationFile: 's3a://bucket/jobs/etl.jar', mainClass: 'com.acme.Etl' };
        s.environments[AZ_DEV].workloads.lakehouse = { enabled: false };
      }),
    ).toEqual([]);
  });
});
