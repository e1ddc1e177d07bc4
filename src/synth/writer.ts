/**
 * Writes rendered files into the output directory all at once, and never loses it:
 *
 * - Everything is staged in a sibling directory (`<out>.synth-staging`); files whose bytes are already in
 *   the output are hard-linked from it, not rewritten, and a synth that changes nothing touches nothing.
 * - A staged tree is complete once it is renamed to `<out>.synth-ready`. The swap is then two renames
 *   (`<out>` → `<out>.synth-retired`, ready → `<out>`); killed at any instant, `recoverOutput` (run by the
 *   next synth, diff or validate before anything else) finishes the swap from the ready tree, or puts the
 *   retired one back, and removes what is left over. `<out>` is the whole old tree or the whole new one.
 * - All of it happens under a lock on the output directory (proper-lockfile: `<out>.synth-lock`), so two
 *   synths never interleave: the second waits a bounded time, then fails with a message. A killed
 *   process's lock goes stale after LOCK_STALE_MS; a live writer keeps refreshing it.
 * - Faults a user can cause (read-only or full disks, a file where a directory should be, an output
 *   directory holding files synth did not write) are OutputErrors: one line naming the path and cause,
 *   and nothing replaced.
 */
import * as realFs from 'fs';
import * as path from 'path';
import * as lockfile from 'proper-lockfile';
import { ENVIRONMENT_FILES, ENVIRONMENT_SUBDIRECTORIES } from './layout';
import { isInsideOutput, startPrestage, type Prestaged } from './prestage';

/** How long a synth waits for another's lock before giving up; PLATFORM_SYNTH_LOCK_TIMEOUT_MS overrides. */
export const LOCK_TIMEOUT_MS = 60_000;
/** A lock not refreshed for this long belongs to a killed process; PLATFORM_SYNTH_LOCK_STALE_MS overrides (min 2000). */
export const LOCK_STALE_MS = 10_000;
/** How often a writer refreshes its lock while it stages files. */
const LOCK_REFRESH_MS = 2_000;

/** A fault the user can act on: named by path and cause, printed on one line. */
export class OutputError extends Error {
  constructor(
    message: string,
    /** 2: the arguments name something synth must not replace; 1: the file system refused. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** The steps of a write, for the fault-injection hook (tests kill or fail the writer at each). */
export type WriteStep = 'staged' | 'ready' | 'retired' | 'swapped';

/** The file-system calls the writer makes; tests replace some to inject faults (EROFS, ENOSPC, …). */
export type WriterFs = Pick<
  typeof realFs,
  | 'existsSync'
  | 'statSync'
  | 'mkdirSync'
  | 'writeFileSync'
  | 'readFileSync'
  | 'linkSync'
  | 'copyFileSync'
  | 'renameSync'
  | 'rmSync'
  | 'readdirSync'
  | 'accessSync'
>;

export interface WriteOptions {
  /**
   * Top-level entries of the existing output to carry over unchanged (the environments not synthesized
   * this time), decided under the lock from what the output holds then. Everything else is replaced.
   */
  readonly keep?: (entry: string) => boolean;
  /** Fault injection: called after each step; whatever it throws ends the write there, as a crash would. */
  readonly at?: (step: WriteStep) => void;
  readonly fs?: Partial<WriterFs>;
  /** Called once when the lock is held by another process and this one starts waiting. */
  readonly onWait?: (lock: string) => void;
}

export interface WriteSummary {
  /** Files whose bytes were written (new or changed). */
  readonly written: number;
  /** Files carried over by a hard link (unchanged or kept). */
  readonly linked: number;
  readonly removed: number;
  /** True when the output already was exactly this tree: nothing was touched. */
  readonly unchanged: boolean;
  /** What recovery did before the write (an interrupted earlier run), for the user. */
  readonly recovered: readonly string[];
}

/** The sibling paths the writer uses next to `target`. */
export function outputSiblings(target: string) {
  return {
    staging: `${target}.synth-staging`,
    ready: `${target}.synth-ready`,
    retired: `${target}.synth-retired`,
    lock: `${target}.synth-lock`,
    /** Files written while the rest rendered (./prestage.ts), the staged tree's start: one per process. */
    prestage: `${target}.synth-prestage-${process.pid}`,
  };
}

function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const CAUSES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a file is where a directory should be',
  EISDIR: 'a directory is where a file should be',
  EEXIST: 'already exists',
  ENOENT: 'no such file or directory',
  EBUSY: 'busy',
  EMFILE: 'too many open files',
};

/** `cannot <verb> <path>: <cause>` for a file-system error; anything else is rethrown. */
function fsFault(err: unknown, verb: string, at: string): OutputError {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof OutputError) return err;
  if (typeof e?.code !== 'string') throw err;
  const where = typeof e.path === 'string' ? e.path : at;
  return new OutputError(`cannot ${verb} ${where}: ${CAUSES[e.code] ?? e.code} (${e.code})`);
}

