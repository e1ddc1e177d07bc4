import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import { once } from 'events';
import * as path from 'path';
import { MessageChannel, Worker } from 'worker_threads';
import { loadModel } from '../../src/cli/toolkit';
import { renderKubernetes, type KubernetesRender } from '../../src/synth/kubernetes';
import { run } from '../../src/cli';
import { DELIVERED, PENDING, WORKER, kubernetesWorker, type KubernetesWorker } from '../../src/synth/kubernetes-worker';
import { DEFAULT_OUTPUTS_DIR } from '../../src/synth/outputs';
import { synthesizeEnvironment } from '../../src/synth/synthesize';
import { captureIo, REPO, RUN_TS, tempDir, treeDigest } from './helpers';

const platform = loadModel();
const options = { outputsDir: DEFAULT_OUTPUTS_DIR };
const [awsDev] = platform.environments;

/**
 * A stand-in for kubernetes-thread.ts that claims the first environment and then does `behaviour`: delivers a
 * render or an error, delivers nothing, or never answers; `idle` claims nothing. It tells the test once it has claimed.
 */
const FAKE = `
const { parentPort, workerData } = require('worker_threads');
const { port, behaviour, PENDING, WORKER, DELIVERED } = workerData;
port.once('message', (job) => {
  const slots = new Int32Array(job.slots);
  if (behaviour === 'idle') return parentPort.postMessage('ready');
  Atomics.compareExchange(slots, 0, PENDING, WORKER);
  parentPort.postMessage('ready');
  if (behaviour === 'stall') return setInterval(() => {}, 1000);
  if (behaviour === 'deliver')
    port.postMessage({ index: 0, render: { files: new Map([['aws-dev/kubernetes/x/a.yaml', 'from the worker\\n']]), skippedApps: [], missing: [], manifests: 1 } });
  if (behaviour === 'error') port.postMessage({ index: 0, error: { message: 'two objects would be written to x/a.yaml' } });
  Atomics.store(slots, 0, DELIVERED);
  Atomics.notify(slots, 0);
  port.close();
});`;

async function fakeWorker(behaviour: 'idle' | 'deliver' | 'error' | 'empty' | 'stall', stallMs?: number) {
  const { port1, port2 } = new MessageChannel();
  const thread = new Worker(FAKE, { eval: true, workerData: { port: port2, behaviour, PENDING, WORKER, DELIVERED }, transferList: [port2] });
  const exited = once(thread, 'exit');
  const side = kubernetesWorker(thread, port1, stallMs);
  side.assign(platform, platform.environments, options);
  await once(thread, 'message');
  return { side, exited };
}

describe('the Kubernetes halves on a second thread (kubernetes-worker.ts)', () => {
  const here = renderKubernetes(platform, awsDev, options);

  it("takes the worker's render of a half it claimed", async () => {
    const { side, exited } = await fakeWorker('deliver');
    expect([...side.take(awsDev).files]).toEqual([['aws-dev/kubernetes/x/a.yaml', 'from the worker\n']]);
    expect(side.delivered).toBe(1);
    // The second environment was never claimed: rendered here, as one thread would.
    expect(side.take(platform.environments[1]).files).toEqual(renderKubernetes(platform, platform.environments[1], options).files);
    side.close();
    await exited;
  });

  it('renders here every half the worker has not claimed', async () => {
    const { side, exited } = await fakeWorker('idle');
    expect(side.take(awsDev).files).toEqual(here.files);
    expect(side.delivered).toBe(0);
    side.close(); // a worker that never worked is stopped
    await exited;
  });

  it("throws the worker's error with its message, as rendering here would have", async () => {
    const { side, exited } = await fakeWorker('error');
    expect(() => side.take(awsDev)).toThrow('two objects would be written to x/a.yaml');
    side.close();
    await exited;
  });

  it('renders here a half the worker claimed but could not send', async () => {
    const { side, exited } = await fakeWorker('empty');
    expect(side.take(awsDev).files).toEqual(here.files);
    side.close();
    await exited;
  });

  it('renders here a half the worker claimed and does not deliver in time, and stops that worker', async () => {
    const { side, exited } = await fakeWorker('stall', 300);
    const tick = jest.fn(); // the writer's lock refresh
    expect(side.take(awsDev, tick).files).toEqual(here.files);
    expect(tick).toHaveBeenCalled();
    side.close();
    await exited; // it would otherwise run for ever (its interval)
  });
});

