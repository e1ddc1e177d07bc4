/**
 * The rules a platform model must satisfy beyond its shape. Every rule appends problems with the
 * path of the offending value and what was expected; nothing stops at the first problem.
 * Rules read the raw spec defensively, since they also run on specs whose shape is wrong.
 */
import { hasOwnKey, ownEntry } from './lookup';
import { DEFAULT_POD_CIDR, DEFAULT_SERVICE_CIDR, STANDARD_TAG_KEYS, usesSpot } from './defaults';
import {
  CLUSTER_AUTOSCALER_CHART_VERSIONS,
  DEFAULT_EKS_AMI_RELEASE,
  EKS_ADDON_VERSIONS,
  EKS_AL2023_AMI_RELEASES,
  KUBERNETES_VERSIONS,
  REGIONS,
  describeSize,
  offeredVersions,
} from './catalog';
import { elasticNodeGroups } from './scheduling';
import { cidrsOverlap, formatCidr, hasHostBits, parseCidr, type Cidr } from './cidr';
import { defaultAwsStateBucket, defaultAzureStateStorageAccount } from './naming';
import type { Problem } from './problems';
import { isInt, isString, q, DNS_LABEL, storageAccountNameProblem, type Report, CONTAINER_NAME } from './rules';
import { WORKLOADS } from './workloads';
import { CLOUDS } from './cloud';
import type { Cloud, EnvironmentSpec, NodePoolSpec, PlatformSpec } from './types';
import { WORKLOAD_NAMES } from './types';
import { WAIVABLE_RULE_IDS } from './waivable-rules';
import { OBSERVABILITY_LIMITS, resolveObservability } from './observability';
import { usageFigures } from './usage';
import { budgetProblems } from './budget';

const PLATFORM_NAME = /^[a-z][a-z0-9]{1,7}$/;
const POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;
const ACCOUNT_ID = /^\d{12}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ECR_REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const ADDON_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;
const AMI_ALIAS = /^(al2023|bottlerocket)@v\d+(\.\d+\.\d+)?$/;
const ENVIRONMENT_NAME_MAX = 20;

/** S3 bucket naming rules (general purpose buckets). Returns what is wrong, or undefined. */
export function s3BucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3–63 characters';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return 'must be lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
  if (name.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'must not look like an IP address';
  if (name.startsWith('xn--') || name.startsWith('sthree-')) return 'must not start with "xn--" or "sthree-"';
  if (name.endsWith('-s3alias') || name.endsWith('--ol-s3')) return 'must not end with "-s3alias" or "--ol-s3"';
  return undefined;
}

function checkCidrText(value: unknown, path: string, report: Report): Cidr | undefined {
  if (!isString(value)) return undefined;
  const cidr = parseCidr(value);
  if (cidr) return cidr;
  report(path, hasHostBits(value) ? `${q(value)} has host bits set; use the network address` : `${q(value)} is not an IPv4 CIDR`);
  return undefined;
}

export function validatePlatform(spec: PlatformSpec): Problem[] {
  const problems: Problem[] = [];
  const report: Report = (path, message) => problems.push({ path, message });

  if (isString(spec.name) && !PLATFORM_NAME.test(spec.name))
    report('name', `${q(spec.name)} must be 2–8 lowercase letters and digits, starting with a letter (it prefixes every resource name)`);

  const environments = Array.isArray(spec.environments) ? spec.environments : [];
  if (Array.isArray(spec.environments) && environments.length === 0) report('environments', 'must list at least one environment');

  const seenNames = new Map<string, number>();
  const networks: { index: number; name: string; cidr: Cidr }[] = [];
  environments.forEach((env, i) => {
    const base = `environments[${i}]`;
    if (!env || typeof env !== 'object') return;
    if (isString(env.name)) {
      const first = seenNames.get(env.name);
      if (first !== undefined) report(`${base}.name`, `${q(env.name)} is already used by environments[${first}]; names must be unique`);
      else seenNames.set(env.name, i);
    }
    validateEnvironment(env, base, isString(spec.name) ? spec.name : '', report);
    const cidr = isString(env.network?.cidr) ? parseCidr(env.network.cidr) : undefined;
    if (cidr) {
      for (const other of networks) {
        if (cidrsOverlap(cidr, other.cidr))
          report(
            `${base}.network.cidr`,
            `${q(env.network.cidr)} overlaps environments[${other.index}] (${other.name}) ${formatCidr(other.cidr)}; environments need distinct address spaces to be connected`,
          );
      }
      networks.push({ index: i, name: String(env.name), cidr });
    }
  });
  validateSpotServiceLinkedRoles(environments, report);
  for (const w of WORKLOAD_NAMES) WORKLOADS[w].validateAcross?.(environments, report);
  return problems;
}

