/**
 * The environment page, dist/<env>/README.md: what a reviewer sees first in a pull request. A Mermaid diagram
 * (GitHub draws it) of the network, the cluster with its pools and workloads and the cloud services each workload
 * uses; the operators at their pinned versions; the estimated monthly cost. Written from the model and the
 * Terraform documents only, in a fixed order, so a change shows as the few lines it changes.
 */
import { chartVersion, OPERATORS, operatorsFor } from '../model/operators';
import { MONITORING_NAMESPACE } from '../model/observability';
import { OPENCOST_NAME, OPENCOST_PORT, OPENCOST_VERSION } from '../model/opencost';
import type { Cloud, Environment, WorkloadName } from '../model/types';
import { WORKLOAD_NAMES } from '../model/types';
import type { Estimate, TerraformDocument } from '../cost/estimate';
import { amount, estimateMarkdown } from '../cost/format';

/** What each workload runs in the cluster, as the diagram labels it. */
const WORKLOAD_LABELS: Readonly<Record<WorkloadName, string>> = {
  edw: 'event-driven consumers<br/>KEDA-scaled, on Spot',
  rag: 'RAG API and Milvus',
  mlops: 'MLflow, model serving<br/>and training',
  lakehouse: 'Spark jobs<br/>bronze, silver, gold',
};

/** The cloud services the diagram shows, by Terraform type: one table per cloud. */
const SERVICES: Readonly<
  Record<
    Cloud,
    Readonly<
      Record<
        string,
        { readonly label: (body: Readonly<Record<string, unknown>>, name: string) => string; readonly shape: 'store' | 'service'; readonly one?: true }
      >
    >
  >
> = {
  aws: {
    aws_s3_bucket: { label: (_, name) => `S3 ${name}`, shape: 'store' },
    aws_db_instance: { label: (b) => `RDS PostgreSQL<br/>${String(b.instance_class)}`, shape: 'store' },
    aws_dynamodb_table: { label: () => 'DynamoDB table', shape: 'store' },
    aws_sqs_queue: { label: (b) => `SQS ${String(b.name)}`, shape: 'service' },
    aws_glue_crawler: { label: () => 'Glue crawler', shape: 'service', one: true },
    aws_glue_catalog_database: { label: (b) => `Glue database ${String(b.name)}`, shape: 'store' },
    aws_prometheus_workspace: { label: () => 'Managed Prometheus', shape: 'service', one: true },
    aws_ecr_repository: { label: () => 'ECR', shape: 'store', one: true },
    aws_secretsmanager_secret: { label: () => 'Secrets Manager', shape: 'store', one: true },
  },
  azure: {
    azurerm_storage_account: { label: (b) => `Storage ${String(b.name)}`, shape: 'store' },
    azurerm_postgresql_flexible_server: { label: (b) => `PostgreSQL<br/>${String(b.sku_name)}`, shape: 'store' },
    azurerm_cognitive_account: { label: () => 'Azure OpenAI', shape: 'service' },
    azurerm_data_factory: { label: () => 'Data Factory', shape: 'service' },
    azurerm_purview_account: { label: () => 'Purview', shape: 'service' },
    azurerm_key_vault: { label: () => 'Key Vault', shape: 'store' },
    azurerm_monitor_workspace: { label: () => 'Azure Monitor workspace', shape: 'service' },
    azurerm_container_registry: { label: (b) => `Container Registry ${String(b.sku)}`, shape: 'store' },
  },
};

const CLOUD_WORDS: Readonly<Record<Cloud, { readonly network: string; readonly cluster: string; readonly endpoints: string }>> = {
  aws: { network: 'VPC', cluster: 'EKS', endpoints: 'interface VPC endpoints' },
  azure: { network: 'VNet', cluster: 'AKS', endpoints: 'private endpoints' },
};