/** Runs `action`; if the file system refuses, `undo` puts things back and the refusal becomes an OutputError. */
function attempt(action: () => void, undo: () => void, verb: string, at: string): void {
  try {
    action();
  } catch (err) {
    undo();
    throw fsFault(err, verb, at);
  }
}

/**
 * Runs `fn` holding the lock on `target`; waits (bounded) for another holder. The lock is a directory
 * beside the output, never inside it.
 */
export function withOutputLock<T>(target: string, fn: (refresh: () => void) => T, onWait?: (lock: string) => void): T {
  const { lock } = outputSiblings(target);
  const stale = envNumber('PLATFORM_SYNTH_LOCK_STALE_MS', LOCK_STALE_MS);
  const timeout = envNumber('PLATFORM_SYNTH_LOCK_TIMEOUT_MS', LOCK_TIMEOUT_MS);
  // The nearest existing ancestor must be a directory: `--out FILE/sub` is bad input, not a crash.
  let ancestor = path.dirname(target);
  while (!realFs.existsSync(ancestor) && path.dirname(ancestor) !== ancestor) ancestor = path.dirname(ancestor);
  if (!realFs.statSync(ancestor).isDirectory()) throw new OutputError(`cannot write ${target}: ${ancestor} is a file, not a directory`, 2);
  try {
    realFs.mkdirSync(path.dirname(target), { recursive: true });
  } catch (err) {
    throw fsFault(err, 'create', path.dirname(target));
  }
  const deadline = Date.now() + timeout;
  let release: (() => void) | undefined;
  let waited = false;
  while (!release) {
    try {
      release = lockfile.lockSync(target, { realpath: false, lockfilePath: lock, stale });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw fsFault(err, 'lock', lock);
      if (Date.now() >= deadline)
        throw new OutputError(
          `${target} is being written by another synth (lock ${lock}); gave up after ${Math.round(timeout / 1000)} s. A killed synth's lock expires after ${Math.round(stale / 1000)} s.`,
        );
      if (!waited) onWait?.(lock);
      waited = true;
      sleep(100);
    }
  }
  // proper-lockfile refreshes the lock on a timer, which cannot fire while this synchronous work runs: refresh by hand.
  let refreshed = Date.now();
  const refresh = () => {
    if (Date.now() - refreshed < LOCK_REFRESH_MS) return;
    refreshed = Date.now();
    const now = new Date();
    realFs.utimesSync(lock, now, now);
  };
  try {
    return fn(refresh);
  } finally {
    release();
  }
}

/**
 * Puts `target` back in one piece after an interrupted write (call it holding the lock): a complete
 * ready tree is swapped in; without one, a retired tree whose replacement never arrived is restored.
 * Staging and retired leftovers are removed. Returns what it did, for the user.
 */
export function recoverOutput(target: string, fsOverride: Partial<WriterFs> = {}): string[] {
  const fs: WriterFs = { ...realFs, ...fsOverride };
  const { staging, ready, retired } = outputSiblings(target);
  const notes: string[] = [];
  try {
    if (fs.existsSync(staging)) fs.rmSync(staging, { recursive: true, force: true });
    // Any process's prestage: the lock is held, so its writer has finished or is dead.
    const prestages = fs.existsSync(path.dirname(target))
      ? fs.readdirSync(path.dirname(target)).filter((name) => name.startsWith(`${path.basename(target)}.synth-prestage-`))
      : [];
    for (const name of prestages) fs.rmSync(path.join(path.dirname(target), name), { recursive: true, force: true });
    if (fs.existsSync(ready)) {
      if (fs.existsSync(target)) {
        fs.rmSync(retired, { recursive: true, force: true });
        fs.renameSync(target, retired);
      }
      fs.renameSync(ready, target);
      notes.push(`${target}: finished an interrupted synth's swap (its complete new tree is in place)`);
    } else if (!fs.existsSync(target) && fs.existsSync(retired)) {
      fs.renameSync(retired, target);
      notes.push(`${target}: restored the previous tree an interrupted synth had moved aside`);
    }
    if (fs.existsSync(retired)) fs.rmSync(retired, { recursive: true, force: true });
  } catch (err) {
    throw fsFault(err, 'recover', target);
  }
  return notes;
}