function validateEnvironment(env: EnvironmentSpec, base: string, platformName: string, report: Report): void {
  const cloud: Cloud | undefined = CLOUDS.find((c) => c === env.cloud);

  if (isString(env.name)) {
    if (!DNS_LABEL.test(env.name) || env.name.length > ENVIRONMENT_NAME_MAX)
      report(
        `${base}.name`,
        `${q(env.name)} must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit) of at most ${ENVIRONMENT_NAME_MAX} characters`,
      );
  }

  if (cloud && isString(env.region) && !hasOwnKey(REGIONS[cloud], env.region))
    report(`${base}.region`, `${q(env.region)} is not a known ${cloud} region (known: ${Object.keys(REGIONS[cloud]).join(', ')})`);

  // Each cloud needs its own account block (named as the cloud) and only that one.
  if (cloud) {
    const own = ACCOUNT_RULES[cloud];
    if (!env[cloud]) report(`${base}.${cloud}`, `is required when cloud is "${cloud}" (${own.requires})`);
    for (const other of CLOUDS) if (other !== cloud && env[other]) report(`${base}.${other}`, `is only for cloud "${other}"; remove it`);
    if (env[cloud]) own.validate(env, base, platformName, report);
  }

  validateNetwork(env, base, cloud, report);
  validateCluster(env, base, cloud, report);
  validateTags(env, base, cloud, report);
  validateWaivers(env, base, report);
  validateGitops(env, base, report);
  validateObservability(env, base, report);
  validateUsage(env, base, report);
  if (env.budget && typeof env.budget === 'object')
    for (const [field, message] of budgetProblems(env.budget, cloud)) report(`${base}.budget.${field}`, message);
  for (const w of WORKLOAD_NAMES) WORKLOADS[w].validate(env, base, platformName, cloud, report);
}

function validateUsage(env: EnvironmentSpec, base: string, report: Report): void {
  if (!env.usage || typeof env.usage !== 'object') return;
  for (const [field, value] of usageFigures(env.usage)) {
    if (typeof value !== 'number') continue; // the shape reports it
    if (field === 'spotPricePercent' && (value <= 0 || value > 100)) report(`${base}.usage.${field}`, `must be more than 0 and at most 100, got ${value}`);
    else if (value < 0) report(`${base}.usage.${field}`, `must be 0 or more, got ${value}`);
  }
}

function validateObservability(env: EnvironmentSpec, base: string, report: Report): void {
  const spec = env.observability;
  if (!spec || typeof spec !== 'object') return;
  for (const field of ['retentionDays', 'volumeGi'] as const) {
    const value = spec[field];
    const { min, max } = OBSERVABILITY_LIMITS[field];
    if (isInt(value) && (value < min || value > max)) report(`${base}.observability.${field}`, `must be ${min}–${max}, got ${value}`);
  }
  // Remote write is Prometheus's: with observability off there is nothing to write.
  if (spec.enabled === false && spec.managedStore === true)
    report(`${base}.observability.managedStore`, 'needs observability.enabled: Prometheus is what writes to the managed store');
  if (spec.enabled === false && spec.opencost === true)
    report(`${base}.observability.opencost`, 'needs observability.enabled: OpenCost computes its figures from Prometheus’s series');
  // The volume's checks depend on the stage only.
  const resolved = resolveObservability(env.stage === 'prod' ? 'prod' : 'dev', env.cloud === 'azure' ? 'azure' : 'aws', spec);
  // Samples of a cluster this size take about 1–2 GiB a day; a volume that cannot hold the retention fills and Prometheus stops ingesting.
  if (isInt(spec.retentionDays) || isInt(spec.volumeGi))
    if (resolved.volumeGi < resolved.retentionDays * 2)
      report(
        `${base}.observability.volumeGi`,
        `${resolved.volumeGi} GiB cannot hold ${resolved.retentionDays} days of samples (about 2 GiB a day): give at least ${resolved.retentionDays * 2}`,
      );
}

