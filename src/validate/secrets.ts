/**
 * Secret scan over every file written: nothing in dist/ may carry a credential. Text patterns
 * catch keys wherever they appear; the structured checks catch password-like literals and
 * Kubernetes Secrets with inline data.
 */
import type { Finding } from './findings';
import { SECRET_PATTERNS } from '../model/secret-patterns';
import { describeObject, type EnvironmentOutput, type Output } from './output';

/** Keys whose literal string value would be a credential. */
const SECRET_KEY = /(^|[_-])(password|passwd|passphrase|secret|client_?secret|api_?key|access_?key|auth_?token|token|private_?key)$/i;
/** Keys that end like a secret but hold a reference or a name, not the secret itself. */
const NOT_A_SECRET =
  /(_arn|_id|_name|_ref|_version|_length|_uri|_url|_enabled|_type|_policy|_wo_version|secret_?name|secretKeyRef|secretRef|existing_?secret)$/i;
const PLACEHOLDER_OR_REF = /^(\$\{.*\}|true|false|)$/s;

function structuredLiterals(value: unknown, path: string, out: { path: string; key: string }[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => structuredLiterals(v, `${path}[${i}]`, out));
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  // Kubernetes env entries: { name: DB_PASSWORD, value: "..." }
  if (
    typeof obj.name === 'string' &&
    typeof obj.value === 'string' &&
    SECRET_KEY.test(obj.name.replace(/([a-z])([A-Z])/g, '$1_$2')) &&
    !PLACEHOLDER_OR_REF.test(obj.value)
  )
    out.push({ path: `${path}.value`, key: obj.name });
  for (const [key, v] of Object.entries(obj)) {
    const child = path ? `${path}.${key}` : key;
    const snake = key.replace(/([a-z])([A-Z])/g, '$1_$2');
    if (typeof v === 'string' && SECRET_KEY.test(snake) && !NOT_A_SECRET.test(snake) && !PLACEHOLDER_OR_REF.test(v)) out.push({ path: child, key });
    else structuredLiterals(v, child, out);
  }
}

export function scanEnvironment(env: EnvironmentOutput, read: (file: string) => string): Finding[] {
  const findings: Finding[] = [];
  for (const file of env.files) {
    const text = read(file);
    for (const p of SECRET_PATTERNS) {
      if (p.re.test(text)) findings.push({ file, resource: '(file)', rule: p.rule, severity: 'error', message: `contains ${p.what}` });
    }
  }
  for (const tf of env.terraform) {
    for (const block of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries<Record<string, unknown>>(tf.json[block] ?? {})) {
        for (const [name, body] of Object.entries(byName)) {
          const hits: { path: string; key: string }[] = [];
          structuredLiterals(body, '', hits);
          for (const hit of hits)
            findings.push({
              file: tf.file,
              resource: `${block === 'data' ? 'data.' : ''}${type}.${name}`,
              rule: 'secret-literal',
              severity: 'error',
              message: `${hit.path} holds a literal value; secrets come from Secrets Manager / Key Vault or an identity`,
            });
        }
      }
    }
  }
  for (const m of env.manifests) {
    if (m.obj.kind === 'Secret' && (Object.keys(m.obj.data ?? {}).length > 0 || Object.keys(m.obj.stringData ?? {}).length > 0))
      findings.push({
        file: m.file,
        resource: describeObject(m.obj),
        rule: 'secret-inline-k8s-secret',
        severity: 'error',
        message: 'a Secret with inline data; deliver it with an ExternalSecret instead',
      });
    for (const message of secretsInArgs(m.obj))
      findings.push({ file: m.file, resource: describeObject(m.obj), rule: 'secret-env-in-args', severity: 'error', message });
    const hits: { path: string; key: string }[] = [];
    structuredLiterals(m.obj.kind === 'Secret' ? { ...m.obj, data: undefined, stringData: undefined } : m.obj, '', hits);
    for (const hit of hits)
      findings.push({
        file: m.file,
        resource: describeObject(m.obj),
        rule: 'secret-literal',
        severity: 'error',
        message: `${hit.path} holds a literal value for ${hit.key}`,
      });
  }
  return findings;
}

interface ArgsContainer {
  readonly name?: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly valueFrom?: { readonly secretKeyRef?: unknown } }[];
}

/** Every container list of an object (pods, templates, job templates), wherever it is nested. */
function containerLists(value: unknown, out: ArgsContainer[][] = []): ArgsContainer[][] {
  if (Array.isArray(value)) value.forEach((v) => containerLists(v, out));
  else if (value && typeof value === 'object')
    for (const [key, v] of Object.entries(value)) {
      if ((key === 'containers' || key === 'initContainers') && Array.isArray(v)) out.push(v as ArgsContainer[]);
      containerLists(v, out);
    }
  return out;
}

/**
 * `$(VAR)` of a Secret-backed variable in command or args: the kubelet expands it into the process's arguments,
 * which /proc/<pid>/cmdline shows every user of the node and `ps` prints. The program should read the variable itself.
 */
function secretsInArgs(obj: unknown): string[] {
  return containerLists(obj).flatMap((list) =>
    list.flatMap((c) => {
      const secretVars = (c.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name);
      const words = [...(c.command ?? []), ...(c.args ?? [])];
      return secretVars
        .filter((v) => words.some((w) => w.includes(`$(${v})`)))
        .map((v) => `container ${c.name}: $(${v}) in command or args puts a Secret's value on the process's command line; let the program read ${v}`);
    }),
  );
}

export function scanOutput(output: Output, read: (file: string) => string): Finding[] {
  return output.environments.flatMap((env) => scanEnvironment(env, read));
}
