/** Policy rules over Azure Terraform resources. */
import { allResources, blocks, isFalse, isTrue, ofType, refersTo } from './references';
import type { PolicyContext, PolicyRule, Violation } from './rule';

type Check = (ctx: PolicyContext, body: Record<string, any>) => string | undefined;

/** A rule that checks each resource of some types on its own. */
function perResource(id: string, reason: string, types: readonly string[], check: Check): PolicyRule {
  return {
    id,
    reason,
    check: (ctx) =>
      types.flatMap((type) =>
        ofType(ctx.env, type).flatMap((r) => {
          const message = check(ctx, r.body);
          return message ? [{ file: r.file, resource: r.address, message }] : [];
        }),
      ),
  };
}

const STORAGE = ['azurerm_storage_account'];

/** Attribute that switches public network access off, per resource type. */
const PUBLIC_NETWORK_ATTRIBUTE: Record<string, string> = {
  azurerm_cognitive_account: 'public_network_access_enabled',
  azurerm_key_vault: 'public_network_access_enabled',
  azurerm_postgresql_flexible_server: 'public_network_access_enabled',
  azurerm_data_factory: 'public_network_enabled',
  azurerm_container_registry: 'public_network_access_enabled',
  azurerm_search_service: 'public_network_access_enabled',
};

/** The Azure ML workspaces an ARM template deployment creates (`template_content` is a JSON string). */
function templateWorkspaces(body: Record<string, any>): Record<string, any>[] {
  if (typeof body.template_content !== 'string') return [];
  try {
    const resources = JSON.parse(body.template_content).resources;
    return Array.isArray(resources) ? resources.filter((r) => r?.type === 'Microsoft.MachineLearningServices/workspaces') : [];
  } catch {
    return [];
  }
}

const SUBSCRIPTION_SCOPE = /^\/subscriptions\/[0-9a-fA-F-]{36}\/?$/;
const FEDERATED_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

