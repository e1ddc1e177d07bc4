/**
 * The `mlops` stack of an Azure environment: MLflow's artifact store (a blob account with `mlflow` and
 * `models` containers), its backend store (PostgreSQL Flexible Server in the platform's delegated subnet,
 * VNet-integrated, with a private DNS zone), the Key Vault that holds the database credentials, the MLflow /
 * database-user Job / training / per-model serving identities federated with the AKS OIDC issuer, and,
 * when burst is on, an Azure ML workspace with a GPU compute cluster scaling from 0. Azure Service Operator
 * is not used: the compute cluster is managed here, jobs are submitted to the workspace (az ml / SDK) by
 * the training identity, so no in-cluster controller needs an Azure identity.
 *
 * Like the edw and rag stacks: its own resource group and state, the platform stack's subnets and shared
 * private DNS zones (private-dns.ts) addressed by ids computed from model names, the OIDC issuer from a data
 * source, and nothing on a data plane, so both stages apply from a runner outside the VNet with public
 * network access off:
 * - containers use `storage_account_id` (Resource Manager);
 * - MLflow's database secret is an ARM template deployment of `Microsoft.KeyVault/vaults/secrets`
 *   (a control-plane write: `azurerm_key_vault_secret` would need the vault's data plane, which is private
 *   in prod and firewalled to trusted services in dev). The deployer therefore needs no data-plane role on
 *   the vault (no "Key Vault Secrets Officer"): the control-plane write is covered by the rights it already
 *   uses to create the vault.
 *
 * The password administrator's password: nobody's. `uuid()` is evaluated at apply and given to the server
 * only through the write-only `administrator_password_wo` (Terraform >= 1.11): in no state, no plan, no
 * secret. The provider sends it on create and whenever DB_PASSWORD_VERSION changes (`_wo_version`), never
 * otherwise, so the uuid() of later plans is discarded. Administration (the database-user Job, people) signs
 * in through Entra ID instead; break glass by resetting the password (portal or `az postgres flexible-server
 * update --admin-password`), which the next DB_PASSWORD_VERSION overwrites.
 *
 * MLflow's role: the database-user Job (charts/mlops/database-user.ts), the server's Entra ID administrator
 * as its own identity, creates it and writes its password as a new version of the secret
 * `dbUserSecret`, which MLflow's identity alone reads. Terraform creates that secret once with `{}` (no
 * password; `ignore_changes = all`, so no plan ever re-deploys it over the Job's versions).
 *
 * Every stage: the vault's private endpoint (the cluster's only way past its firewall). Prod only: the storage
 * account's blob and the ML workspace's private endpoints (and, with burst, the account's file endpoint). Burst
 * (the ML workspace) follows the model: on in prod only by default.
 *
 * The ML workspace is an ARM template deployment, not `azurerm_machine_learning_workspace`: its storage
 * account has shared keys disabled, so the system datastores (workspaceblobstore, workspacefilestore) must
 * use identity auth (`systemDatastoresAuthMode`), which the Azure ML API has (2025-06-01, the version
 * azurerm 4.55.0 itself calls) but the azurerm resource does not expose. Destroying the deployment deletes
 * the workspace (azurerm `template_deployment.delete_nested_items_during_deletion`, default true), and Azure
 * ML keeps it soft-deleted: its name cannot be reused until the retention (14 days by default) ends or it is
 * purged. So a state from before this change drops the old resource with `terraform state rm` (README),
 * never by letting Terraform destroy it.
 */
import { ApplicationInsights } from '@cdktf/provider-azurerm/lib/application-insights';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { MachineLearningComputeCluster } from '@cdktf/provider-azurerm/lib/machine-learning-compute-cluster';
import { PostgresqlFlexibleServer } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server';
import { PostgresqlFlexibleServerActiveDirectoryAdministrator } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-active-directory-administrator';
import { PostgresqlFlexibleServerDatabase } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-database';
import { ResourceGroupTemplateDeployment } from '@cdktf/provider-azurerm/lib/resource-group-template-deployment';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import type { App } from 'cdktf';
import { Fn, TerraformOutput } from 'cdktf';
import type { EnvironmentContext } from '../../src/model/context';
import { MLOPS_OUTPUTS, MLOPS_STACK } from '../../src/model/naming';
import type { AzureStack } from '../constructs/platform-stack';
import { regionZoneCount, tagsOf } from './common';
import { APPLICATION_INSIGHTS_ACCESS, LOG_RETENTION_DAYS, WORKSPACE_ACCESS } from './monitoring';
import { type PrivateDnsZoneKey, postgresPrivateDnsZoneId } from './private-dns';
import { roleAssignment, serviceAccountIdentity } from './identity';
import { hardenedStorageAccount, templateOutput, workloadPrivateEndpoint, workloadStack } from './workload';

