/**
 * The worker thread of kubernetes-worker.ts: renders the Kubernetes half of each environment it claims, in the
 * model's order, and sends it back. Loaded by ts-register.js's loadInThread, from its own bundle.
 */
import { workerData, type MessagePort } from 'worker_threads';
import { deepFreeze } from '../model/defaults';
import { DELIVERED, PENDING, WORKER, type Delivery, type Job } from './kubernetes-worker';
import { renderKubernetes } from './kubernetes';

const { port } = workerData as { port: MessagePort };

port.once('message', (job: Job) => {
  const slots = new Int32Array(job.slots);
  // A copy of the model, read-only as the main thread's is: a chart that wrote to it fails here as it would there.
  deepFreeze(job.platform);
  for (let index = 0; index < job.environments.length; index++) {
    if (Atomics.compareExchange(slots, index, PENDING, WORKER) !== PENDING) continue;
    let delivery: Delivery;
    try {
      const env = job.platform.environments.find((e) => e.name === job.environments[index]);
      if (!env) throw new Error(`kubernetes worker: no environment ${job.environments[index]}`);
      delivery = { index, render: renderKubernetes(job.platform, env, job.options) };
    } catch (err) {
      delivery = { index, error: { message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined } };
    }
    try {
      port.postMessage(delivery);
    } catch {
      // Not cloneable: delivered as nothing, and the main thread renders this half itself.
    }
    Atomics.store(slots, index, DELIVERED);
    Atomics.notify(slots, index);
  }
  port.close();
});
