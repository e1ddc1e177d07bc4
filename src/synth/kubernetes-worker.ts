/**
 * Rendering on both cores. An environment's stacks and its Kubernetes half (charts, GitOps objects) read the same
 * model and nothing of each other, and each is about half of its rendering. A worker thread (kubernetes-thread.ts,
 * from its own bundle and code cache) renders the Kubernetes halves in the model's order while this thread renders
 * the stacks, then each environment is put together here exactly as when one thread renders both.
 *
 * Each environment's half is claimed once, by whichever thread gets to it first (a compare-and-swap on a shared
 * slot): while the worker is still loading, or when it fails, this thread renders the halves itself, so the
 * worker can only save time. A half the worker claimed and does not deliver within STALL_MS is rendered here.
 * ts-register.js starts the thread before this process's bundle loads, so both load at once. The worker's result
 * is the files, the apps left out and their missing outputs; an error it caught is thrown here with its message,
 * where the same error would have been thrown by one thread.
 */
import * as path from 'path';
import { receiveMessageOnPort, type MessagePort, type Worker } from 'worker_threads';
import type { Environment, Platform } from '../model/types';
import type { KubernetesRender } from './kubernetes';
import type { SynthOptions } from './synthesize';

/**
 * renderKubernetes, its module loaded on the first call: on the main thread only when the worker cannot render a
 * half (and then the charts' modules start there), or when there is no worker.
 */
export const renderKubernetes = (platform: Platform, env: Environment, options: SynthOptions): KubernetesRender =>
  (require('./kubernetes') as typeof import('./kubernetes')).renderKubernetes(platform, env, options);

/** A slot per environment: who renders its Kubernetes half. */
export const PENDING = 0;
export const WORKER = 1;
export const HERE = 2;
export const DELIVERED = 3;

/** What the worker is sent once the model is loaded. */
export interface Job {
  readonly platform: Platform;
  readonly environments: readonly string[];
  readonly options: SynthOptions;
  /** Int32Array slots, one per environment. */
  readonly slots: SharedArrayBuffer;
}

/** What the worker sends for each environment it claimed. */
export type Delivery = { readonly index: number } & ({ readonly render: KubernetesRender } | { readonly error: { message: string; stack?: string } });

/** A claimed half not delivered for this long is rendered here (a worker that hangs or died). */
const STALL_MS = 30_000;
const WAIT_SLICE_MS = 500;

const THREAD_ENTRY = path.join(__dirname, 'kubernetes-thread.ts');
/** ts-register.js starts the thread before this process's bundle loads, and hands it over here. */
const THREADS = Symbol.for('platform-synth.threads');
type TakeThread = (entry: string) => { worker: Worker; port: MessagePort } | undefined;

export interface KubernetesWorker {
  /** Hands the worker the environments to render (once the model is loaded). */
  assign(platform: Platform, selected: readonly Environment[], options: SynthOptions): void;
  /**
   * The Kubernetes half of the assigned environment `env`: the worker's, or rendered here. `tick` is called at
   * least every WAIT_SLICE_MS while it waits (the writer refreshes its lock there).
   */
  take(env: Environment, tick?: () => void): KubernetesRender;
  /** Claims what the worker has not started, and stops it if it never helped. */
  close(): void;
  /** How many halves the worker rendered and this thread took. */
  readonly delivered: number;
}

/** Takes over the worker ts-register.js started; undefined when it started none (jest, --debug, source maps, no bundle). */
export function takeKubernetesWorker(): KubernetesWorker | undefined {
  const thread = ((globalThis as Record<symbol, unknown>)[THREADS] as TakeThread | undefined)?.(THREAD_ENTRY);
  return thread && kubernetesWorker(thread.worker, thread.port);
}

/** The main thread's side of `worker`, which answers on `port` as kubernetes-thread.ts does. */
export function kubernetesWorker(worker: Worker, port: MessagePort, stallMs = STALL_MS): KubernetesWorker {
  let job: { selected: readonly Environment[]; slots: Int32Array; platform: Platform; options: SynthOptions } | undefined;
  const delivered = new Map<number, Delivery>();
  let taken = 0;

  return {
    get delivered() {
      return taken;
    },
    assign(platform, selected, options) {
      const slots = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, selected.length)));
      job = { selected, slots, platform, options };
      const message: Job = { platform, environments: selected.map((e) => e.name), options, slots: slots.buffer as SharedArrayBuffer };
      try {
        port.postMessage(message);
      } catch {
        // A model that cannot be copied to the worker: this thread renders every half.
        slots.fill(HERE);
        return;
      }
      // Now it works for this run: the process waits for it to exit (and write its code cache when it has new code).
      worker.ref();
    },
    take(env, tick = () => {}) {
      if (!job) throw new Error('kubernetes worker: take() before assign()');
      const { slots, selected, platform, options } = job;
      const index = selected.indexOf(env);
      if (index < 0 || Atomics.compareExchange(slots, index, PENDING, HERE) === PENDING) return renderKubernetes(platform, env, options);
      const since = Date.now();
      while (Atomics.load(slots, index) !== DELIVERED) {
        if (Date.now() - since > stallMs) return renderKubernetes(platform, env, options);
        Atomics.wait(slots, index, WORKER, Math.min(WAIT_SLICE_MS, stallMs));
        tick();
      }
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) delivered.set((m.message as Delivery).index, m.message as Delivery);
      const delivery = delivered.get(index);
      delivered.delete(index);
      // Nothing came with it: the worker could not send what it rendered.
      if (!delivery) return renderKubernetes(platform, env, options);
      if ('error' in delivery) {
        const err = new Error(delivery.error.message);
        if (delivery.error.stack) err.stack = delivery.error.stack;
        throw err;
      }
      taken++;
      return delivery.render;
    },
    close() {
      const slots = job?.slots ?? new Int32Array(0);
      for (let i = 0; i < slots.length; i++) Atomics.compareExchange(slots, i, PENDING, HERE);
      port.close();
      // A worker that delivered all it claimed is done and exits by itself, writing its code cache when it has new
      // code; one that never got to work, or still holds a half it claimed (stalled), is stopped.
      const delivering = Array.from(slots).some((slot) => slot === WORKER);
      const worked = Array.from(slots).some((slot) => slot === DELIVERED);
      // (Unreferenced first: a worker busy building its bundle cannot stop until the build ends, and nothing of it is needed.)
      if (delivering || !worked) {
        worker.unref();
        void worker.terminate();
      }
    },
  };
}