const id = (s: string) => s.replace(/[^A-Za-z0-9]/g, '_');
/** A Mermaid label: no quotes or brackets that would end it early. */
const text = (s: string) => s.replace(/["[\]{}()|]/g, ' ').replace(/ +/g, ' ');

/** The Mermaid flowchart of the environment. */
export function architectureDiagram(env: Environment, stacks: ReadonlyMap<string, TerraformDocument>): string[] {
  const words = CLOUD_WORDS[env.cloud];
  const c = env.cluster;
  const node = (key: string, label: string, shape: 'box' | 'store' = 'box') => (shape === 'store' ? `${key}[("${text(label)}")]` : `${key}["${text(label)}"]`);
  const out = ['flowchart LR'];
  out.push(`  subgraph net["${words.network} ${env.network.cidr}, ${env.network.zones} zones, ${env.region}"]`);
  out.push(`    subgraph cluster["${words.cluster} ${c.kubernetesVersion}, ${c.privateApi ? 'private' : 'public'} API"]`);
  const pool = (key: string, label: string, sizes: readonly string[], min: number, max: number) =>
    out.push(`      ${node(`pool_${id(key)}`, `${label}<br/>${sizes.join(', ')}<br/>${min} to ${max} nodes`)}`);
  pool('system', 'system pool', c.systemPool.sizes, c.systemPool.min, c.systemPool.max);
  for (const p of c.gpuPools) pool(p.name, `GPU pool ${p.name}, ${p.capacity}`, p.sizes, p.min, p.max);
  for (const p of c.spotPools) pool(p.name, `Spot pool ${p.name}`, p.sizes, p.min, p.max);
  const workloads = WORKLOAD_NAMES.filter((w) => env.workloads[w]);
  for (const w of workloads) out.push(`      ${node(`w_${w}`, WORKLOAD_LABELS[w])}`);
  if (env.observability.enabled) out.push(`      ${node('monitoring', 'Prometheus, Alertmanager<br/>and Grafana')}`);
  out.push('    end');
  const endpoints = privateEndpoints(env.cloud, stacks);
  if (endpoints.length > 0) out.push(`    ${node('endpoints', `${endpoints.length} ${words.endpoints}`)}`);
  out.push('  end');

  const edges: string[] = [];
  for (const [stack, doc] of [...stacks].sort(([a], [b]) => a.localeCompare(b))) {
    const from = stack === 'platform' ? 'cluster' : `w_${stack}`;
    if (stack !== 'platform' && !workloads.includes(stack as WorkloadName)) continue;
    for (const [type, service] of Object.entries(SERVICES[env.cloud])) {
      const names = Object.keys(doc.resource?.[type] ?? {}).sort();
      // One node per resource, or per type and stack where the resources are one service (ECR's repositories are one registry).
      const shown = service.one ? names.slice(0, 1) : names;
      for (const name of shown) {
        const key = `s_${id(stack)}_${id(type)}_${id(name)}`;
        out.push(`  ${node(key, service.label(doc.resource![type][name], name), service.shape === 'store' ? 'store' : 'box')}`);
        edges.push(`  ${from} --> ${key}`);
      }
    }
  }
  if (env.cloud === 'aws' && env.rag) {
    out.push(`  ${node('bedrock', `Bedrock<br/>${env.rag.bedrock.chatModelId}<br/>${env.rag.bedrock.embeddingModelId}`)}`);
    edges.push(`  w_rag --> ${endpoints.length > 0 ? 'endpoints --> ' : ''}bedrock`);
  }
  if (env.gitops) {
    out.push(`  ${node('gitops', `${env.gitops.tool === 'argocd' ? 'Argo CD' : 'Flux'} syncs ${env.gitops.basePath}/${env.name}`)}`);
    edges.push('  gitops --> cluster');
  }
  return [...out, ...edges];
}

/** The private endpoints in the documents: interface VPC endpoints (AWS), private endpoints (Azure). */
function privateEndpoints(cloud: Cloud, stacks: ReadonlyMap<string, TerraformDocument>): string[] {
  const type = cloud === 'aws' ? 'aws_vpc_endpoint' : 'azurerm_private_endpoint';
  const out: string[] = [];
  for (const doc of stacks.values())
    for (const [name, body] of Object.entries(doc.resource?.[type] ?? {})) if (cloud === 'azure' || body.vpc_endpoint_type === 'Interface') out.push(name);
  return out.sort();
}

/** The page: a title, the diagram, the operators, the cost. */
export function environmentPage(env: Environment, stacks: ReadonlyMap<string, TerraformDocument>, estimate: Estimate): string {
  const lines = [
    `# ${env.name}`,
    '',
    '<!-- Written by npm run synth from the model: edit the model, not this file. -->',
    '',
    `${env.cloud === 'aws' ? 'AWS' : 'Azure'} ${env.region}, ${env.stage}; Kubernetes ${env.cluster.kubernetesVersion}; workloads: ${WORKLOAD_NAMES.filter((w) => env.workloads[w]).join(', ') || 'none'}.`,
    '',
    '## Architecture',
    '',
    '```mermaid',
    ...architectureDiagram(env, stacks),
    '```',
    '',
    '## Operators',
    '',
    '| release | chart | version | namespace |',
    '| --- | --- | --- | --- |',
    ...operatorsFor(env).map((name) => {
      const r = OPERATORS[name];
      return `| ${name} | ${r.chart} | ${chartVersion(r, env.cluster.kubernetesVersion)} | ${r.namespace} |`;
    }),
    ...(env.observability.opencost
      ? [
          '',
          `OpenCost ${OPENCOST_VERSION} (written by synth, not its chart) allocates the cluster's cost in ${MONITORING_NAMESPACE}: \`kubectl -n ${MONITORING_NAMESPACE} port-forward deploy/${OPENCOST_NAME} ${OPENCOST_PORT.port}\`, then \`curl 'localhost:${OPENCOST_PORT.port}/allocation?window=7d&aggregate=namespace'\`.`,
        ]
      : []),
    '',
    '## Estimated monthly cost',
    '',
    ...estimateMarkdown(estimate),
    ...(env.budget
      ? [
          `- budget: $${amount(env.budget.monthlyUsd)} a month (\`budget\`), alerting ${env.budget.contacts.join(', ')} at ${env.budget.alertPercents.join(', ')} % of actual spend and at 100 % forecast; the typical estimate is ${Math.round((estimate.total.typical / env.budget.monthlyUsd) * 100)} % of it`,
        ]
      : []),
    '',
  ];
  return lines.join('\n');
}
