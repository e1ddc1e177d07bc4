/**
 * Reads a synthesized output directory (dist/ or any copy of it) into memory, grouped by
 * environment: `<env>/terraform/<stack>/cdk.tf.json` and `<env>/kubernetes/<app>/*.yaml`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { listFiles } from '../synth/writer';

export interface TerraformFile {
  /** Relative to the output directory. */
  readonly file: string;
  readonly stack: string;
  readonly json: TerraformJson;
}

export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Record<string, any>>>;
  readonly data?: Record<string, Record<string, Record<string, any>>>;
  readonly provider?: Record<string, unknown>;
  readonly terraform?: Record<string, any>;
  readonly [key: string]: unknown;
}

export interface Manifest {
  readonly file: string;
  readonly app: string;
  readonly obj: K8sObject;
}

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [key: string]: any;
}

export interface EnvironmentOutput {
  readonly name: string;
  readonly terraform: TerraformFile[];
  readonly manifests: Manifest[];
  /** Every file of the environment, for the secret scan. */
  readonly files: string[];
}

export interface Output {
  readonly dir: string;
  readonly environments: EnvironmentOutput[];
  /** Files that could not be parsed, with why. */
  readonly unreadable: { file: string; message: string }[];
}

export function readOutput(dir: string): Output {
  const byEnv = new Map<string, EnvironmentOutput>();
  const unreadable: { file: string; message: string }[] = [];
  const envOf = (name: string) => {
    let env = byEnv.get(name);
    if (!env) byEnv.set(name, (env = { name, terraform: [], manifests: [], files: [] }));
    return env;
  };
  for (const file of listFiles(dir)) {
    const parts = file.split('/');
    const env = envOf(parts.length > 1 ? parts[0] : '.');
    env.files.push(file);
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    if (file.endsWith('.tf.json')) {
      try {
        env.terraform.push({ file, stack: parts.length > 3 ? parts[parts.length - 2] : path.basename(file), json: JSON.parse(text) });
      } catch (err) {
        unreadable.push({ file, message: `not valid JSON: ${(err as Error).message}` });
      }
    } else if (/\.ya?ml$/.test(file) && path.basename(file) !== 'kustomization.yaml') {
      // YAML 1.1, as kubectl reads it: an unquoted `on` is a boolean there, and should fail here too.
      const docs = parseAllDocuments(text, { version: '1.1' });
      const app = parts.length > 3 ? parts[parts.length - 2] : '.';
      for (const doc of Array.isArray(docs) ? docs : [docs]) {
        if (doc.errors.length > 0) {
          unreadable.push({ file, message: `not valid YAML: ${doc.errors[0].message.split('\n')[0]}` });
          continue;
        }
        const obj = doc.toJS();
        if (obj && typeof obj === 'object') env.manifests.push({ file, app, obj });
      }
    }
  }
  return { dir, environments: [...byEnv.values()].sort((a, b) => (a.name < b.name ? -1 : 1)), unreadable };
}

/** `Deployment edw/consumer`, `Namespace edw`: how findings name a Kubernetes object. */
export function describeObject(obj: K8sObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata?.name}`;
}

/** Every resource of a type across an environment's stacks, with its address. */
export function resourcesOfType(env: EnvironmentOutput, type: string): { file: string; address: string; name: string; body: Record<string, any> }[] {
  const out: { file: string; address: string; name: string; body: Record<string, any> }[] = [];
  for (const tf of env.terraform) {
    for (const [name, body] of Object.entries(tf.json.resource?.[type] ?? {})) out.push({ file: tf.file, address: `${type}.${name}`, name, body });
  }
  return out;
}

/** A parsed JSON/YAML object, read loosely. */
export type JsonMap = Record<string, any>;

/** A JSON/YAML mapping (not null, not a list). */
export const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
