/**
 * A minimal structural validator for emitted Kubernetes objects, no dependencies:
 * - CRD objects against the CRD's openAPIV3Schema (served version),
 * - core objects against the Kubernetes 1.28 OpenAPI (swagger 2.0) definitions.
 * It checks types, required fields, enums, patterns, bounds and rejects unknown fields where the
 * schema does not allow them (no additionalProperties, no x-kubernetes-preserve-unknown-fields),
 * which is what the API server's strict field validation does. CEL rules (x-kubernetes-validations)
 * are not evaluated; tests assert the ones that matter explicitly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const SCHEMAS = join(__dirname, '..', '..', '..', 'shared', 'schemas');

type Schema = Record<string, any>;

/** The openAPIV3Schema of a CRD version, keyed by apiVersion/kind. */
export function crdSchemas(...files: string[]): Map<string, Schema> {
  const out = new Map<string, Schema>();
  for (const file of files) {
    const crd = parse(readFileSync(join(SCHEMAS, 'crds', file), 'utf8'));
    for (const version of crd.spec.versions) {
      if (!version.served) continue;
      out.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, version.schema.openAPIV3Schema);
    }
  }
  return out;
}

let swagger: { definitions: Record<string, Schema> } | undefined;
function swaggerDefinitions(): Record<string, Schema> {
  swagger ??= JSON.parse(readFileSync(join(SCHEMAS, 'kubernetes', 'swagger-v1.28.json'), 'utf8'));
  return swagger!.definitions;
}

/** The 1.28 definition of a core kind, found by its x-kubernetes-group-version-kind. */
export function kubernetesSchema(apiVersion: string, kind: string): Schema | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  for (const def of Object.values(swaggerDefinitions())) {
    const gvks: Array<{ group: string; version: string; kind: string }> = def['x-kubernetes-group-version-kind'] ?? [];
    if (gvks.some((g) => g.group === group && g.version === version && g.kind === kind)) return def;
  }
  return undefined;
}

const QUANTITY_REF = '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity';
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** ObjectMeta rules the API server applies to every object (CRDs leave metadata untyped). */
function checkMetadata(meta: any, errors: string[]): void {
  if (!meta || typeof meta !== 'object') return void errors.push('metadata: missing');
  if (typeof meta.name !== 'string' || meta.name.length > 253 || !DNS1123_SUBDOMAIN.test(meta.name)) {
    errors.push(`metadata.name: "${meta.name}" is not a DNS-1123 subdomain`);
  }
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    if (!LABEL_KEY.test(k)) errors.push(`metadata.labels: bad key "${k}"`);
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) errors.push(`metadata.labels.${k}: bad value "${v}"`);
  }
}

/** Errors of one object against its schema; empty when valid. */
export function validate(obj: any, schema: Schema): string[] {
  const errors: string[] = [];
  checkMetadata(obj?.metadata, errors);
  const { metadata: _ignored, ...rest } = obj ?? {};
  const root = { ...schema, properties: { ...schema.properties } };
  delete root.properties.metadata; // checked above
  walk(rest, root, '', errors);
  return errors;
}

function resolve(schema: Schema): Schema {
  let s = schema;
  while (s.$ref) {
    const name = s.$ref.replace('#/definitions/', '');
    const target = swaggerDefinitions()[name];
    if (!target) throw new Error(`unresolved $ref ${s.$ref}`);
    s = { ...target, ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')), _ref: s.$ref };
  }
  return s;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function walk(value: unknown, raw: Schema, path: string, errors: string[]): void {
  const schema = resolve(raw);
  const at = path || '<root>';
  const actual = typeOf(value);

  // int-or-string and quantities accept both JSON types.
  const intOrString = schema['x-kubernetes-int-or-string'] || schema.format === 'int-or-string' || schema._ref === QUANTITY_REF;
  if (intOrString) {
    if (actual !== 'integer' && actual !== 'number' && actual !== 'string') errors.push(`${at}: expected int or string, got ${actual}`);
  } else if (schema.anyOf) {
    const ok = schema.anyOf.some((alt: Schema) => alt.type === actual || (alt.type === 'number' && actual === 'integer'));
    if (!ok) errors.push(`${at}: ${actual} matches none of anyOf`);
  } else if (schema.type) {
    const ok = schema.type === actual || (schema.type === 'number' && actual === 'integer');
    if (!ok) return void errors.push(`${at}: expected ${schema.type}, got ${actual}`);
  }

  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at}: "${String(value)}" not in enum [${schema.enum.join(', ')}]`);

  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${at}: "${value}" does not match ${schema.pattern}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${at}: longer than ${schema.maxLength}`);
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${at}: shorter than ${schema.minLength}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: below minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${at}: above maximum ${schema.maximum}`);
    if (schema.format === 'int32' && (value < -(2 ** 31) || value >= 2 ** 31)) errors.push(`${at}: not an int32`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${at}: fewer than ${schema.minItems} items`);
    if (schema.items) value.forEach((item, i) => walk(item, schema.items, `${path}[${i}]`, errors));
  }
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in obj)) errors.push(`${at}: missing required field "${key}"`);
    if (schema.maxProperties !== undefined && Object.keys(obj).length > schema.maxProperties) errors.push(`${at}: more than ${schema.maxProperties} properties`);
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    for (const [key, child] of Object.entries(obj)) {
      const childPath = path ? `${path}.${key}` : key;
      const prop = schema.properties?.[key];
      if (prop) walk(child, prop, childPath, errors);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') walk(child, schema.additionalProperties, childPath, errors);
      else if (schema.additionalProperties === true || preserve) continue;
      else errors.push(`${childPath}: unknown field`);
    }
  }
}
