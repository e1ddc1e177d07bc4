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

/**
 * Resources the cluster reaches whose firewall can shut it out: denied by `network_acls` / `network_rules`
 * (default_action Deny) or with public network access off. Each needs a path in: a private endpoint to it, or a
 * VNet rule for a subnet (the NAT address is assigned by Azure, so an IP rule cannot be checked offline).
 */
const FIREWALLED: Record<string, { readonly acls: string; readonly subnets: string; readonly publicAccess: string }> = {
  azurerm_key_vault: { acls: 'network_acls', subnets: 'virtual_network_subnet_ids', publicAccess: 'public_network_access_enabled' },
  azurerm_storage_account: { acls: 'network_rules', subnets: 'virtual_network_subnet_ids', publicAccess: 'public_network_access_enabled' },
  azurerm_cognitive_account: { acls: 'network_acls', subnets: 'virtual_network_rules', publicAccess: 'public_network_access_enabled' },
};

/** The resource provider namespace of each azurerm type the stacks use, and azurerm 4.x's `core` set (internal/resourceproviders/required.go). */
const RESOURCE_PROVIDER_OF: ReadonlyArray<readonly [RegExp, string]> = [
  [/^azurerm_kubernetes_/, 'Microsoft.ContainerService'],
  [/^azurerm_container_registry/, 'Microsoft.ContainerRegistry'],
  [/^azurerm_log_analytics_/, 'Microsoft.OperationalInsights'],
  [/^azurerm_(monitor_|application_insights)/, 'microsoft.insights'],
  [/^azurerm_key_vault/, 'Microsoft.KeyVault'],
  [/^azurerm_postgresql_flexible_/, 'Microsoft.DBforPostgreSQL'],
  [/^azurerm_machine_learning_/, 'Microsoft.MachineLearningServices'],
  [/^azurerm_cognitive_/, 'Microsoft.CognitiveServices'],
  [/^azurerm_data_factory/, 'Microsoft.DataFactory'],
  [/^azurerm_purview_/, 'Microsoft.Purview'],
];
const CORE_RESOURCE_PROVIDERS = [
  'Microsoft.Authorization',
  'Microsoft.Compute',
  'Microsoft.CostManagement',
  'Microsoft.ManagedIdentity',
  'Microsoft.MarketplaceOrdering',
  'Microsoft.Network',
  'Microsoft.Resources',
  'Microsoft.Storage',
];