const RULE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const GIT_URL = /^(https:\/\/[^\s/]+\/\S+|ssh:\/\/\S+|[\w.-]+@[\w.-]+:\S+)$/;
const REPO_PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[\w.-]+(\/[\w.-]+)*\/?$/;

function validateGitops(env: EnvironmentSpec, base: string, report: Report): void {
  const gitops = env.gitops;
  if (!gitops || typeof gitops !== 'object') return;
  const at = `${base}.gitops`;
  if (isString(gitops.repoUrl) && !GIT_URL.test(gitops.repoUrl))
    report(`${at}.repoUrl`, `${q(gitops.repoUrl)} is not a Git URL (https://host/org/repo.git, ssh://… or git@host:org/repo.git)`);
  if (isString(gitops.repoUrl) && gitops.repoUrl.startsWith('http://')) report(`${at}.repoUrl`, 'must use https or ssh, not http');
  if (isString(gitops.branch) && !/^(?!-)(?!.*\.\.)[\w./-]+$/.test(gitops.branch)) report(`${at}.branch`, `${q(gitops.branch)} is not a branch name`);
  if (isString(gitops.basePath) && !REPO_PATH.test(gitops.basePath))
    report(`${at}.basePath`, `${q(gitops.basePath)} must be a path inside the repository (relative, no "." or ".." segments), e.g. dist`);
  if (gitops.selfHeal === false && gitops.tool === 'flux')
    report(`${at}.selfHeal`, 'Flux always corrects drift on each reconciliation; selfHeal is for Argo CD');
  if (isString(gitops.secretRef) && gitops.tool === 'argocd')
    report(`${at}.secretRef`, 'Argo CD finds repository credentials by URL (a repository Secret in argocd); secretRef is for Flux');
  if (isString(gitops.secretRef) && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(gitops.secretRef))
    report(`${at}.secretRef`, `${q(gitops.secretRef)} is not a Secret name (DNS-1123 subdomain)`);
}

function validateWaivers(env: EnvironmentSpec, base: string, report: Report): void {
  const seen = new Set<string>();
  (Array.isArray(env.waivers) ? env.waivers : []).forEach((w, j) => {
    if (!w || typeof w !== 'object') return;
    const at = `${base}.waivers[${j}]`;
    if (isString(w.rule) && !RULE_ID.test(w.rule)) report(`${at}.rule`, `${q(w.rule)} is not a rule id (kebab-case, e.g. k8s-read-only-root-filesystem)`);
    else if (isString(w.rule) && !WAIVABLE_RULE_IDS.includes(w.rule))
      report(`${at}.rule`, `no rule is called ${q(w.rule)} (\`npm run validate -- --rules\` lists them)`);
    if (isString(w.resource) && (w.resource.includes('*') || w.resource.trim() === ''))
      report(`${at}.resource`, `${q(w.resource)} must name exactly one resource (no wildcards)`);
    if (isString(w.reason) && w.reason.trim().length < 20) report(`${at}.reason`, 'must say why in at least 20 characters; it is kept in the validate report');
    const key = `${w.rule}\u0000${w.resource}`;
    if (seen.has(key)) report(at, `waives ${q(w.rule)} for ${q(w.resource)} twice`);
    seen.add(key);
  });
}