/** Locks `target`, recovers it from an interrupted write and releases it: what diff and validate do before reading. */
export function prepareOutput(target: string, onWait?: (lock: string) => void): string[] {
  const resolved = path.resolve(target);
  // Where synth could not write (a read-only checkout, say), there is nothing of its to recover, and no lock to take.
  try {
    realFs.accessSync(path.dirname(resolved), realFs.constants.W_OK);
  } catch {
    return [];
  }
  return withOutputLock(resolved, () => recoverOutput(resolved), onWait);
}

/** Refuses to replace a directory that holds anything synth did not write (nothing of the user's is ever deleted). */
function checkReplaceable(fs: WriterFs, target: string): void {
  if (!fs.existsSync(target)) return;
  if (!fs.statSync(target).isDirectory()) throw new OutputError(`refusing to write ${target}: it is a file, not an output directory`, 2);
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    const at = path.join(target, entry.name);
    const ours =
      entry.isDirectory() &&
      fs
        .readdirSync(at, { withFileTypes: true })
        .every((e) =>
          e.isDirectory()
            ? (ENVIRONMENT_SUBDIRECTORIES as readonly string[]).includes(e.name)
            : e.isFile() && (ENVIRONMENT_FILES as readonly string[]).includes(e.name),
        );
    if (!ours)
      throw new OutputError(
        `refusing to replace ${target}: ${at} is not an environment's output (expected only ${ENVIRONMENT_SUBDIRECTORIES.join('/, ')}/ and ${ENVIRONMENT_FILES.join(', ')})`,
        2,
      );
  }
}

/** Every directory under `dir` (itself included) must be writable, or the old tree could not be removed after the swap. */
function checkWritable(fs: WriterFs, dir: string): void {
  fs.accessSync(dir, realFs.constants.W_OK);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) checkWritable(fs, path.join(dir, entry.name));
}

function checkRelativePaths(files: ReadonlyMap<string, string>): void {
  for (const rel of files.keys()) if (!isInsideOutput(rel)) throw new Error(`refusing to write outside the output directory: ${rel}`);
}

export function writeOutput(outDir: string, files: ReadonlyMap<string, string>, options: WriteOptions = {}): WriteSummary {
  const target = path.resolve(outDir);
  checkRelativePaths(files);
  return withOutputLock(target, (refresh) => stageAndSwap(target, files, options, refresh, recoverOutput(target, options.fs)), options.onWait);
}

/**
 * writeOutput of the tree `render` returns, with `render` run holding the output's lock (after recovery): each
 * batch it passes to `stage` (an environment's files) is written by a worker thread while it renders on
 * (./prestage.ts), whose tree then becomes the staged one instead of being written again. With injected file-system calls
 * (the fault tests) nothing is prestaged.
 */
export function writeOutputWhile(
  outDir: string,
  /** `refresh` keeps the lock: for a render that waits (synth's second thread), besides each `stage`. */
  render: (stage: (files: ReadonlyMap<string, string>) => void, refresh: () => void) => ReadonlyMap<string, string>,
  options: WriteOptions = {},
): WriteSummary {
  const target = path.resolve(outDir);
  return withOutputLock(
    target,
    (refresh) => {
      const recovered = recoverOutput(target, options.fs);
      const prestager = options.fs === undefined && prestageable(target) ? startPrestage(target, outputSiblings(target).prestage) : undefined;
      try {
        const files = render((batch) => {
          prestager?.stage(batch);
          refresh();
        }, refresh);
        checkRelativePaths(files);
        const prestaged = prestager?.finish(refresh);
        // A failed worker's partial prestage goes before the writer writes everything itself (a full disk needs the room).
        if (prestager && !prestaged) prestager.discard();
        return stageAndSwap(target, files, options, refresh, recovered, prestaged);
      } finally {
        prestager?.discard();
      }
    },
    options.onWait,
  );
}

/** Where a prestage could be written: beside an output directory (or where one will be) that synth may write. */
function prestageable(target: string): boolean {
  try {
    realFs.accessSync(path.dirname(target), realFs.constants.W_OK);
    return !realFs.existsSync(target) || realFs.statSync(target).isDirectory();
  } catch {
    return false;
  }
}

