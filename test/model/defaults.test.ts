import { EKS_ADDON_VERSIONS } from '../../src/model/catalog';
import { loadPlatform } from '../../src/model/load';
import { namesFor } from '../../src/model/naming';
import { defaultPlatform } from '../../src/platform';

const platform = loadPlatform(defaultPlatform);
const env = (name: string) => platform.environments.find((e) => e.name === name)!;

describe('defaults', () => {
  it('spreads dev over two zones and prod over three', () => {
    expect(env('aws-dev').network.zones).toBe(2);
    expect(env('aws-prod').network.zones).toBe(3);
  });

  it('makes the prod API private and the dev API public', () => {
    expect(env('aws-prod').cluster.privateApi).toBe(true);
    expect(env('azure-prod').cluster.privateApi).toBe(true);
    expect(env('aws-dev').cluster.privateApi).toBe(false);
  });

  it('pins EKS add-ons from the catalog for the cluster version, and none on Azure', () => {
    expect(env('aws-prod').cluster.addons).toEqual(EKS_ADDON_VERSIONS['1.35']);
    expect(env('azure-prod').cluster.addons).toEqual({});
  });

  it('lets the model override one add-on version and keeps the rest pinned', () => {
    const spec = structuredClone(defaultPlatform) as any;
    spec.environments[0].cluster.addons = { coredns: 'v1.12.1-eksbuild.2' };
    const resolved = loadPlatform(spec).environments[0].cluster.addons;
    expect(resolved.coredns).toBe('v1.12.1-eksbuild.2');
    expect(resolved['vpc-cni']).toBe(EKS_ADDON_VERSIONS['1.35']['vpc-cni']);
  });

  it('merges the standard tags into the model tags, keys sorted', () => {
    expect(env('aws-dev').tags).toEqual({ 'cost-center': 'ml-platform', environment: 'aws-dev', 'managed-by': 'platform-synth', project: 'acme' });
    expect(Object.keys(env('aws-dev').tags)).toEqual(['cost-center', 'environment', 'managed-by', 'project']);
  });

  it('derives the state locations', () => {
    expect(env('aws-dev').aws!.stateBucket).toBe('acme-tfstate-111111111111-eu-west-1');
    expect(env('azure-prod').azure!.state).toEqual({ resourceGroup: 'rg-acme-tfstate', storageAccount: 'acmetfstateprod', container: 'tfstate' });
  });

  it('defaults GPU pools to managed node groups and switches workloads off unless enabled', () => {
    const spec = structuredClone(defaultPlatform) as any;
    delete spec.environments[1].cluster.gpuPools[0].provisioner;
    delete spec.environments[1].workloads;
    const resolved = loadPlatform(spec).environments[1];
    expect(resolved.cluster.gpuPools[0].provisioner).toBe('node-group');
    expect(resolved.workloads).toEqual({ rag: false, mlops: false, lakehouse: false, edw: false });
  });

  it("resolves EDW images against each environment's own registry and applies EDW defaults", () => {
    expect(env('aws-prod').edw!.images.consumer).toBe('222222222222.dkr.ecr.eu-west-1.amazonaws.com/acme/aws-prod/edw-consumer:1.0.0');
    expect(env('azure-dev').edw!.images.producer).toBe('acracmeazuredev.azurecr.io/edw-producer:1.0.0');
    const dev = env('aws-dev').edw!;
    expect(dev.scaling).toMatchObject({ minReplicas: 0, scaleToZero: true, messagesPerReplica: 5, pollingIntervalSeconds: 15, cooldownSeconds: 120 });
    expect(dev.queue).toEqual({ fifo: false, messageRetentionSeconds: 345600, visibilityTimeoutSeconds: 60, maxReceiveCount: 5 });
    expect(dev.producer.schedule).toBeUndefined();
    expect(dev.keda).toBe('helm');
    expect(env('azure-prod').edw!.keda).toBe('aks-addon');
    expect(env('azure-dev').edw!.keda).toBe('helm');
  });

  it('resolves MLOps training jobs to their GPU pools and applies MLOps defaults', () => {
    const prod = env('aws-prod').mlops!;
    expect(prod.training[0].pool).toMatchObject({ name: 'gpuspot', capacity: 'spot', provisioner: 'karpenter' });
    expect(prod.training[0].image).toBe('222222222222.dkr.ecr.eu-west-1.amazonaws.com/acme/aws-prod/training:1.0.0');
    expect(prod.training[0]).toMatchObject({ gpus: 1, backoffLimit: 4, activeDeadlineSeconds: 86400, checkpointSize: '50Gi', schedule: '0 2 * * *' });
    expect(prod.database).toEqual({ instanceClass: 'db.r6g.large', sku: 'GP_Standard_D2ds_v5', storageGb: 100, version: '16' });
    expect(prod.models[0]).toMatchObject({
      name: 'iris',
      minReplicas: 2,
      maxReplicas: 6,
      canaryPercent: 10,
      abTest: { challengerPath: 'iris/v2', challengerPercent: 20 },
    });
    expect(prod.burst.enabled).toBe(true);
    expect(env('aws-dev').mlops!.burst.enabled).toBe(false);
    expect(prod.servingDomain).toBe('svc.cluster.local');
    // Served models bring Istio's gateway: the platform's gateway namespace is then its.
    expect(env('aws-prod').cluster.gatewayNamespace).toBe('istio-system');
    expect(env('aws-dev').mlops!.training[0].schedule).toBeUndefined();
  });

  it('splits SageMaker training entries from the cluster ones and applies their defaults (burst instance type, one instance, Spot)', () => {
    const prod = env('aws-prod').mlops!;
    expect(prod.training.map((t) => t.name)).toEqual(['finetune']);
    expect(prod.sagemakerTraining).toEqual([
      {
        name: 'finetune-burst',
        image: '222222222222.dkr.ecr.eu-west-1.amazonaws.com/acme/aws-prod/training:1.0.0',
        instanceType: prod.burst.instanceType,
        instanceCount: 1,
        volumeSizeGb: 50,
        capacity: 'spot',
        maxRuntimeSeconds: 86400,
        // Twice the runtime: room to wait for Spot capacity.
        maxWaitSeconds: 172800,
        hyperParameters: { epochs: '3' },
        run: 1,
      },
    ]);
    expect(prod.burst.instanceType).toBe('ml.g5.xlarge');
    for (const name of ['aws-dev', 'azure-dev', 'azure-prod']) expect(env(name).mlops!.sagemakerTraining).toEqual([]);

    const spec = structuredClone(defaultPlatform) as any;
    const entry = spec.environments[1].workloads.mlops.training[1];
    entry.activeDeadlineSeconds = 20 * 86400;
    entry.sagemaker = { instanceType: 'ml.p4d.24xlarge', instanceCount: 2, capacity: 'spot' };
    // The Spot wait stays within SageMaker's 28 days.
    expect(loadPlatform(spec).environments[1].mlops!.sagemakerTraining[0]).toMatchObject({
      instanceType: 'ml.p4d.24xlarge',
      instanceCount: 2,
      maxRuntimeSeconds: 20 * 86400,
      maxWaitSeconds: 28 * 86400,
    });
    entry.sagemaker = { capacity: 'on-demand' };
    const onDemand = loadPlatform(spec).environments[1].mlops!.sagemakerTraining[0];
    expect(onDemand.capacity).toBe('on-demand');
    expect(onDemand.maxWaitSeconds).toBeUndefined();
  });

  it('applies the lakehouse defaults: all layers, the table format of the cloud, Spark 4.0.1, job sizes and retention per stage', () => {
    const dev = env('aws-dev').lakehouse!;
    expect(dev.layers).toEqual(['bronze', 'silver', 'gold']);
    expect(dev.tableFormat).toBe('iceberg');
    expect(env('azure-dev').lakehouse!.tableFormat).toBe('delta');
    expect(dev.spark).toEqual({ image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/acme/aws-dev/lakehouse-spark:4.0.1', version: '4.0.1' });
    expect(env('azure-prod').lakehouse!.spark.image).toBe('acracmeazureprod.azurecr.io/lakehouse-spark:4.0.1');
    expect(dev.jobs.map((j) => [j.name, j.layer, j.schedule])).toEqual([
      ['bronze-ingest', 'bronze', undefined],
      ['silver-clean', 'silver', undefined],
      ['gold-aggregates', 'gold', undefined],
      ['daily-pipeline', undefined, '0 3 * * *'],
    ]);
    expect(dev.jobs[0]).toMatchObject({ type: 'Python', driver: { cores: 1, memory: '2g' }, executor: { cores: 2, memory: '4g' }, executors: 2, retries: 3 });
    expect(dev.jobs[0].dynamicAllocation).toBeUndefined();
    expect(dev.jobs[3]).toMatchObject({ executor: { cores: 2, memory: '8g' }, dynamicAllocation: { minExecutors: 1, maxExecutors: 10 } });
    expect(dev.retentionDays).toBe(7);
    expect(env('aws-prod').lakehouse!.retentionDays).toBe(30);
    expect(dev.purview).toBe(false);
    // Purview: a standing charge and one account per tenant, so on in prod only.
    expect(env('azure-dev').lakehouse!.purview).toBe(false);
    expect(env('azure-prod').lakehouse!.purview).toBe(true);
  });

  it('orders lakehouse layers bronze → silver → gold and types a jar job as Scala', () => {
    const spec = structuredClone(defaultPlatform) as any;
    spec.environments[0].workloads.lakehouse.layers = ['gold', 'bronze'];
    spec.environments[0].workloads.lakehouse.jobs = [{ name: 'etl', mainApplicationFile: 'local:///opt/etl.jar', mainClass: 'com.acme.Etl', layer: 'gold' }];
    const lakehouse = loadPlatform(spec).environments[0].lakehouse!;
    expect(lakehouse.layers).toEqual(['bronze', 'gold']);
    expect(lakehouse.jobs[0]).toMatchObject({ type: 'Scala', mainClass: 'com.acme.Etl', arguments: [] });
  });

  it('keeps images that name a registry as they are', () => {
    const spec = structuredClone(defaultPlatform) as any;
    spec.environments[0].workloads.edw.images.consumer = 'ghcr.io/acme/consumer@sha256:' + 'a'.repeat(64);
    expect(loadPlatform(spec).environments[0].edw!.images.consumer).toBe('ghcr.io/acme/consumer@sha256:' + 'a'.repeat(64));
  });

  it('gives each environment of the default model its own objects, so changing one leaves the others', () => {
    const spec = structuredClone(defaultPlatform) as any;
    spec.environments[0].workloads.edw.images.consumer = 'changed:1.0.0';
    spec.environments[0].workloads.mlops.models[0].path = 'changed/v1';
    expect(spec.environments[2].workloads.edw.images.consumer).toBe('edw-consumer:1.0.0');
    expect(spec.environments[2].workloads.mlops.models[0].path).toBe('iris/v1');
  });

  it('is immutable', () => {
    expect(() => {
      (env('aws-dev').network as any).cidr = '10.0.0.0/16';
    }).toThrow(TypeError);
  });
});

describe('naming', () => {
  it('derives cloud names from the platform and environment names', () => {
    const aws = namesFor(platform, env('aws-prod')).aws!;
    expect(aws.clusterName).toBe('acme-aws-prod');
    expect(aws.karpenterNodeRoleName).toBe('acme-aws-prod-karpenter-node');
    expect(aws.roleArn(aws.karpenterNodeRoleName)).toBe('arn:aws:iam::222222222222:role/acme-aws-prod-karpenter-node');
    expect(aws.ecrRepositories).toMatchObject({ training: 'acme/aws-prod/training', 'edw-consumer': 'acme/aws-prod/edw-consumer' });
    const azure = namesFor(platform, env('azure-dev')).azure!;
    expect(azure.clusterName).toBe('aks-acme-azure-dev');
    expect(azure.containerRegistryName).toBe('acracmeazuredev');
    expect(azure.containerRegistryName).toMatch(/^[a-z0-9]{5,50}$/);
  });

  it('derives the EDW names, FIFO suffixes and the KEDA operator namespace per install', () => {
    const prod = namesFor(platform, env('aws-prod')).edw!;
    expect(prod.aws).toMatchObject({
      queueName: 'acme-aws-prod-edw.fifo',
      deadLetterQueueName: 'acme-aws-prod-edw-dlq.fifo',
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/222222222222/acme-aws-prod-edw.fifo',
      tableArn: 'arn:aws:dynamodb:eu-west-1:222222222222:table/acme-aws-prod-edw-messages',
      scalerRoleName: 'acme-aws-prod-keda-edw',
    });
    expect(namesFor(platform, env('aws-dev')).edw!.aws!.queueName).toBe('acme-aws-dev-edw');
    expect(namesFor(platform, env('azure-prod')).edw!.keda).toEqual({ namespace: 'kube-system', serviceAccount: 'keda-operator' });
    expect(namesFor(platform, env('azure-dev')).edw!.keda).toEqual({ namespace: 'keda', serviceAccount: 'keda-operator' });
    expect(namesFor(platform, env('azure-dev')).edw!.azure!.storageAccountName).toBe('stacmeazuredevedw');
  });

  it('derives the MLOps artifact store, model URIs and names on both clouds', () => {
    const aws = namesFor(platform, env('aws-dev')).mlops!;
    expect(aws.artifactRoot).toBe('s3://acme-aws-dev-mlops-artifacts-111111111111/mlflow');
    expect(aws.modelUri('iris/v1')).toBe('s3://acme-aws-dev-mlops-artifacts-111111111111/models/iris/v1');
    expect(aws.trackingUri).toBe('http://mlflow.mlops.svc.cluster.local:5000');
    expect(aws.aws!.servingRoleName('iris')).toBe('acme-aws-dev-serve-iris');
    const azure = namesFor(platform, env('azure-prod')).mlops!;
    expect(azure.artifactRoot).toBe('wasbs://mlflow@stacmeazureprodmlops.blob.core.windows.net/');
    expect(azure.modelUri('iris/v2')).toBe('https://stacmeazureprodmlops.blob.core.windows.net/models/iris/v2');
    expect(azure.azure!.postgresHost).toBe('psql-acme-azure-prod-mlflow.postgres.database.azure.com');
    expect(azure.azure!.keyVaultUrl).toBe('https://kvacmeazureprodml.vault.azure.net/');
    expect(azure.servingServiceAccount('iris')).toBe('serve-iris');
  });

  it('derives the lakehouse bucket, layer URIs, Glue databases, filesystems and identities on both clouds', () => {
    const aws = namesFor(platform, env('aws-prod')).lakehouse!;
    expect(aws.aws!.bucket).toBe('acme-aws-prod-lakehouse-222222222222');
    expect(aws.aws!.warehouse).toBe('s3://acme-aws-prod-lakehouse-222222222222/');
    expect(aws.layerUris).toEqual({
      bronze: 's3://acme-aws-prod-lakehouse-222222222222/bronze/',
      silver: 's3://acme-aws-prod-lakehouse-222222222222/silver/',
      gold: 's3://acme-aws-prod-lakehouse-222222222222/gold/',
    });
    expect(aws.aws!.glueDatabases).toEqual({ bronze: 'bronze', silver: 'silver', gold: 'gold' });
    expect(aws.aws!.sparkRoleName).toBe('acme-aws-prod-lakehouse-spark');
    expect([aws.namespace, aws.sparkServiceAccount, aws.driverRole]).toEqual(['lakehouse', 'spark', 'spark-driver']);
    const azure = namesFor(platform, env('azure-prod')).lakehouse!;
    expect(azure.azure!.storageAccountName).toBe('stacmeazureprodlake');
    expect(azure.layerUris.silver).toBe('abfss://silver@stacmeazureprodlake.dfs.core.windows.net/');
    expect(azure.azure!.filesystems).toEqual({ bronze: 'bronze', silver: 'silver', gold: 'gold' });
    expect(azure.azure!.sparkIdentityName).toBe('id-acme-azure-prod-lakehouse-spark');
    expect(azure.azure!.purviewAccountName).toBe('pview-acme-azure-prod');
  });

  it('lists the platform namespace and one per enabled workload', () => {
    expect(namesFor(platform, env('aws-dev')).namespaces).toEqual(['platform-system', 'edw', 'rag', 'mlops', 'lakehouse']);
    const spec = structuredClone(defaultPlatform) as any;
    spec.environments[0].workloads = { edw: spec.environments[0].workloads.edw, rag: { enabled: false } };
    const p = loadPlatform(spec);
    expect(namesFor(p, p.environments[0]).namespaces).toEqual(['platform-system', 'edw']);
  });
});