/** Write-only attributes (`administrator_password_wo`) need Terraform 1.11. */
export const MLOPS_TERRAFORM_REQUIRED_VERSION = '>= 1.11.0';

/**
 * Bump to send the server a new password administrator's password (see the file comment). 3: administration
 * moved to Entra ID and the password out of every state: the value versions 1 and 2 left in the states of a
 * `terraform_data` and a template deployment is replaced by one nobody holds.
 */
export const DB_PASSWORD_VERSION = 3;

/** The containers of the account, in a fixed order; their names are fixed by the model's URIs. */
export const MLOPS_CONTAINERS = ['mlflow', 'models'] as const;
export type MlopsContainer = (typeof MLOPS_CONTAINERS)[number];

/** API version of the secret in the ARM template (a fixed string, so the template never drifts). */
const KEY_VAULT_API_VERSION = '2023-07-01';

/** Flexible Server accepts these storage sizes only (MB); the model's GB is rounded up to the next one. */
const FLEXIBLE_SERVER_STORAGE_MB = [32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408];

export function flexibleServerStorageMb(storageGb: number): number {
  const mb = storageGb * 1024;
  const size = FLEXIBLE_SERVER_STORAGE_MB.find((s) => s >= mb);
  if (size === undefined) throw new Error(`PostgreSQL Flexible Server storage of ${storageGb} GB is larger than the largest size (32 TiB)`);
  return size;
}

/** Zone-redundant high availability exists for General Purpose and Memory Optimized SKUs, not Burstable. */
export function skuSupportsHighAvailability(sku: string): boolean {
  return /^(GP|MO)_/.test(sku);
}

type EndpointTarget = 'blob' | 'file' | 'vault' | 'amlworkspace';

/** Azure ML API of the workspace template: the first stable one azurerm 4.55.0 also uses; has `systemDatastoresAuthMode`. */
export const ML_WORKSPACE_API_VERSION = '2025-06-01';

/** The image-build cluster: CPU only, one node at most, from 0. */
const IMAGE_BUILD_VM_SIZE = 'Standard_D4s_v5';

/** Names only this stack's Terraform uses, derived from the environment prefix. */
export function mlopsTerraformNames(prefix: string) {
  return {
    userSecretDeployment: `deploy-${prefix}-mlops-db-user-secret`,
    logAnalytics: `log-${prefix}-mlops`,
    applicationInsights: `appi-${prefix}-mlops`,
    mlWorkspaceDeployment: `deploy-${prefix}-mlops-mlw`,
    imageBuildIdentity: `id-${prefix}-mlops-imagebuild`,
    /** 2–16 letters, digits and hyphens, unique in the workspace. */
    computeCluster: 'gpu-burst',
    imageBuildCluster: 'cpu-imagebuild',
  };
}

/**
 * Container of the workspace's default blob datastore (workspaceblobstore): Azure ML names it after the
 * workspace's GUID (`workspaceId`). Code snapshots, job inputs and outputs live there.
 */
export function workspaceBlobstoreContainer(workspaceGuid: string): string {
  return `azureml-blobstore-${workspaceGuid}`;
}

/**
 * The ARM template of the ML workspace. Resource ids and tags are parameters (Terraform values), so the
 * template itself is a fixed string per environment. Outputs: the workspace's ARM id (compute clusters,
 * private endpoint) and its GUID (the blob store container, a role assignment scope).
 */