/** The write itself, holding the lock: stage the tree (hard links for unchanged files, `prestaged` renamed in), then swap. */
function stageAndSwap(
  target: string,
  files: ReadonlyMap<string, string>,
  options: WriteOptions,
  refresh: () => void,
  recovered: string[],
  prestaged?: Prestaged,
): WriteSummary {
  const fs: WriterFs = { ...realFs, ...options.fs };
  const at = options.at ?? (() => {});
  const { staging, ready, retired } = outputSiblings(target);
  let existing: string[];
  try {
    checkReplaceable(fs, target);
    if (fs.existsSync(target)) checkWritable(fs, target);
    fs.accessSync(path.dirname(target), realFs.constants.W_OK);
    existing = listFiles(target, fs);
  } catch (err) {
    throw fsFault(err, 'write', target);
  }

  // The tree to write: the rendered files, then whatever the kept entries hold (they are not re-rendered).
  const planned = new Map<string, { content?: string }>();
  for (const rel of files.keys()) planned.set(rel, { content: files.get(rel)! });
  for (const rel of existing) if (options.keep?.(rel.split('/')[0]) && !planned.has(rel)) planned.set(rel, {});
  const same = (rel: string, content: string | undefined) => {
    if (content === undefined) return true;
    const onDisk = fs.readFileSync(path.join(target, rel));
    return onDisk.length === Buffer.byteLength(content) && onDisk.equals(Buffer.from(content));
  };
  const existingSet = new Set(existing);
  let unchangedFiles: Set<string>;
  try {
    unchangedFiles = new Set([...planned].filter(([rel, p]) => existingSet.has(rel) && same(rel, p.content)).map(([rel]) => rel));
  } catch (err) {
    throw fsFault(err, 'read', target);
  }
  const removed = existing.filter((rel) => !planned.has(rel)).length;
  if (removed === 0 && unchangedFiles.size === planned.size && existing.length === planned.size)
    return { written: 0, linked: 0, removed: 0, unchanged: true, recovered };

  let written = 0;
  let linked = 0;
  const dropStaging = () => fs.rmSync(staging, { recursive: true, force: true });
  attempt(
    () => {
      // The worker's tree is laid out as the staged one: it becomes the staging directory, and its files and
      // directories are not made twice. (On some file systems creating an inode is most of a cold synth.)
      if (prestaged && prestaged.written.length > 0) {
        fs.renameSync(prestaged.dir, staging);
        for (const rel of prestaged.written) if (!planned.has(rel) || unchangedFiles.has(rel)) fs.rmSync(path.join(staging, rel), { force: true });
      } else fs.mkdirSync(staging, { recursive: true });
      const made = new Set<string>();
      for (const rel of [...planned.keys()].sort()) {
        if (prestaged?.has(rel) && !unchangedFiles.has(rel)) {
          written++;
          continue;
        }
        const file = path.join(staging, rel);
        const dir = path.dirname(file);
        if (!made.has(dir)) {
          fs.mkdirSync(dir, { recursive: true });
          made.add(dir);
        }
        if (unchangedFiles.has(rel)) {
          try {
            fs.linkSync(path.join(target, rel), file);
          } catch {
            // A file system without hard links: a copy keeps the bytes.
            fs.copyFileSync(path.join(target, rel), file);
          }
          linked++;
        } else {
          fs.writeFileSync(file, planned.get(rel)!.content!);
          written++;
        }
        refresh();
      }
    },
    dropStaging,
    'write',
    staging,
  );
  at('staged');
  attempt(() => fs.renameSync(staging, ready), dropStaging, 'write', ready);
  // From here the new tree is complete: a crash is finished by the next command's recovery.
  at('ready');
  const hadTarget = fs.existsSync(target);
  const dropReady = () => fs.rmSync(ready, { recursive: true, force: true });
  if (hadTarget) attempt(() => fs.renameSync(target, retired), dropReady, 'replace', target);
  at('retired');
  attempt(
    () => fs.renameSync(ready, target),
    () => {
      // Put the old tree back; the ready tree goes (nothing of it was in place).
      if (hadTarget && !fs.existsSync(target)) fs.renameSync(retired, target);
      dropReady();
    },
    'replace',
    target,
  );
  at('swapped');
  fs.rmSync(retired, { recursive: true, force: true });
  return { written, linked, removed, unchanged: false, recovered };
}

/** Every file under a directory, as relative paths with forward slashes, sorted. */
export function listFiles(dir: string, fs: Pick<WriterFs, 'existsSync' | 'readdirSync'> = realFs): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out.sort();
}