/** Each cloud's account block: what it must hold, and its rules (run where the block is present). */
const ACCOUNT_RULES: {
  readonly [C in Cloud]: { readonly requires: string; readonly validate: (env: EnvironmentSpec, base: string, platformName: string, report: Report) => void };
} = {
  aws: { requires: 'accountId', validate: validateAws },
  azure: { requires: 'subscriptionId, tenantId', validate: validateAzure },
};

function validateAws(env: EnvironmentSpec, base: string, platformName: string, report: Report): void {
  const aws = env.aws!;
  const accountOk = isString(aws.accountId) && ACCOUNT_ID.test(aws.accountId);
  if (isString(aws.accountId) && !accountOk) report(`${base}.aws.accountId`, `${q(aws.accountId)} is not a 12-digit AWS account id`);
  (Array.isArray(aws.clusterAdminArns) ? aws.clusterAdminArns : []).forEach((arn, j) => {
    if (!isString(arn)) return;
    const m = /^arn:aws:iam::(\d{12}):(role|user)\/[\w+=,.@/-]+$/.exec(arn);
    if (!m) report(`${base}.aws.clusterAdminArns[${j}]`, `${q(arn)} is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)`);
    else if (accountOk && m[1] !== aws.accountId)
      report(`${base}.aws.clusterAdminArns[${j}]`, `${q(arn)} is in account ${m[1]}, not this environment's account ${aws.accountId}`);
  });
  if (isString(aws.stateBucket)) {
    const problem = s3BucketNameProblem(aws.stateBucket);
    if (problem) report(`${base}.aws.stateBucket`, `${q(aws.stateBucket)} is not a valid S3 bucket name: ${problem}`);
  } else if (accountOk && isString(env.region) && platformName) {
    const derived = defaultAwsStateBucket(platformName, aws.accountId, env.region);
    const problem = s3BucketNameProblem(derived);
    if (problem) report(`${base}.aws.stateBucket`, `the derived name ${q(derived)} is not a valid S3 bucket name (${problem}); set stateBucket`);
  }
  validateAwsLogging(env, base, report);
}

/** CloudWatch Logs' retention values (PutRetentionPolicy). */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function validateAwsLogging(env: EnvironmentSpec, base: string, report: Report): void {
  const logging = env.aws?.logging;
  if (!logging || typeof logging !== 'object') return;
  const days = logging.retentionDays;
  if (typeof days === 'number' && !LOG_RETENTION_DAYS.includes(days))
    report(`${base}.aws.logging.retentionDays`, `${days} is not a CloudWatch Logs retention (one of ${LOG_RETENTION_DAYS.join(', ')})`);
  const types = Array.isArray(logging.controlPlane) ? logging.controlPlane : undefined;
  if (types && types.length === 0)
    report(`${base}.aws.logging.controlPlane`, 'must list at least one log type (api, audit and authenticator are what an incident review reads)');
  if (types && new Set(types).size !== types.length) report(`${base}.aws.logging.controlPlane`, 'lists a log type twice');
}

/** The Spot service-linked role is one per account: a second environment creating it fails at apply. */
function validateSpotServiceLinkedRoles(environments: readonly EnvironmentSpec[], report: Report): void {
  const creators = new Map<string, number>();
  environments.forEach((env, i) => {
    if (!env || env.cloud !== 'aws' || !isString(env.aws?.accountId)) return;
    if (!(env.aws.createSpotServiceLinkedRole ?? usesSpot(env))) return;
    const first = creators.get(env.aws.accountId);
    if (first === undefined) creators.set(env.aws.accountId, i);
    else
      report(
        `environments[${i}].aws.createSpotServiceLinkedRole`,
        `environments[${first}] already creates the EC2 Spot service-linked role of account ${env.aws.accountId} (one per account); set false here`,
      );
  });
}

