/**
 * Writing files while the rest renders. On a virtual disk, creating a file costs 0.1 to 1 ms (its inode and
 * blocks): dist/'s 708 files are a fifth of a cold synth, spent after rendering, on one core. A worker thread
 * writes each environment's changed files into `<out>.synth-prestage-<pid>` as soon as that environment is rendered,
 * on the other core, and that directory then becomes the writer's staged tree (its files and directories are not
 * made a second time). Nothing else about the write changes: the writer builds and swaps the staged tree as
 * always, under the same lock, and any file the worker did not write (or a worker that failed) it writes itself.
 *
 * The worker is plain JavaScript with no module of ours (it starts in milliseconds) and writes only files whose
 * bytes differ from the output's, so a synth that changes nothing creates nothing. The main thread waits for it
 * with Atomics.wait and reads its answer with receiveMessageOnPort: the writer stays synchronous.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';

/** What the worker wrote: `dir/<rel>` holds exactly the bytes staged for `rel`. */
export interface Prestaged {
  readonly dir: string;
  /** The files under `dir`, as relative paths. */
  readonly written: readonly string[];
  has(rel: string): boolean;
}

export interface Prestager {
  /** Hands a rendered batch to the worker (files whose paths could leave the output directory are not written). */
  stage(files: ReadonlyMap<string, string>): void;
  /**
   * Waits for the worker to write everything staged, calling `tick` at least every WAIT_SLICE_MS (the writer
   * refreshes its lock there); undefined if the worker failed or stalled (then nothing of it is used).
   */
  finish(tick?: () => void): Prestaged | undefined;
  /** finish() if needed, then removes the prestage directory, unless a stalled worker may still be writing in it (recovery will). */
  discard(): void;
}

/** The shared flags: [0] the worker's state (0 until it starts), [1] how many files it has handled (its progress). */
const STATE = 0;
const PROGRESS = 1;
const RUNNING = 1;
const DONE = 2;
/** How long the main thread waits at a time before calling `tick` again. */
const WAIT_SLICE_MS = 500;
/** A worker that has neither started nor handled a file for this long is given up on: the writer writes everything itself. */
const STALL_MS = 30_000;

const WORKER = `
const fs = require('fs');
const path = require('path');
const { workerData } = require('worker_threads');
const { target, dir, signal, port } = workerData;
const flags = new Int32Array(signal);
const written = [];
const made = new Set();
let failure;
Atomics.store(flags, ${STATE}, ${RUNNING});
port.on('message', (message) => {
  if (message === 'finish') {
    port.postMessage({ written, failure });
    port.close();
    Atomics.store(flags, ${STATE}, ${DONE});
    Atomics.notify(flags, ${STATE});
    return;
  }
  if (failure) return;
  try {
    for (const [rel, content] of message) {
      Atomics.add(flags, ${PROGRESS}, 1);
      try {
        if (fs.readFileSync(path.join(target, rel), 'utf8') === content) continue;
      } catch {
        // not in the output yet
      }
      const file = path.join(dir, rel);
      const parent = path.dirname(file);
      if (!made.has(parent)) {
        fs.mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      fs.writeFileSync(file, content);
      written.push(rel);
    }
  } catch (err) {
    failure = String((err && err.code) || err);
  }
});
`;

/** A path the writer may write under the output directory: relative, not empty, no `..` (the writer refuses the rest). */
export const isInsideOutput = (rel: string): boolean => rel !== '' && !path.isAbsolute(rel) && !rel.split('/').includes('..');

/** Starts a worker writing into `dir` the staged files that differ from those under `target`. */
export function startPrestage(target: string, dir: string): Prestager {
  const signal = new SharedArrayBuffer(8);
  const flags = new Int32Array(signal);
  const { port1, port2 } = new MessageChannel();
  // execArgv: [] keeps Node's `-r ./ts-register.js` (and any other preload) out of the worker: it needs fs and path only.
  const worker = new Worker(WORKER, { eval: true, execArgv: [], workerData: { target, dir, signal, port: port2 }, transferList: [port2] });
  worker.unref();
  let finished = false;
  let stalled = false;
  let result: Prestaged | undefined;

  const finish = (tick: () => void = () => {}): Prestaged | undefined => {
    if (finished) return result;
    finished = true;
    port1.postMessage('finish');
    // The worker always answers once it runs (each write returns or fails); a thread that never starts, or dies,
    // or a write that hangs, shows as no progress: then its prestage is not used.
    let progress = Atomics.load(flags, PROGRESS);
    let since = Date.now();
    while (Atomics.load(flags, STATE) !== DONE) {
      Atomics.wait(flags, STATE, Atomics.load(flags, STATE), WAIT_SLICE_MS);
      tick();
      const now = Atomics.load(flags, PROGRESS);
      if (now !== progress) [progress, since] = [now, Date.now()];
      else if (Date.now() - since > STALL_MS) {
        stalled = true;
        void worker.terminate();
        port1.close();
        return undefined;
      }
    }
    const answer = receiveMessageOnPort(port1)?.message as { written: string[]; failure?: string } | undefined;
    port1.close();
    void worker.terminate();
    if (!answer || answer.failure) return undefined;
    const written = new Set(answer.written);
    result = { dir, written: answer.written, has: (rel) => written.has(rel) };
    return result;
  };

  return {
    stage(files) {
      if (!finished) port1.postMessage([...files].filter(([rel]) => isInsideOutput(rel)));
    },
    finish,
    discard() {
      finish();
      if (!stalled) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
