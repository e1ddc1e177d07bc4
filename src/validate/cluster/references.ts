/**
 * Cross-layer references between the environment's Terraform and its cluster view: every identity subject a
 * cloud identity trusts names a service account that will exist, every cloud identity a service account is
 * annotated with exists in Terraform (and trusts it back), and every service account a pod runs as exists.
 */
import { EBS_CSI_NAMESPACE, kedaNamespace, KEDA_SERVICE_ACCOUNT } from '../../model/naming';
import { releasesOf } from '../helm/releases';
import { policyDocuments } from '../policy/iam';
import { allResources, blocks, isTrue, ofType, type ResourceRef } from '../policy/references';
import { CUSTOM_RESOURCE_SERVICE_ACCOUNTS, valuesAt } from '../policy/kubernetes';
import type { Violation } from '../policy/rule';
import type { ClusterRule } from './admission';
import type { ClusterView } from './view';

const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';
const AZURE_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
const SUBJECT = /^system:serviceaccount:([^:*?$]+):([^:*?$]+)$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[^/]+\/)*([\w+=,.@-]+)$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const key = (namespace: string, name: string) => `${namespace}/${name}`;
const subjectOf = (namespace: string, name: string) => `system:serviceaccount:${namespace}:${name}`;
/** A literal Terraform string (an interpolation is known only at apply). */
const literal = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' && !v.includes('${') ? v : undefined);

/** One service account a cloud identity trusts, and where that trust is written. */
interface Subject {
  readonly file: string;
  readonly resource: string;
  /** The attribute or condition that names it. */
  readonly at: string;
  readonly namespace: string;
  readonly name: string;
}

function subjects(view: ClusterView): Subject[] {
  const out: Subject[] = [];
  // IRSA: the web-identity trust's `:sub`; Pod Identity: the session tags EKS sets (namespace and service account).
  for (const doc of policyDocuments(view.output).filter((d) => d.kind === 'trust')) {
    const at = { file: doc.owner.file, resource: doc.owner.address };
    for (const s of doc.statements.filter((st) => st.effect === 'Allow')) {
      if (s.actions.includes('sts:AssumeRoleWithWebIdentity'))
        for (const c of s.conditions.filter((x) => x.variable.endsWith(':sub')))
          for (const value of c.values) {
            const m = SUBJECT.exec(value);
            if (m) out.push({ ...at, at: `assume_role_policy ${c.test} :sub`, namespace: m[1], name: m[2] });
          }
      const tag = (name: string) => s.conditions.find((c) => c.variable === `aws:RequestTag/${name}`)?.values;
      const namespaces = tag('kubernetes-namespace');
      const accounts = tag('kubernetes-service-account');
      if (namespaces?.length === 1 && accounts?.length === 1)
        out.push({ ...at, at: 'assume_role_policy aws:RequestTag/kubernetes-service-account', namespace: namespaces[0], name: accounts[0] });
    }
  }
  for (const r of ofType(view.output, 'aws_eks_pod_identity_association')) {
    const namespace = literal(r.body.namespace);
    const name = literal(r.body.service_account);
    if (namespace && name) out.push({ file: r.file, resource: r.address, at: 'namespace/service_account', namespace, name });
  }
  // An aws_eks_addon's own pod_identity_association is no subject here: the add-on creates the service account it names.
  for (const r of ofType(view.output, 'azurerm_federated_identity_credential')) {
    const m = SUBJECT.exec(literal(r.body.subject) ?? '');
    if (m) out.push({ file: r.file, resource: r.address, at: 'subject', namespace: m[1], name: m[2] });
  }
  return out;
}

/** Where an EKS add-on creates the service accounts of its pod_identity_association (the add-on's, not Terraform's, choice). */
const EKS_ADDON_NAMESPACES: Readonly<Record<string, string>> = { 'aws-ebs-csi-driver': EBS_CSI_NAMESPACE };

/**
 * Service accounts a cloud-managed add-on creates (no manifest or chart holds them), as `<namespace>/<name>`
 * (`*` for an EKS add-on whose namespace is not listed above).
 */
function managedServiceAccounts(view: ClusterView): Set<string> {
  const out = new Set<string>();
  for (const r of ofType(view.output, 'azurerm_kubernetes_cluster'))
    if (blocks(r.body.workload_autoscaler_profile).some((p) => isTrue(p.keda_enabled))) out.add(key(kedaNamespace('aks-addon'), KEDA_SERVICE_ACCOUNT));
  for (const r of ofType(view.output, 'aws_eks_addon'))
    for (const p of blocks(r.body.pod_identity_association)) {
      const name = literal(p.service_account);
      if (name) out.add(key(EKS_ADDON_NAMESPACES[String(r.body.addon_name)] ?? '*', name));
    }
  return out;
}

/** What the cluster view knows about service accounts, and where it cannot know. */
interface Accounts {
  readonly objects: ReadonlySet<string>;
  readonly managed: ReadonlySet<string>;
  /**
   * Namespaces of chart releases the view holds no render of (validate ran without `--charts`, or the chart
   * did not render): a service account there may be the chart's, so it is neither confirmed nor reported.
   */
  readonly unrendered: ReadonlySet<string>;
}

function accountsOf(view: ClusterView): Accounts {
  const objects = new Set(
    view.objects.filter((o) => o.obj.kind === 'ServiceAccount' && o.obj.apiVersion === 'v1').map((o) => key(o.namespace ?? 'default', o.obj.metadata.name)),
  );
  const rendered = new Set(view.objects.filter((o) => o.origin === 'chart').map((o) => o.resource));
  const unrendered = new Set(releasesOf(view.output).flatMap((r) => (rendered.has(r.resource) ? [] : [r.namespace])));
  return { objects, managed: managedServiceAccounts(view), unrendered };
}

/** Undefined when the account exists or cannot be known; else why it does not. */
function missing(accounts: Accounts, namespace: string, name: string): string | undefined {
  const k = key(namespace, name);
  if (accounts.objects.has(k) || accounts.managed.has(k) || accounts.managed.has(key('*', name)) || accounts.unrendered.has(namespace)) return undefined;
  const near = [...accounts.objects].filter((x) => x.startsWith(`${namespace}/`));
  return `no ServiceAccount ${k} in the cluster view${near.length ? ` (${namespace} has ${near.join(', ')})` : ''}`;
}

function subjectViolations(view: ClusterView): Violation[] {
  const accounts = accountsOf(view);
  return subjects(view).flatMap((s) => {
    const why = missing(accounts, s.namespace, s.name);
    return why ? [{ file: s.file, resource: s.resource, message: `${s.at} names ${subjectOf(s.namespace, s.name)}: ${why}` }] : [];
  });
}

function annotationViolations(view: ClusterView): Violation[] {
  const out: Violation[] = [];
  const roles = ofType(view.output, 'aws_iam_role');
  const trusts = policyDocuments(view.output).filter((d) => d.kind === 'trust');
  const credentials = ofType(view.output, 'azurerm_federated_identity_credential');
  const resources = allResources(view.output);
  for (const o of view.objects) {
    if (o.obj.kind !== 'ServiceAccount') continue;
    const namespace = o.namespace ?? 'default';
    const subject = subjectOf(namespace, o.obj.metadata.name);
    const annotations = o.obj.metadata.annotations ?? {};
    const at = { file: o.file, resource: o.resource };
    const named = o.origin === 'chart' ? `ServiceAccount ${key(namespace, o.obj.metadata.name)} ` : '';

    const arn = annotations[IRSA_ANNOTATION];
    if (arn !== undefined) {
      const problem = roleProblem(arn, subject, roles, trusts, view);
      if (problem) out.push({ ...at, message: `${named}${IRSA_ANNOTATION} ${arn}: ${problem}` });
    }
    const clientId = annotations[AZURE_CLIENT_ID_ANNOTATION];
    if (clientId !== undefined) {
      const problem = clientIdProblem(clientId, subject, credentials, resources, view);
      if (problem) out.push({ ...at, message: `${named}${AZURE_CLIENT_ID_ANNOTATION} ${clientId}: ${problem}` });
    }
  }
  return out;
}

/** The role must be one the environment's Terraform creates, in its account, and trust this service account's web identity. */
function roleProblem(arn: string, subject: string, roles: ResourceRef[], trusts: ReturnType<typeof policyDocuments>, view: ClusterView): string | undefined {
  const m = ROLE_ARN.exec(arn);
  if (!m) return 'not an IAM role ARN (arn:aws:iam::<account>:role/<name>)';
  const [, account, name] = m;
  const role = roles.find((r) => r.body.name === name);
  if (!role) return `no aws_iam_role named ${name} in ${view.environment}'s Terraform`;
  const allowed = view.output.terraform
    .filter((t) => t.file === role.file)
    .flatMap((t) => blocks((t.json.provider as Record<string, unknown> | undefined)?.aws))
    .flatMap((p) => (Array.isArray(p.allowed_account_ids) ? p.allowed_account_ids.map(String) : []));
  if (allowed.length > 0 && !allowed.includes(account)) return `account ${account} is not the one ${role.address} is created in (${allowed.join(', ')})`;
  const doc = trusts.find((d) => d.owner.file === role.file && d.owner.address === role.address);
  // An unreadable trust is iam-trust-one-service-account's finding.
  if (!doc) return undefined;
  const webIdentity = doc.statements.filter((s) => s.effect === 'Allow' && s.actions.includes('sts:AssumeRoleWithWebIdentity'));
  if (webIdentity.length === 0) return `${role.address} trusts no web identity (IRSA), so the token EKS injects for this annotation cannot assume it`;
  const trusted = webIdentity.some((s) => s.conditions.some((c) => c.variable.endsWith(':sub') && c.values.includes(subject)));
  return trusted ? undefined : `${role.address} does not trust ${subject}`;
}

/**
 * The value is the cloud's (a Terraform output, read by synth from the outputs file), so it is not compared
 * here; what is checked is that it can have come from an identity that trusts this service account: a
 * federated credential naming it, on a user-assigned identity whose client_id its stack outputs.
 */
function clientIdProblem(clientId: string, subject: string, credentials: ResourceRef[], resources: ResourceRef[], view: ClusterView): string | undefined {
  if (!GUID.test(clientId)) return 'not a client id (a GUID)';
  const trusting = credentials.filter((c) => c.body.subject === subject);
  if (trusting.length === 0) return `no azurerm_federated_identity_credential in ${view.environment}'s Terraform trusts ${subject}`;
  const problems: string[] = [];
  for (const credential of trusting) {
    const parent = /^\$\{(azurerm_user_assigned_identity\.[\w-]+)\.id\}$/.exec(String(credential.body.parent_id ?? ''))?.[1];
    if (!parent) {
      problems.push(`${credential.address}'s parent_id is not an azurerm_user_assigned_identity of its stack`);
      continue;
    }
    if (!resources.some((r) => r.file === credential.file && r.address === parent)) {
      problems.push(`${credential.address}'s identity ${parent} is not in its stack`);
      continue;
    }
    const outputs = view.output.terraform.filter((t) => t.file === credential.file).flatMap((t) => Object.values((t.json.output ?? {}) as Record<string, any>));
    if (outputs.some((x) => x?.value === `\${${parent}.client_id}`)) return undefined;
    problems.push(`no output of ${credential.file} gives ${parent}.client_id, so the annotation cannot come from it`);
  }
  return problems.join('; ');
}

/** Pods run as a service account that exists (the namespace's `default` aside, which Kubernetes creates). */
function podViolations(view: ClusterView): Violation[] {
  const accounts = accountsOf(view);
  const uses: { file: string; resource: string; at: string; namespace: string | undefined; name: unknown }[] = view.pods.map((p) => ({
    file: p.file,
    resource: p.resource,
    at: `${p.at}: serviceAccountName`,
    namespace: p.namespace,
    name: p.spec.serviceAccountName ?? p.spec.serviceAccount,
  }));
  // The custom resources naming the service account of the pods their operator builds (policy/kubernetes.ts's
  // table); the predictors' pods are in the view already, so each resource's account is judged once.
  for (const o of view.objects)
    for (const path of CUSTOM_RESOURCE_SERVICE_ACCOUNTS[o.obj.kind] ?? [])
      for (const name of valuesAt(o.obj, path)) uses.push({ file: o.file, resource: o.resource, at: path.join('.'), namespace: o.namespace, name });
  const seen = new Set<string>();
  return uses.flatMap((u) => {
    const key = `${u.resource}\u0000${u.namespace}/${String(u.name)}`;
    if (seen.has(key)) return [];
    seen.add(key);
    if (typeof u.name !== 'string' || u.name === 'default' || u.namespace === undefined) return [];
    const why = missing(accounts, u.namespace, u.name);
    return why ? [{ file: u.file, resource: u.resource, message: `${u.at} ${u.name}: ${why}` }] : [];
  });
}

export const REFERENCE_RULES: readonly ClusterRule[] = [
  {
    id: 'identity-subject-exists',
    reason:
      'A cloud identity trusting a service account (IRSA trust, Pod Identity association, federated credential) that will not exist is a typo no pod can use, or a credential waiting for whoever creates it.',
    check: subjectViolations,
  },
  {
    id: 'identity-annotation-exists',
    reason: 'A service account annotated with a cloud identity that Terraform does not create, or that does not trust it, gives its pods no credentials.',
    check: annotationViolations,
  },
  {
    id: 'k8s-service-account-exists',
    reason: 'A pod whose service account does not exist is never created (its ReplicaSet or Job reports the error, not the apply).',
    check: podViolations,
  },
];