function validateAzure(env: EnvironmentSpec, base: string, platformName: string, report: Report): void {
  const azure = env.azure!;
  for (const key of ['subscriptionId', 'tenantId'] as const) {
    const v = azure[key];
    if (isString(v) && !GUID.test(v)) report(`${base}.azure.${key}`, `${q(v)} is not a GUID (lowercase xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`);
  }
  (Array.isArray(azure.adminGroupObjectIds) ? azure.adminGroupObjectIds : []).forEach((id, j) => {
    if (isString(id) && !GUID.test(id)) report(`${base}.azure.adminGroupObjectIds[${j}]`, `${q(id)} is not a GUID`);
  });
  const state = azure.state ?? {};
  if (isString(state.storageAccount)) {
    const problem = storageAccountNameProblem(state.storageAccount);
    if (problem) report(`${base}.azure.state.storageAccount`, `${q(state.storageAccount)} ${problem}`);
  } else if (platformName && (env.stage === 'dev' || env.stage === 'prod')) {
    const derived = defaultAzureStateStorageAccount(platformName, env.stage);
    const problem = storageAccountNameProblem(derived);
    if (problem) report(`${base}.azure.state.storageAccount`, `the derived name ${q(derived)} ${problem}; set it explicitly`);
  }
  if (isString(state.container) && !CONTAINER_NAME.test(state.container))
    report(
      `${base}.azure.state.container`,
      `${q(state.container)} must be 3–63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit`,
    );
  if (isString(state.resourceGroup) && !/^[-\w.()]{1,89}[-\w()]$/.test(state.resourceGroup))
    report(`${base}.azure.state.resourceGroup`, `${q(state.resourceGroup)} must be 1–90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'`);
}

function validateNetwork(env: EnvironmentSpec, base: string, cloud: Cloud | undefined, report: Report): void {
  const net = env.network;
  if (!net || typeof net !== 'object') return;
  const path = `${base}.network`;
  const cidr = checkCidrText(net.cidr, `${path}.cidr`, report);
  if (cidr && (cidr.prefix < 16 || cidr.prefix > 22))
    report(`${path}.cidr`, `${q(net.cidr)} must be between /16 and /22 (subnets per zone are carved from it)`);

  if (isInt(net.zones) && cloud) {
    const min = cloud === 'aws' ? 2 : 1;
    const regionZones = isString(env.region) ? ownEntry(REGIONS[cloud], env.region) : undefined;
    const max = Math.min(3, regionZones ?? 3);
    if (net.zones < min || net.zones > max)
      report(
        `${path}.zones`,
        `${net.zones} must be from ${min} to ${max}${cloud === 'aws' ? ' (EKS needs subnets in at least two zones)' : ''}${regionZones !== undefined && regionZones < 3 ? ` (${env.region} has ${regionZones})` : ''}`,
      );
  }

  const service = checkCidrText(net.serviceCidr ?? DEFAULT_SERVICE_CIDR, `${path}.serviceCidr`, report);
  const pod = cloud === 'azure' ? checkCidrText(net.podCidr ?? DEFAULT_POD_CIDR, `${path}.podCidr`, report) : undefined;
  if (net.podCidr !== undefined && cloud === 'aws') report(`${path}.podCidr`, 'is only used on Azure (CNI overlay); on AWS pods take VPC addresses');
  if (cidr && service && cidrsOverlap(cidr, service)) report(`${path}.serviceCidr`, `${formatCidr(service)} overlaps the network ${formatCidr(cidr)}`);
  if (cidr && pod && cidrsOverlap(cidr, pod)) report(`${path}.podCidr`, `${formatCidr(pod)} overlaps the network ${formatCidr(cidr)}`);
  if (service && pod && cidrsOverlap(service, pod)) report(`${path}.podCidr`, `${formatCidr(pod)} overlaps the service CIDR ${formatCidr(service)}`);

  const allowed = Array.isArray(net.apiAllowedCidrs) ? net.apiAllowedCidrs : [];
  allowed.forEach((c, j) => {
    const parsed = checkCidrText(c, `${path}.apiAllowedCidrs[${j}]`, report);
    if (parsed && parsed.prefix === 0) report(`${path}.apiAllowedCidrs[${j}]`, `${q(c)} would open the API server to the whole internet`);
  });
  const privateApi = env.cluster?.privateApi ?? env.stage === 'prod';
  if (privateApi && allowed.length > 0)
    report(`${path}.apiAllowedCidrs`, 'is set but the API server is private in this environment; remove it or set cluster.privateApi to false (dev only)');
  if (!privateApi && allowed.length === 0)
    report(`${path}.apiAllowedCidrs`, 'must list who may reach the public API server (dev); an empty list would leave it open to everyone');
}

