/**
 * Writing files while the rest renders. On a virtual disk, creating a file costs 0.1 to 1 ms (its inode and
 * blocks): dist/'s 708 files are a fifth of a cold synth, spent after rendering, on one core. A worker thread
 * writes each environment's changed files into `<out>.synth-prestage` as soon as that environment is rendered,
 * on the other core, and the writer then renames them into its staged tree (several times cheaper than
 * writing them there). Nothing else about the write changes: the writer builds and swaps the staged tree as
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
  has(rel: string): boolean;
}

export interface Prestager {
  /** Hands a rendered batch to the worker (files whose paths could leave the output directory are not written). */
  stage(files: ReadonlyMap<string, string>): void;
  /** Waits for the worker to write everything staged; undefined if it failed (then nothing of it is used). */
  finish(): Prestaged | undefined;
  /** finish() if needed, then removes the prestage directory and whatever is left in it. */
  discard(): void;
}

/** Flag states: the worker sets RUNNING when it starts and DONE after its last answer. */
const STARTING = 0;
const RUNNING = 1;
const DONE = 2;
/** A worker that has not started by then never will (the thread could not be created): go on without it. */
const START_TIMEOUT_MS = 10_000;

const WORKER = `
const fs = require('fs');
const path = require('path');
const { workerData } = require('worker_threads');
const { target, dir, signal, port } = workerData;
const flag = new Int32Array(signal);
const written = [];
const made = new Set();
let failure;
Atomics.store(flag, 0, ${RUNNING});
port.on('message', (message) => {
  if (message === 'finish') {
    port.postMessage({ written, failure });
    port.close();
    Atomics.store(flag, 0, ${DONE});
    Atomics.notify(flag, 0);
    return;
  }
  if (failure) return;
  try {
    for (const [rel, content] of message) {
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

const safe = (rel: string) => rel !== '' && !path.isAbsolute(rel) && !rel.split('/').includes('..');

/** Starts a worker writing into `dir` the staged files that differ from those under `target`. */
export function startPrestage(target: string, dir: string): Prestager {
  const signal = new SharedArrayBuffer(4);
  const flag = new Int32Array(signal);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER, { eval: true, workerData: { target, dir, signal, port: port2 }, transferList: [port2] });
  worker.unref();
  let finished = false;
  let result: Prestaged | undefined;

  const finish = (): Prestaged | undefined => {
    if (finished) return result;
    finished = true;
    port1.postMessage('finish');
    // Not started in time: it never will, and it wrote nothing. Started: it always answers (each write returns or fails).
    if (Atomics.wait(flag, 0, STARTING, START_TIMEOUT_MS) === 'timed-out' && Atomics.load(flag, 0) === STARTING) {
      void worker.terminate();
      return undefined;
    }
    while (Atomics.load(flag, 0) !== DONE) Atomics.wait(flag, 0, RUNNING);
    const answer = receiveMessageOnPort(port1)?.message as { written: string[]; failure?: string } | undefined;
    port1.close();
    void worker.terminate();
    if (!answer || answer.failure) return undefined;
    const written = new Set(answer.written);
    result = { dir, has: (rel) => written.has(rel) };
    return result;
  };

  return {
    stage(files) {
      if (!finished) port1.postMessage([...files].filter(([rel]) => safe(rel)));
    },
    finish,
    discard() {
      finish();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
