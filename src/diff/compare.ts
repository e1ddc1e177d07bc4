/**
 * Compares two output trees held in memory (path relative to the output directory → content):
 * the committed one and a fresh synth. Pure: no file system, no git.
 */
import { costDelta, type CostDelta } from '../cost/delta';
import type { Estimate } from '../cost/estimate';
import { COST_FILE } from '../synth/layout';
import { compareApp, parseManifest, type ParsedObject } from './kubernetes';
import { compareStack, type TerraformJson } from './terraform';
import type { AppDiff, Change, EnvironmentDiff, FileChange, StackDiff } from './types';

export type FileMap = ReadonlyMap<string, string>;

/**
 * `<env>/terraform/<stack>/cdk.tf.json` → the stack; `<env>/kubernetes/<app>/…` → the app;
 * `<env>/gitops/<dir>/…` → the app `gitops/<dir>` (Argo CD / Flux objects are compared as objects too).
 */
function placeOf(file: string): { env: string; stack?: string; app?: string; manifest?: boolean } {
  const parts = file.split('/');
  const env = parts.length > 1 ? parts[0] : '.';
  if (parts.length === 4 && parts[1] === 'terraform' && parts[3] === 'cdk.tf.json') return { env, stack: parts[2] };
  if (parts.length >= 4 && (parts[1] === 'kubernetes' || parts[1] === 'gitops'))
    return {
      env,
      app: parts[1] === 'gitops' ? `gitops/${parts[2]}` : parts[2],
      manifest: parts.length === 4 && /\.ya?ml$/.test(parts[3]) && parts[3] !== 'kustomization.yaml',
    };
  return { env };
}

const changeOf = (inCommitted: boolean, inSynthesized: boolean): Change => (!inCommitted ? 'added' : !inSynthesized ? 'removed' : 'changed');

const sorted = <T>(items: Iterable<T>) => [...items].sort();

function parseJson(text: string | undefined, side: string, notes: Map<string, string>, file: string): TerraformJson | undefined | null {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as TerraformJson;
  } catch (err) {
    notes.set(file, `${side}: not valid JSON: ${(err as Error).message}`);
    return null;
  }
}

function compareEnvironment(env: string, committed: Map<string, string>, synthesized: Map<string, string>, differing: readonly string[]): EnvironmentDiff {
  const explained = new Set<string>();
  const notes = new Map<string, string>();

  const terraform: StackDiff[] = [];
  for (const file of differing) {
    const { stack } = placeOf(file);
    if (!stack) continue;
    const before = parseJson(committed.get(file), 'committed', notes, file);
    const after = parseJson(synthesized.get(file), 'synthesized', notes, file);
    if (before === null || after === null) continue;
    const diff = compareStack(stack, file, before, after);
    if (diff) {
      terraform.push(diff);
      explained.add(file);
    }
  }

  const kubernetes: AppDiff[] = [];
  const apps = new Set(differing.map((f) => placeOf(f).app).filter((a): a is string => a !== undefined));
  for (const app of sorted(apps)) {
    const inApp = (files: Map<string, string>) => [...files.keys()].filter((f) => placeOf(f).app === app);
    const objectsOf = (files: Map<string, string>, side: string) => {
      const objects: ParsedObject[] = [];
      for (const file of inApp(files).filter((f) => placeOf(f).manifest)) {
        const parsed = parseManifest(file, app, files.get(file)!);
        if (parsed.error) notes.set(file, `${side}: ${parsed.error}`);
        objects.push(...parsed.objects);
      }
      return objects;
    };
    const diff = compareApp(
      app,
      changeOf(inApp(committed).length > 0, inApp(synthesized).length > 0),
      objectsOf(committed, 'committed'),
      objectsOf(synthesized, 'synthesized'),
    );
    if (diff) {
      kubernetes.push(diff);
      for (const o of diff.objects) for (const f of o.files) explained.add(f);
    }
  }

  // The estimate each side committed: its change is the cost of the change.
  let cost: CostDelta | undefined;
  const costFile = `${env}/${COST_FILE}`;
  if (differing.includes(costFile)) {
    const before = parseJson(committed.get(costFile), 'committed', notes, costFile) as unknown as Estimate | null | undefined;
    const after = parseJson(synthesized.get(costFile), 'synthesized', notes, costFile) as unknown as Estimate | null | undefined;
    if (before !== null && after !== null) {
      cost = costDelta(before, after);
      explained.add(costFile);
    }
  }

  const files: FileChange[] = [];
  for (const file of differing) {
    // A file that cannot be parsed is always named, even when objects read from its other side explain it.
    if (explained.has(file) && !notes.has(file)) continue;
    const change = changeOf(committed.has(file), synthesized.has(file));
    const { stack, manifest } = placeOf(file);
    // A parsed file whose difference no object or resource explains differs in formatting only.
    const note = notes.get(file) ?? (stack || manifest ? (change === 'changed' ? 'formatting only' : 'no object or resource change') : undefined);
    files.push({ file, change, ...(note ? { note } : {}) });
  }

  return { environment: env, change: changeOf(committed.size > 0, synthesized.size > 0), terraform, kubernetes, files, ...(cost ? { cost } : {}) };
}

/** Every environment that differs, sorted; empty when the trees are byte-identical. */
export function compareOutputs(committed: FileMap, synthesized: FileMap): EnvironmentDiff[] {
  const byEnv = new Map<string, { committed: Map<string, string>; synthesized: Map<string, string> }>();
  const side = (file: string) => {
    const env = placeOf(file).env;
    if (!byEnv.has(env)) byEnv.set(env, { committed: new Map(), synthesized: new Map() });
    return byEnv.get(env)!;
  };
  for (const [file, text] of committed) side(file).committed.set(file, text);
  for (const [file, text] of synthesized) side(file).synthesized.set(file, text);

  const diffs: EnvironmentDiff[] = [];
  for (const env of sorted(byEnv.keys())) {
    const { committed: before, synthesized: after } = byEnv.get(env)!;
    const differing = sorted(new Set([...before.keys(), ...after.keys()])).filter((f) => before.get(f) !== after.get(f));
    if (differing.length > 0) diffs.push(compareEnvironment(env, before, after, differing));
  }
  return diffs;
}