export function mlWorkspaceTemplate(props: { name: string; publicNetworkAccess: boolean; imageBuildCompute: string }): string {
  const id = `resourceId('Microsoft.MachineLearningServices/workspaces', '${props.name}')`;
  const idParameter = { type: 'string' };
  return JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      storageAccountId: idParameter,
      keyVaultId: idParameter,
      applicationInsightsId: idParameter,
      containerRegistryId: idParameter,
      tags: { type: 'object' },
    },
    resources: [
      {
        type: 'Microsoft.MachineLearningServices/workspaces',
        apiVersion: ML_WORKSPACE_API_VERSION,
        name: props.name,
        location: '[resourceGroup().location]',
        kind: 'Default',
        sku: { name: 'Basic', tier: 'Basic' },
        // Gets its roles on the vault, storage and registry from Azure ML at creation (the deployer needs
        // the right to assign them), whichever client sends the PUT.
        identity: { type: 'SystemAssigned' },
        tags: "[parameters('tags')]",
        properties: {
          storageAccount: "[parameters('storageAccountId')]",
          keyVault: "[parameters('keyVaultId')]",
          applicationInsights: "[parameters('applicationInsightsId')]",
          containerRegistry: "[parameters('containerRegistryId')]",
          publicNetworkAccess: props.publicNetworkAccess ? 'Enabled' : 'Disabled',
          v1LegacyMode: false,
          // The account has shared keys disabled: datastores authenticate as the caller's or compute's identity.
          systemDatastoresAuthMode: 'identity',
          // ACR Tasks cannot reach a registry without public access: images are built on this cluster.
          imageBuildCompute: props.imageBuildCompute,
        },
      },
    ],
    outputs: {
      workspaceId: { type: 'string', value: `[${id}]` },
      workspaceGuid: { type: 'string', value: `[reference(${id}, '${ML_WORKSPACE_API_VERSION}').workspaceId]` },
    },
  });
}

/** The value MLflow's user secret is created with: JSON without a password, which the database-user Job replaces. */
export const DB_USER_SECRET_INITIAL = '{}';

/** The ARM template of a Key Vault secret holding `initial` (no parameters: nothing secret passes through it). */
function secretTemplate(keyVaultName: string, secretName: string, initial: string): string {
  return JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {},
    resources: [
      {
        type: 'Microsoft.KeyVault/vaults/secrets',
        apiVersion: KEY_VAULT_API_VERSION,
        name: `${keyVaultName}/${secretName}`,
        properties: { value: initial, contentType: 'application/json' },
      },
    ],
    // The secret's ARM id (a role assignment scope), never its value.
    outputs: {
      secretId: { type: 'string', value: `[resourceId('Microsoft.KeyVault/vaults/secrets', '${keyVaultName}', '${secretName}')]` },
    },
  });
}

/** Logical id part of a served model's identity (and its federated credential's suffix, with `-`). */
function servingKey(model: string): string {
  return `serve_${model.replace(/-/g, '_')}`;
}

