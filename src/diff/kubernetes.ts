/**
 * Compares one Kubernetes app's objects by identity (kind, namespace, name), not by file: a change
 * of key order or quoting is no object change, and an object is found wherever its file is.
 */
import { parseAllDocuments } from 'yaml';
import type { AppDiff, Change, ObjectChange } from './types';
import { differingPaths, equal } from './values';

export interface ParsedObject {
  readonly id: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly file: string;
  readonly obj: unknown;
}

/** The objects of one manifest file, or why it cannot be read. */
export function parseManifest(file: string, app: string, text: string): { objects: ParsedObject[]; error?: string } {
  // YAML 1.1, as kubectl reads it (and as charts/lib/render.ts writes it).
  const docs = parseAllDocuments(text, { version: '1.1' });
  const objects: ParsedObject[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) return { objects: [], error: `not valid YAML: ${doc.errors[0].message.split('\n')[0]}` };
    const obj = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
    if (obj === null || typeof obj !== 'object') continue;
    const kind = typeof obj.kind === 'string' ? obj.kind : '?';
    const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : file.slice(file.lastIndexOf('/') + 1);
    const namespace = typeof obj.metadata?.namespace === 'string' ? obj.metadata.namespace : undefined;
    objects.push({ id: `${app} ${kind} ${namespace ? `${namespace}/` : ''}${name}`, kind, namespace, name, file, obj });
  }
  return { objects };
}

function byId(objects: readonly ParsedObject[]): Map<string, ParsedObject> {
  const out = new Map<string, ParsedObject>();
  // Two objects with one identity are invalid anyway; keep both, told apart by file.
  for (const o of objects) out.set(out.has(o.id) ? `${o.id} (${o.file})` : o.id, o);
  return out;
}

/** Undefined when every object is equal on both sides. */
export function compareApp(app: string, change: Change, committed: readonly ParsedObject[], synthesized: readonly ParsedObject[]): AppDiff | undefined {
  const before = byId(committed);
  const after = byId(synthesized);
  const objects: ObjectChange[] = [];
  const describe = (id: string, o: ParsedObject) => ({ id, app, kind: o.kind, ...(o.namespace ? { namespace: o.namespace } : {}), name: o.name });
  for (const [id, o] of before) {
    const other = after.get(id);
    if (!other) objects.push({ ...describe(id, o), change: 'removed', files: [o.file] });
    else if (!equal(o.obj, other.obj))
      objects.push({ ...describe(id, o), change: 'changed', files: [...new Set([o.file, other.file])], paths: differingPaths(o.obj, other.obj) });
  }
  for (const [id, o] of after) if (!before.has(id)) objects.push({ ...describe(id, o), change: 'added', files: [o.file] });
  if (change === 'changed' && objects.length === 0) return undefined;
  return { app, change, objects: objects.sort((a, b) => (a.id < b.id ? -1 : 1)) };
}