describe('kubernetes-thread.ts, the real thread, loaded as synth loads it', () => {
  it('renders each environment as the main thread does', async () => {
    const { port1, port2 } = new MessageChannel();
    const entry = path.join(REPO, 'src', 'synth', 'kubernetes-thread.ts');
    const boot = `require(${JSON.stringify(path.join(REPO, 'ts-register.js'))}).loadInThread(${JSON.stringify(entry)});`;
    const thread = new Worker(boot, { eval: true, execArgv: [], workerData: { port: port2 }, transferList: [port2] });
    const exited = once(thread, 'exit');
    const side = kubernetesWorker(thread, port1);
    side.assign(platform, platform.environments, options);
    // Nothing is taken here until it is done: it claims every half, sends each and exits.
    await exited;
    // (Spread: a Map that came through a MessagePort belongs to the outer realm, which jest's toEqual cannot read.)
    const plain = (r: KubernetesRender) => ({ ...r, files: [...r.files] });
    for (const env of platform.environments) expect(plain(side.take(env))).toEqual(plain(renderKubernetes(platform, env, options)));
    expect(side.delivered).toBe(platform.environments.length);
    side.close();
  }, 90_000);
});

describe('synth with and without the second thread', () => {
  it('writes the same files', () => {
    const dir = tempDir('threads');
    const synth = (out: string, env: Record<string, string>) =>
      spawnSync(process.execPath, [...RUN_TS, 'src/cli.ts', '--out', out, '--quiet'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
    const two = synth(path.join(dir, 'two'), {});
    const one = synth(path.join(dir, 'one'), { PLATFORM_SYNTH_NO_THREAD: '1' });
    expect([two.status, one.status, two.stderr.includes('error'), one.stderr.includes('error')]).toEqual([0, 0, false, false]);
    const digest = treeDigest(path.join(dir, 'two'));
    expect(Object.keys(digest).length).toBeGreaterThan(500);
    expect(digest).toEqual(treeDigest(path.join(dir, 'one')));
    expect(digest).toEqual(treeDigest(path.join(REPO, 'dist')));
    // The worker keeps a V8 code cache of its own: the threads exit at different times and each writes its whole file.
    const cacheDir = path.join(REPO, 'node_modules', '.cache', 'ts-register', createHash('sha256').update(REPO).digest('hex').slice(0, 16));
    expect(fs.readdirSync(cacheDir).filter((f) => /^v8-thread-.*\.bin$/.test(f))).toHaveLength(1);
  }, 60_000);
});

describe("synth's use of the worker (src/cli.ts)", () => {
  const fake = () => {
    const seen = { assigned: [] as string[], taken: [] as string[], closed: false };
    const worker: KubernetesWorker = {
      assign: (_, selected) => void (seen.assigned = selected.map((e) => e.name)),
      take: (env) => (seen.taken.push(env.name), renderKubernetes(platform, env, options)),
      close: () => void (seen.closed = true),
      delivered: 0,
    };
    return { seen, worker };
  };

  it('hands it the selected environments, takes each Kubernetes half from it and closes it', () => {
    const { seen, worker } = fake();
    const out = path.join(tempDir('worker-cli'), 'dist');
    expect(run(['--out', out, '--quiet', '--env', 'aws-dev'], captureIo().io, { synthesizeEnvironment, kubernetesWorker: () => worker })).toBe(0);
    expect(seen).toEqual({ assigned: ['aws-dev'], taken: ['aws-dev'], closed: true });
    expect(treeDigest(path.join(out, 'aws-dev'))).toEqual(treeDigest(path.join(REPO, 'dist', 'aws-dev')));
  });

  it('closes it on bad input too, before anything is assigned', () => {
    const { seen, worker } = fake();
    expect(run(['--env', 'nowhere'], captureIo().io, { synthesizeEnvironment, kubernetesWorker: () => worker })).toBe(2);
    expect(seen).toEqual({ assigned: [], taken: [], closed: true });
  });
});