/** Builds the `mlops` stack (state key `<env>/mlops.tfstate`) of an Azure environment with MLOps enabled. */
export function mlopsStack(app: App, ctx: EnvironmentContext<'azure', 'mlops'>): AzureStack<'mlops'> {
  const { env, names } = ctx;
  const settings = env.mlops;
  const mlops = names.mlops;
  const ml = mlops.azure;
  const azure = env.azure;

  const tfNames = mlopsTerraformNames(names.prefix);
  const prod = env.stage === 'prod';
  const workload = workloadStack(app, MLOPS_STACK, ctx, ml.resourceGroupName);
  const { stack, platformIds, resourceGroup, inGroup } = workload;
  stack.addOverride('terraform.required_version', MLOPS_TERRAFORM_REQUIRED_VERSION);

  /** Each endpoint's sub-resource is its target. */
  const privateEndpoint = (target: EndpointTarget, resourceId: string, zones: PrivateDnsZoneKey[]) =>
    workloadPrivateEndpoint(workload, `${target}_private_endpoint`, { target, resourceId, subresource: target, zones });

  // ---- Artifact store: MLflow artifacts and served models. No hierarchical namespace (MLflow's wasbs://
  // and the Azure ML workspace's default storage need a flat blob account).
  const storageAccount = hardenedStorageAccount(stack, ml.storageAccountName, inGroup, {
    // Model files are overwritten in place by new runs: versions and soft delete make that recoverable.
    blobProperties: {
      versioningEnabled: true,
      deleteRetentionPolicy: { days: 7 },
      containerDeleteRetentionPolicy: { days: 7 },
    },
  });
  const containers = {} as Record<MlopsContainer, StorageContainer>;
  for (const name of MLOPS_CONTAINERS) {
    containers[name] = new StorageContainer(stack, `${name}_container`, {
      name,
      // Resource Manager API: its `id` is then the ARM id, usable as a role assignment scope.
      storageAccountId: storageAccount.id,
      containerAccessType: 'private',
    });
  }
  if (prod) privateEndpoint('blob', storageAccount.id, ['blob']);

  // ---- Key Vault: RBAC only (no access policies); its firewall denies everything but trusted services, so the
  // cluster (External Secrets, as MLflow's identity) reaches it over a private endpoint in every stage.
  const keyVault = new KeyVault(stack, 'key_vault', {
    name: ml.keyVaultName,
    ...inGroup,
    tenantId: azure.tenantId,
    skuName: 'standard',
    rbacAuthorizationEnabled: true,
    softDeleteRetentionDays: prod ? 90 : 7,
    // Prod: a deleted vault or secret cannot be purged before its retention ends (nor by an attacker).
    purgeProtectionEnabled: prod,
    publicNetworkAccessEnabled: !prod,
    // Dev: the public endpoint answers trusted Azure services only; the secret is written through ARM.
    networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' },
    ...tagsOf(stack),
  });
  privateEndpoint('vault', keyVault.id, ['vault']);

  const secretIdOf = (deployment: ResourceGroupTemplateDeployment) => templateOutput(deployment, 'secretId');
  // MLflow's user secret: created once; later versions are the database-user Job's.
  const userSecretDeployment = new ResourceGroupTemplateDeployment(stack, 'db_user_secret', {
    name: tfNames.userSecretDeployment,
    resourceGroupName: resourceGroup.name,
    deploymentMode: 'Incremental',
    templateContent: secretTemplate(ml.keyVaultName, ml.dbUserSecret, DB_USER_SECRET_INITIAL),
    // Any update (even of tags) re-deploys the template, a new `{}` version over the Job's password.
    lifecycle: { ignoreChanges: 'all' },
    ...tagsOf(stack),
    dependsOn: [keyVault],
  });
  const userSecretId = secretIdOf(userSecretDeployment);

  // ---- MLflow's backend store: VNet-integrated, private in every stage.
  const { database } = settings;
  const zones = regionZoneCount(env);
  const highAvailability = prod && skuSupportsHighAvailability(database.sku) && zones >= 2;
  const server = new PostgresqlFlexibleServer(stack, 'postgresql_flexible_server', {
    name: ml.postgresServerName,
    ...inGroup,
    version: database.version,
    skuName: database.sku,
    storageMb: flexibleServerStorageMb(database.storageGb),
    autoGrowEnabled: true,
    delegatedSubnetId: platformIds.databaseSubnetId,
    privateDnsZoneId: postgresPrivateDnsZoneId(stack),
    publicNetworkAccessEnabled: false,
    backupRetentionDays: prod ? 14 : 7,
    geoRedundantBackupEnabled: prod,
    // Password auth for MLflow (SQLAlchemy URI); Entra ID auth for people and future passwordless clients.
    authentication: { passwordAuthEnabled: true, activeDirectoryAuthEnabled: true, tenantId: azure.tenantId },
    administratorLogin: mlops.database.admin,
    // Nobody's password: uuid() is evaluated at apply and sent once per DB_PASSWORD_VERSION (see the file comment).
    administratorPasswordWo: Fn.uuid(),
    administratorPasswordWoVersion: DB_PASSWORD_VERSION,
    ...(zones >= 2 ? { zone: '1' } : {}),
    ...(highAvailability ? { highAvailability: { mode: 'ZoneRedundant', standbyAvailabilityZone: '2' } } : {}),
    // Azure swaps the primary and standby zones on failover; Terraform must not swap them back.
    ...(zones >= 2 ? { lifecycle: { ignoreChanges: highAvailability ? ['zone', 'high_availability[0].standby_availability_zone'] : ['zone'] } } : {}),
    ...tagsOf(stack),
  });
  new PostgresqlFlexibleServerDatabase(stack, 'mlflow_database', {
    name: mlops.database.name,
    serverId: server.id,
    charset: 'UTF8',
    collation: 'en_US.utf8',
  });

  // ---- Pod identities, each trusting exactly one service account of this cluster; synth reads the client
  // ids (values only Entra ID assigns) from `terraform output -json` (src/outputs/<env>/mlops.json).
  const identity = (key: string, name: string, serviceAccount: string, clientIdOutput: string, label: string) =>
    serviceAccountIdentity(workload, key, { name, namespace: mlops.namespace, serviceAccount, clientIdOutput, label });
  const identities: Record<string, UserAssignedIdentity> = {
    mlflow: identity('mlflow', ml.mlflowIdentityName, mlops.mlflowServiceAccount, MLOPS_OUTPUTS.mlflowClientId, 'MLflow tracking server'),
    mlflow_db_admin: identity(
      'mlflow_db_admin',
      ml.dbAdminIdentityName,
      mlops.dbAdminServiceAccount,
      MLOPS_OUTPUTS.dbAdminClientId,
      'MLflow database-user Job',
    ),
    training: identity('training', ml.trainingIdentityName, mlops.trainingServiceAccount, MLOPS_OUTPUTS.trainingClientId, 'training jobs'),
  };
  for (const m of settings.models) {
    const key = servingKey(m.name);
    identities[key] = identity(
      key,
      ml.servingIdentityName(m.name),
      mlops.servingServiceAccount(m.name),
      MLOPS_OUTPUTS.servingClientId(m.name),
      `model server ${m.name}`,
    );
  }

  // The database-user Job signs in to the server as its Entra ID administrator: its identity's name is the login,
  // an access token the password (a managed identity is a service principal to Entra ID).
  new PostgresqlFlexibleServerActiveDirectoryAdministrator(stack, 'mlflow_db_admin_entra_administrator', {
    serverName: server.name,
    resourceGroupName: resourceGroup.name,
    tenantId: azure.tenantId,
    objectId: identities.mlflow_db_admin.principalId,
    principalName: identities.mlflow_db_admin.name,
    principalType: 'ServicePrincipal',
  });

  // Least roles that work, each on one resource: a single secret or a single container.
  const grants: { principal: string; target: string; scope: string; roleName: string }[] = [
    // External Secrets reads MLflow's own credentials as MLflow's service account: that one secret, read only.
    { principal: 'mlflow', target: 'db_user_secret', scope: userSecretId, roleName: 'Key Vault Secrets User' },
    // The database-user Job writes new versions of MLflow's secret. Officer is the narrowest built-in role that sets
    // a secret (it may delete too; purge protection keeps prod's recoverable).
    { principal: 'mlflow_db_admin', target: 'db_user_secret', scope: userSecretId, roleName: 'Key Vault Secrets Officer' },
    { principal: 'mlflow', target: 'mlflow_container', scope: containers.mlflow.id, roleName: 'Storage Blob Data Contributor' },
    // Training runs log artifacts straight to the artifact root (wasbs://mlflow@...).
    { principal: 'training', target: 'mlflow_container', scope: containers.mlflow.id, roleName: 'Storage Blob Data Contributor' },
    // Model servers (KServe / Seldon storage initializers) only read the models container.
    ...settings.models.map((m) => ({
      principal: servingKey(m.name),
      target: 'models_container',
      scope: containers.models.id,
      roleName: 'Storage Blob Data Reader',
    })),
  ];
  for (const { principal, target, scope, roleName } of grants) {
    roleAssignment(stack, `${principal}_${target}_role_assignment`, { scope, roleName, principalId: identities[principal].principalId });
  }

  // ---- Managed burst: Azure ML workspace and a GPU compute cluster that scales from 0.
  if (settings.burst.enabled) {
    const logAnalytics = new LogAnalyticsWorkspace(stack, 'log_analytics_workspace', {
      name: tfNames.logAnalytics,
      ...inGroup,
      sku: 'PerGB2018',
      retentionInDays: LOG_RETENTION_DAYS[env.stage],
      ...WORKSPACE_ACCESS,
      ...tagsOf(stack),
    });
    const appInsights = new ApplicationInsights(stack, 'application_insights', {
      name: tfNames.applicationInsights,
      ...inGroup,
      applicationType: 'web',
      // Workspace-based (classic Application Insights is retired).
      workspaceId: logAnalytics.id,
      // Telemetry authenticated with Entra ID only (the platform's monitoring settings).
      ...APPLICATION_INSIGHTS_ACCESS,
      ...tagsOf(stack),
    });
    const workspaceDeployment = new ResourceGroupTemplateDeployment(stack, 'machine_learning_workspace', {
      name: tfNames.mlWorkspaceDeployment,
      resourceGroupName: resourceGroup.name,
      deploymentMode: 'Incremental',
      templateContent: mlWorkspaceTemplate({ name: ml.mlWorkspaceName, publicNetworkAccess: !prod, imageBuildCompute: tfNames.imageBuildCluster }),
      parametersContent: Fn.jsonencode({
        storageAccountId: { value: storageAccount.id },
        keyVaultId: { value: keyVault.id },
        applicationInsightsId: { value: appInsights.id },
        containerRegistryId: { value: platformIds.containerRegistryId },
        tags: { value: tagsOf(stack).tags },
      }),
      ...tagsOf(stack),
    });
    const workspaceOutput = (key: string) => templateOutput(workspaceDeployment, key);
    const workspaceId = workspaceOutput('workspaceId');
    const blobstoreScope = `${storageAccount.id}/blobServices/default/containers/${workspaceBlobstoreContainer(workspaceOutput('workspaceGuid'))}`;
    if (prod) {
      privateEndpoint('amlworkspace', workspaceId, ['amlapi', 'amlnotebooks']);
      // The workspace's file store (workspacefilestore) is on the same account; blob has its endpoint above.
      privateEndpoint('file', storageAccount.id, ['file']);
    }

    // Images are built inside the VNet and pushed to the platform registry by their own identity: training
    // jobs can pull from the registry the AKS nodes pull from, but not push to it.
    const imageBuild = new UserAssignedIdentity(stack, 'image_build_identity', { name: tfNames.imageBuildIdentity, ...inGroup, ...tagsOf(stack) });
    // The compute identity (the first user-assigned one) mounts datastores and pulls images for the job.
    // Azure ML grants AcrPull automatically only to a cluster's system identity, and only on the workspace's
    // registry when it existed first. No Key Vault role: jobs read no secret, and the vault's secrets are
    // MLflow's database credentials. No Azure Files role: jobs do not use workspacefilestore (notebooks do,
    // as the user).
    const burstGrants = [
      roleAssignment(stack, 'training_container_registry_role_assignment', {
        scope: platformIds.containerRegistryId,
        roleName: 'AcrPull',
        principalId: identities.training.principalId,
      }),
      roleAssignment(stack, 'training_ml_blobstore_role_assignment', {
        scope: blobstoreScope,
        roleName: 'Storage Blob Data Contributor',
        principalId: identities.training.principalId,
      }),
      roleAssignment(stack, 'image_build_container_registry_role_assignment', {
        scope: platformIds.containerRegistryId,
        roleName: 'AcrPush',
        principalId: imageBuild.principalId,
      }),
      // The build context (the environment's Dockerfile and files) is uploaded to the blob store.
      roleAssignment(stack, 'image_build_ml_blobstore_role_assignment', {
        scope: blobstoreScope,
        roleName: 'Storage Blob Data Reader',
        principalId: imageBuild.principalId,
      }),
    ];

    const cluster = (id: string, config: { name: string; vmSize: string; vmPriority: string; maxNodes: number; identity: UserAssignedIdentity }) =>
      new MachineLearningComputeCluster(stack, id, {
        name: config.name,
        location: resourceGroup.location,
        machineLearningWorkspaceId: workspaceId,
        vmSize: config.vmSize,
        vmPriority: config.vmPriority,
        // Nothing runs (or is billed) between jobs; idle nodes go after 15 minutes.
        scaleSettings: { minNodeCount: 0, maxNodeCount: config.maxNodes, scaleDownNodesAfterIdleDuration: 'PT15M' },
        // The cluster's user node subnet: egress through the platform NAT, blob/file/vault/registry over private endpoints.
        subnetResourceId: platformIds.userSubnetId,
        nodePublicIpEnabled: false,
        sshPublicAccessEnabled: false,
        localAuthEnabled: false,
        identity: { type: 'UserAssigned', identityIds: [config.identity.id] },
        ...tagsOf(stack),
        // The first job (or build) on a new cluster already has its roles.
        dependsOn: burstGrants,
      });
    // Burst jobs act as the training identity: the same artifact-store rights as in-cluster training.
    cluster('machine_learning_compute_cluster', {
      name: tfNames.computeCluster,
      vmSize: settings.burst.vmSize,
      vmPriority: settings.burst.lowPriority ? 'LowPriority' : 'Dedicated',
      maxNodes: settings.burst.maxNodes,
      identity: identities.training,
    });
    // Dedicated: an evicted low-priority node would fail the build of the environment a job waits for.
    cluster('image_build_compute_cluster', {
      name: tfNames.imageBuildCluster,
      vmSize: IMAGE_BUILD_VM_SIZE,
      vmPriority: 'Dedicated',
      maxNodes: 1,
      identity: imageBuild,
    });
  }

  new TerraformOutput(stack, 'postgres_host', { value: server.fqdn, description: 'MLflow PostgreSQL host (private DNS in the VNet).' });
  new TerraformOutput(stack, 'key_vault_url', {
    value: keyVault.vaultUri,
    description: "Key Vault of MLflow's database credentials (External Secrets, the database-user Job).",
  });

  return stack;
}