function validatePool(pool: NodePoolSpec, path: string, cloud: Cloud | undefined, kind: 'cpu' | 'gpu', report: Report): void {
  if (isInt(pool.min) && pool.min < 0) report(`${path}.min`, `${pool.min} must be 0 or more`);
  if (isInt(pool.max) && pool.max < 1) report(`${path}.max`, `${pool.max} must be at least 1`);
  if (isInt(pool.min) && isInt(pool.max) && pool.min > pool.max) report(`${path}.min`, `${pool.min} is greater than max ${pool.max}`);
  if (!Array.isArray(pool.sizes)) return;
  if (pool.sizes.length === 0) report(`${path}.sizes`, 'must list at least one size');
  if (cloud === 'azure' && pool.sizes.length > 1) report(`${path}.sizes`, `an AKS node pool takes exactly one VM size, got ${pool.sizes.length}`);
  const seen = new Set<string>();
  pool.sizes.forEach((size, j) => {
    if (!isString(size) || !cloud) return;
    if (seen.has(size)) report(`${path}.sizes[${j}]`, `${q(size)} is listed twice`);
    seen.add(size);
    const info = describeSize(cloud, size);
    const families =
      cloud === 'aws' ? 'e.g. m6i.large, c7i.xlarge, g5.xlarge, g6.2xlarge, p5.48xlarge' : 'e.g. Standard_D4s_v5, Standard_NC4as_T4_v3, Standard_ND96asr_v4';
    if (!info) report(`${path}.sizes[${j}]`, `${q(size)} is not a known ${cloud === 'aws' ? 'instance type' : 'VM size'} (${families})`);
    else if (kind === 'gpu' && info.gpus === 0)
      report(`${path}.sizes[${j}]`, `${q(size)} has no GPU; GPU pools need a GPU family (${cloud === 'aws' ? 'g5, g6, g6e, p4d, p5…' : 'NC, ND, NV…'})`);
    else if (kind === 'cpu' && info.gpus > 0) report(`${path}.sizes[${j}]`, `${q(size)} is a GPU size; put it in a gpuPools entry`);
  });
}

