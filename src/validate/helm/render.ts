/** Runs `helm template`, a few processes at a time, each distinct render once per run. */
import { execFile } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface RenderRequest {
  readonly chartPath: string;
  readonly releaseName: string;
  readonly namespace: string;
  /** `1.33`; omitted: helm's own default. */
  readonly kubeVersion?: string;
  readonly values: Record<string, unknown>;
  readonly parameters: readonly { readonly name: string; readonly value: string; readonly forceString: boolean }[];
}

export interface RenderResult {
  readonly ok: boolean;
  /** The manifests on success, helm's stderr otherwise. */
  readonly output: string;
}

/** JSON with sorted keys: equal values give equal text, so equal renders share a hash. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export function renderKey(r: RenderRequest): string {
  return crypto
    .createHash('sha256')
    .update(canonical({ ...r, chartPath: path.resolve(r.chartPath) }))
    .digest('hex');
}

/** `1.33` → `1.33.0`: a cluster reports a patch version, and charts compare `.Capabilities.KubeVersion` with semver ranges. */
export function fullKubeVersion(v: string): string {
  return /^v?\d+\.\d+$/.test(v) ? `${v}.0` : v;
}

export class HelmRenderer {
  private readonly queue: (() => void)[] = [];
  private active = 0;
  private readonly memo = new Map<string, Promise<[RenderResult, RenderResult]>>();
  private readonly workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-helm-'));
  /** helm processes started: twice per distinct render. */
  processes = 0;

  constructor(
    private readonly helm: string,
    // helm is partly waiting on chart files: twice the cores, 2 to 4, measured fastest on 2 cores.
    private readonly parallel = Math.max(2, Math.min(4, os.cpus().length * 2)),
  ) {}

  /** Two independent renders of the same request (the second shows whether the first is reproducible). */
  renderTwice(request: RenderRequest): Promise<[RenderResult, RenderResult]> {
    const key = renderKey(request);
    let pending = this.memo.get(key);
    if (!pending) {
      const valuesFile = path.join(this.workDir, `${key}.json`);
      // JSON is YAML: helm reads the values file as it is.
      fs.writeFileSync(valuesFile, JSON.stringify(request.values));
      const args = [
        'template',
        request.releaseName,
        request.chartPath,
        '--namespace',
        request.namespace,
        ...(request.kubeVersion ? ['--kube-version', fullKubeVersion(request.kubeVersion)] : []),
        '--include-crds',
        '--values',
        valuesFile,
        ...request.parameters.flatMap((p) => [p.forceString ? '--set-string' : '--set', `${p.name}=${p.value}`]),
      ];
      pending = Promise.all([this.run(args), this.run(args)]);
      this.memo.set(key, pending);
    }
    return pending;
  }

  get distinctRenders(): number {
    return this.memo.size;
  }

  /** Removes the values files; call once every render has finished. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.memo.values()]);
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }

  private async run(args: readonly string[]): Promise<RenderResult> {
    if (this.active >= this.parallel) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    this.processes++;
    try {
      return await new Promise<RenderResult>((resolve) => {
        execFile(this.helm, args, { maxBuffer: 256 * 1024 * 1024, timeout: 120_000, env: helmEnv(this.workDir) }, (err, stdout, stderr) =>
          resolve(err ? { ok: false, output: (stderr || err.message).trim() } : { ok: true, output: stdout }),
        );
      });
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** helm's own state kept in the run's scratch directory: no user repositories or plugins change a render. */
function helmEnv(workDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HELM_CACHE_HOME: path.join(workDir, 'cache'),
    HELM_CONFIG_HOME: path.join(workDir, 'config'),
    HELM_DATA_HOME: path.join(workDir, 'data'),
  };
}