export const azureRules: PolicyRule[] = [
  perResource('storage-https-only', 'Storage accepts encrypted transport only.', STORAGE, (_ctx, b) =>
    isFalse(b.https_traffic_only_enabled) ? 'https_traffic_only_enabled is false' : undefined,
  ),
  perResource('storage-tls12', 'TLS below 1.2 has known weaknesses.', STORAGE, (_ctx, b) =>
    b.min_tls_version !== undefined && b.min_tls_version !== 'TLS1_2' && b.min_tls_version !== 'TLS1_3' ? `min_tls_version is ${b.min_tls_version}` : undefined,
  ),
  perResource('storage-no-public-blob', 'No container may be opened to anonymous reads.', STORAGE, (_ctx, b) =>
    isFalse(b.allow_nested_items_to_be_public) ? undefined : 'allow_nested_items_to_be_public is not false (the provider default allows public containers)',
  ),
  perResource('storage-shared-key-disabled', 'Identities, not account keys, authorise access; a leaked key cannot be scoped or audited.', STORAGE, (_ctx, b) =>
    isFalse(b.shared_access_key_enabled) ? undefined : 'shared_access_key_enabled is not false',
  ),
  perResource('storage-private-in-prod', 'Prod data is reachable only through private endpoints.', STORAGE, (ctx, b) =>
    ctx.stage === 'prod' && !isFalse(b.public_network_access_enabled) ? 'public_network_access_enabled is not false in prod' : undefined,
  ),
  {
    id: 'azure-no-public-network-in-prod',
    reason: 'Prod AI, secret, database and data-integration services are reachable only through private endpoints.',
    check: (ctx) =>
      ctx.stage !== 'prod'
        ? []
        : Object.entries(PUBLIC_NETWORK_ATTRIBUTE).flatMap(([type, attribute]) =>
            ofType(ctx.env, type)
              .filter((r) => !isFalse(r.body[attribute]))
              .map((r) => ({ file: r.file, resource: r.address, message: `${attribute} is not false in prod` })),
          ),
  },
  {
    id: 'azure-ml-workspace-identity-datastores',
    reason:
      'Workload storage accounts have shared keys disabled: an ML workspace whose system datastores use account keys (the only mode azurerm 4.x can create) cannot read or write its default datastores, and a prod workspace is private.',
    check: (ctx) => [
      ...ofType(ctx.env, 'azurerm_machine_learning_workspace').map((r) => ({
        file: r.file,
        resource: r.address,
        message: 'azurerm_machine_learning_workspace cannot set systemDatastoresAuthMode: deploy the workspace by ARM template with "identity"',
      })),
      ...ofType(ctx.env, 'azurerm_resource_group_template_deployment').flatMap((r) =>
        templateWorkspaces(r.body).flatMap((w): Violation[] => {
          const props = w.properties ?? {};
          const problems = [
            String(props.systemDatastoresAuthMode).toLowerCase() !== 'identity'
              ? `systemDatastoresAuthMode is ${JSON.stringify(props.systemDatastoresAuthMode)}, not "identity"`
              : '',
            ctx.stage === 'prod' && props.publicNetworkAccess !== 'Disabled' ? 'publicNetworkAccess is not "Disabled" in prod' : '',
          ].filter(Boolean);
          return problems.map((message) => ({ file: r.file, resource: r.address, message: `workspace ${w.name}: ${message}` }));
        }),
      ),
    ],
  },
  perResource('aks-private-api', 'A prod cluster API is reachable only from the private network.', ['azurerm_kubernetes_cluster'], (ctx, b) =>
    ctx.stage === 'prod' && !isTrue(b.private_cluster_enabled) ? 'private_cluster_enabled is not true in prod' : undefined,
  ),
  perResource(
    'aks-entra-rbac',
    'Cluster access is granted to Entra ID identities through Azure RBAC, never shared local credentials.',
    ['azurerm_kubernetes_cluster'],
    (_ctx, b) => {
      const rbac = blocks(b.azure_active_directory_role_based_access_control)[0];
      if (!rbac || !isTrue(rbac.azure_rbac_enabled)) return 'azure_active_directory_role_based_access_control.azure_rbac_enabled is not true';
      if (!isTrue(b.local_account_disabled)) return 'local_account_disabled is not true';
      return undefined;
    },
  ),
  {
    id: 'aks-control-plane-logging',
    reason: 'API server and audit logs are kept for incident response.',
    check: (ctx) =>
      ofType(ctx.env, 'azurerm_kubernetes_cluster').flatMap((cluster) => {
        const settings = ofType(ctx.env, 'azurerm_monitor_diagnostic_setting').filter((d) => refersTo(d.body.target_resource_id, cluster.address));
        const categories = settings.flatMap((s) => blocks(s.body.enabled_log)).map((l) => l.category ?? l.category_group);
        const missing = ['kube-apiserver'].filter((c) => !categories.includes(c));
        if (!categories.some((c) => c === 'kube-audit' || c === 'kube-audit-admin' || c === 'audit' || c === 'allLogs'))
          missing.push('kube-audit or kube-audit-admin');
        return missing.length ? [{ file: cluster.file, resource: cluster.address, message: `no diagnostic setting sends ${missing.join(', ')}` }] : [];
      }),
  },
  perResource(
    'azure-federated-credential-one-sa',
    'A workload identity trusts exactly one service account.',
    ['azurerm_federated_identity_credential'],
    (_ctx, b) => {
      if (typeof b.subject !== 'string' || !FEDERATED_SUBJECT.test(b.subject))
        return `subject ${JSON.stringify(b.subject)} is not one system:serviceaccount:<namespace>:<name>`;
      const audience = Array.isArray(b.audience) ? b.audience : [];
      return audience.length === 1 && audience[0] === 'api://AzureADTokenExchange' ? undefined : 'audience must be exactly ["api://AzureADTokenExchange"]';
    },
  ),
  {
    id: 'azure-role-assignment-scope',
    reason: 'Roles are granted on the resource that needs them, never a whole subscription or management group.',
    check: (ctx) =>
      allResources(ctx.env)
        .filter((r) => r.type === 'azurerm_role_assignment')
        .flatMap((r): Violation[] => {
          const scope = r.body.scope;
          const bad =
            typeof scope !== 'string' ||
            SUBSCRIPTION_SCOPE.test(scope) ||
            scope.startsWith('/providers/Microsoft.Management/managementGroups/') ||
            scope === '/' ||
            /\$\{data\.azurerm_subscription\.[\w-]+\.id\}$/.test(scope);
          return bad ? [{ file: r.file, resource: r.address, message: `scope ${JSON.stringify(scope)} is a subscription or wider` }] : [];
        }),
  },
];