/** AKS labels every Spot node so; a pool's node_labels replace its whole label set, so a Spot pool must declare it. */
const SPOT_LABEL = { key: 'kubernetes.azure.com/scalesetpriority', value: 'spot' };
const SPOT_TAINT = 'kubernetes.azure.com/scalesetpriority=spot:NoSchedule';
/** azurerm's KubernetesAgentPoolName, for pool names and temporary_name_for_rotation. */
const AGENT_POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;

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
    id: 'azure-firewalled-resource-reachable',
    reason: 'A resource whose firewall denies by default needs a private endpoint or a subnet rule, or the cluster is refused (403) at run time.',
    check: (ctx) =>
      Object.entries(FIREWALLED).flatMap(([type, attrs]) =>
        ofType(ctx.env, type).flatMap((r): Violation[] => {
          const acls = blocks(r.body[attrs.acls])[0];
          const denied = isFalse(r.body[attrs.publicAccess]) || acls?.default_action === 'Deny';
          if (!denied) return [];
          const endpoints = ofType(ctx.env, 'azurerm_private_endpoint').filter(
            (pe) => pe.file === r.file && blocks(pe.body.private_service_connection).some((c) => refersTo(c.private_connection_resource_id, r.address)),
          );
          const subnetRules = [acls?.[attrs.subnets]].flat().filter((v) => v !== undefined && v !== null);
          if (endpoints.length > 0 || subnetRules.length > 0) return [];
          const why = isFalse(r.body[attrs.publicAccess]) ? `${attrs.publicAccess} is false` : `${attrs.acls}.default_action is Deny`;
          return [
            {
              file: r.file,
              resource: r.address,
              message: `${why}, and no private endpoint of this stack or ${attrs.acls}.${attrs.subnets} lets the cluster in`,
            },
          ];
        }),
      ),
  },
  perResource(
    'aks-spot-pool-labels',
    'AKS labels and taints Spot nodes kubernetes.azure.com/scalesetpriority=spot; a pool that does not declare both drifts on every plan, and an apply strips the label Spot pods select.',
    ['azurerm_kubernetes_cluster_node_pool'],
    (_ctx, b) => {
      if (b.priority !== 'Spot') return undefined;
      const labels = (b.node_labels ?? {}) as Record<string, unknown>;
      if (labels[SPOT_LABEL.key] !== SPOT_LABEL.value) return `node_labels has no ${SPOT_LABEL.key}=${SPOT_LABEL.value}`;
      return [b.node_taints].flat().includes(SPOT_TAINT) ? undefined : `node_taints has no ${SPOT_TAINT}`;
    },
  ),
  {
    id: 'aks-node-pool-rotation-name',
    reason: 'Changes to vm_size, zones and other pool properties cycle the pool through a temporary one, and azurerm 4.x refuses them without its name.',
    check: (ctx) => {
      const pools = [
        ...ofType(ctx.env, 'azurerm_kubernetes_cluster').flatMap((c) =>
          blocks(c.body.default_node_pool).map((p) => ({ ref: c, body: p, where: 'default_node_pool.' })),
        ),
        ...ofType(ctx.env, 'azurerm_kubernetes_cluster_node_pool').map((p) => ({ ref: p, body: p.body, where: '' })),
      ];
      const names = new Set(pools.map((p) => p.body.name));
      return pools.flatMap(({ ref, body, where }): Violation[] => {
        const temp = body.temporary_name_for_rotation;
        const problem =
          typeof temp !== 'string'
            ? 'is not set'
            : !AGENT_POOL_NAME.test(temp)
              ? `${JSON.stringify(temp)} is not 1–12 lowercase letters and digits starting with a letter`
              : names.has(temp)
                ? `${JSON.stringify(temp)} is the name of a pool of the cluster`
                : undefined;
        return problem ? [{ file: ref.file, resource: ref.address, message: `${where}temporary_name_for_rotation ${problem}` }] : [];
      });
    },
  },
  {
    id: 'azure-resource-providers-registered',
    reason:
      'A resource whose provider namespace is not registered in the subscription fails to create (MissingSubscriptionRegistration); azurerm registers only what its provider block asks for.',
    check: (ctx) =>
      ctx.env.terraform.flatMap((tf): Violation[] => {
        const providers = blocks((tf.json as any).provider?.azurerm);
        if (providers.length === 0) return [];
        const sets = providers.map((p) => p.resource_provider_registrations);
        // `extended` and `all` are not modelled here: trust them.
        if (sets.some((set) => set === 'extended' || set === 'all')) return [];
        // Unset means azurerm's `legacy` set, which has no Microsoft.Purview: this rule asks for an explicit set.
        const explicit = sets.every((set) => set === 'core' || set === 'none');
        const registered = new Set(
          providers.flatMap((p) => [
            ...(p.resource_provider_registrations === 'core' ? CORE_RESOURCE_PROVIDERS : []),
            ...[p.resource_providers_to_register ?? []].flat(),
          ]),
        );
        const out: Violation[] = [];
        const seen = new Set<string>();
        for (const [type, byName] of Object.entries(tf.json.resource ?? {})) {
          const namespace = RESOURCE_PROVIDER_OF.find(([re]) => re.test(type))?.[1];
          if (!namespace || registered.has(namespace) || seen.has(namespace)) continue;
          seen.add(namespace);
          out.push({
            file: tf.file,
            resource: `${type}.${Object.keys(byName)[0]}`,
            message: explicit
              ? `${namespace} is not in resource_providers_to_register (nor in azurerm's core set)`
              : `resource_provider_registrations is not core or none (unset: azurerm's legacy set); name the set and list ${namespace} in resource_providers_to_register`,
          });
        }
        return out;
      }),
  },
  {
    id: 'azure-monitoring-local-auth-disabled',
    reason: 'Workspace keys and instrumentation keys cannot be scoped or audited; logs and telemetry are written and read with Entra ID only.',
    check: (ctx) => [
      ...ofType(ctx.env, 'azurerm_log_analytics_workspace')
        .filter((r) => !isFalse(r.body.local_authentication_enabled) && !isTrue(r.body.local_authentication_disabled))
        .map((r) => ({ file: r.file, resource: r.address, message: 'local_authentication_enabled is not false' })),
      ...ofType(ctx.env, 'azurerm_application_insights')
        .filter((r) => !isTrue(r.body.local_authentication_disabled))
        .map((r) => ({ file: r.file, resource: r.address, message: 'local_authentication_disabled is not true' })),
    ],
  },
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