function validateCluster(env: EnvironmentSpec, base: string, cloud: Cloud | undefined, report: Report): void {
  const cluster = env.cluster;
  if (!cluster || typeof cluster !== 'object') return;
  const path = `${base}.cluster`;

  if (isString(cluster.gatewayNamespace) && !DNS_LABEL.test(cluster.gatewayNamespace))
    report(`${path}.gatewayNamespace`, `${q(cluster.gatewayNamespace)} is not a DNS-1123 label`);
  if (cloud && isString(cluster.kubernetesVersion) && !ownEntry(KUBERNETES_VERSIONS[cloud], cluster.kubernetesVersion))
    report(
      `${path}.kubernetesVersion`,
      `${q(cluster.kubernetesVersion)} is not a supported ${cloud === 'aws' ? 'EKS' : 'AKS'} version (${offeredVersions(cloud).join(', ')})`,
    );
  if (cloud === 'azure' && cluster.upgradePolicy !== undefined)
    report(`${path}.upgradePolicy`, 'is EKS only; AKS versions follow automatic_upgrade_channel and the model');
  if (cloud === 'azure' && cluster.amiRelease !== undefined)
    report(`${path}.amiRelease`, 'is EKS only; AKS node images follow node_os_upgrade_channel (NodeImage)');
  const amiRelease = isString(cluster.amiRelease) ? cluster.amiRelease : DEFAULT_EKS_AMI_RELEASE;
  if (cloud === 'aws' && isString(cluster.kubernetesVersion) && ownEntry(KUBERNETES_VERSIONS.aws, cluster.kubernetesVersion)) {
    const releases = ownEntry(EKS_AL2023_AMI_RELEASES, amiRelease);
    if (!releases)
      report(
        `${path}.amiRelease`,
        `${q(amiRelease)} is not an AMI release of the catalog (${Object.keys(EKS_AL2023_AMI_RELEASES).join(', ')}): ` +
          'add it to EKS_AL2023_AMI_RELEASES with its release_version per Kubernetes minor (awslabs/amazon-eks-ami release notes)',
      );
    else if (!ownEntry(releases, cluster.kubernetesVersion))
      report(
        `${path}.amiRelease`,
        `AMI release ${amiRelease} has no release_version for Kubernetes ${cluster.kubernetesVersion} in the catalog; add it to EKS_AL2023_AMI_RELEASES`,
      );
  }
  if (cluster.privateApi === false && env.stage === 'prod')
    report(`${path}.privateApi`, 'must stay true in prod: a prod API server is reachable only from the private network');

  if (cluster.systemPool && typeof cluster.systemPool === 'object') {
    validatePool(cluster.systemPool, `${path}.systemPool`, cloud, 'cpu', report);
    if (isInt(cluster.systemPool.min) && cluster.systemPool.min < 1)
      report(`${path}.systemPool.min`, `${cluster.systemPool.min} must be at least 1: the system pool runs CoreDNS and the operators`);
  }

  const poolNames = new Map<string, string>([['system', `${path}.systemPool`]]);
  const checkName = (name: unknown, at: string) => {
    if (!isString(name)) return;
    if (!POOL_NAME.test(name))
      report(`${at}.name`, `${q(name)} must be 1–12 lowercase letters and digits, starting with a letter (AKS node pool rule, used on both clouds)`);
    const first = poolNames.get(name);
    if (first) report(`${at}.name`, `${q(name)} is already used by ${first}`);
    else poolNames.set(name, at);
  };

  (Array.isArray(cluster.gpuPools) ? cluster.gpuPools : []).forEach((pool, j) => {
    if (!pool || typeof pool !== 'object') return;
    const at = `${path}.gpuPools[${j}]`;
    checkName(pool.name, at);
    validatePool(pool, at, cloud, 'gpu', report);
    if (pool.provisioner === 'karpenter' && cloud === 'azure') report(`${at}.provisioner`, '"karpenter" is AWS only; AKS GPU pools are node pools');
    if (pool.provisioner === 'karpenter' && isInt(pool.min) && pool.min > 0)
      report(`${at}.min`, `${pool.min}: a Karpenter NodePool keeps no minimum of nodes; set min to 0 or use provisioner "node-group"`);
  });
  (Array.isArray(cluster.spotPools) ? cluster.spotPools : []).forEach((pool, j) => {
    if (!pool || typeof pool !== 'object') return;
    const at = `${path}.spotPools[${j}]`;
    checkName(pool.name, at);
    validatePool(pool, at, cloud, 'cpu', report);
    if (cloud === 'aws' && isInt(pool.min) && pool.min > 0)
      report(`${at}.min`, `${pool.min}: AWS Spot pools are Karpenter NodePools, which keep no minimum of nodes; set min to 0`);
  });

  const seenRepos = new Set<string>();
  (Array.isArray(cluster.repositories) ? cluster.repositories : []).forEach((repo, j) => {
    if (!isString(repo)) return;
    if (!ECR_REPOSITORY.test(repo) || repo.length > 64)
      report(`${path}.repositories[${j}]`, `${q(repo)} must be lowercase letters and digits separated by single '.', '_' or '-', at most 64 characters`);
    if (seenRepos.has(repo)) report(`${path}.repositories[${j}]`, `${q(repo)} is listed twice`);
    seenRepos.add(repo);
  });

  if (cluster.addons && typeof cluster.addons === 'object') {
    if (cloud === 'azure') report(`${path}.addons`, 'pins EKS add-ons and is AWS only; AKS manages its add-ons');
    for (const [name, version] of Object.entries(cluster.addons)) {
      if (isString(version) && !ADDON_VERSION.test(version))
        report(`${path}.addons.${name}`, `${q(version)} is not an EKS add-on version (v<major>.<minor>.<patch>-eksbuild.<n>)`);
    }
  }
  if (
    cloud === 'aws' &&
    isString(cluster.kubernetesVersion) &&
    ownEntry(KUBERNETES_VERSIONS.aws, cluster.kubernetesVersion) &&
    !ownEntry(EKS_ADDON_VERSIONS, cluster.kubernetesVersion)
  )
    report(`${path}.kubernetesVersion`, `no pinned EKS add-on versions for ${cluster.kubernetesVersion}; set cluster.addons`);
  if (cloud === 'aws' && isString(cluster.kubernetesVersion) && !ownEntry(CLUSTER_AUTOSCALER_CHART_VERSIONS, cluster.kubernetesVersion)) {
    const elastic = elasticNodeGroups({
      systemPool: { min: intOr(cluster.systemPool?.min, 0), max: intOr(cluster.systemPool?.max, 0) },
      gpuPools: (Array.isArray(cluster.gpuPools) ? cluster.gpuPools : []).map((p) => ({ ...p, min: intOr(p?.min, 0), max: intOr(p?.max, 0) })),
    });
    if (elastic.length > 0)
      report(
        `${path}.kubernetesVersion`,
        `${q(cluster.kubernetesVersion)}: no Cluster Autoscaler chart is pinned for it (${Object.keys(CLUSTER_AUTOSCALER_CHART_VERSIONS).join(', ')}), ` +
          `and node groups ${elastic.join(', ')} scale (min < max); use a version with one, or fix their size (min = max)`,
      );
  }

  if (cluster.karpenter && typeof cluster.karpenter === 'object') {
    if (cloud === 'azure') report(`${path}.karpenter`, 'is AWS only; AKS Spot capacity comes from spotPools');
    const alias = cluster.karpenter.amiAlias;
    if (isString(alias)) {
      if (alias.endsWith('@latest'))
        report(
          `${path}.karpenter.amiAlias`,
          `${q(alias)} is not pinned: @latest rolls every node to a new AMI without review; set cluster.amiRelease (e.g. ${DEFAULT_EKS_AMI_RELEASE})`,
        );
      else if (!AMI_ALIAS.test(alias)) report(`${path}.karpenter.amiAlias`, `${q(alias)} is not an AMI alias (al2023@v<YYYYMMDD> or bottlerocket@v<x.y.z>)`);
      else if (alias.startsWith('al2023@') && alias !== `al2023@${amiRelease}`)
        report(
          `${path}.karpenter.amiAlias`,
          `${q(alias)}: Karpenter nodes would run another AL2023 release than the node groups (${amiRelease}); set cluster.amiRelease instead`,
        );
    }
  }
}

function validateTags(env: EnvironmentSpec, base: string, cloud: Cloud | undefined, report: Report): void {
  if (!env.tags || typeof env.tags !== 'object' || Array.isArray(env.tags)) return;
  for (const [key, value] of Object.entries(env.tags)) {
    const at = `${base}.tags.${key}`;
    if ((STANDARD_TAG_KEYS as readonly string[]).includes(key)) report(at, 'is set by the platform on every resource and cannot be overridden');
    if (key.length < 1 || key.length > 128) report(at, 'tag keys must be 1–128 characters');
    if (cloud === 'aws' && key.toLowerCase().startsWith('aws:')) report(at, 'tag keys starting with "aws:" are reserved by AWS');
    if (cloud === 'azure' && /[<>%&\\?/]/.test(key)) report(at, 'Azure tag names cannot contain < > % & \\ ? /');
    if (isString(value) && value.length > 256) report(at, `tag values must be at most 256 characters (got ${value.length})`);
  }
}

/** An integer field of unchecked input, or the fallback (the shape check reports the bad value). */
function intOr(value: unknown, fallback: number): number {
  return isInt(value) ? value : fallback;
}
