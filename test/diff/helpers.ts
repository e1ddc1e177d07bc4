import * as fs from 'fs';
import * as path from 'path';
import { run } from '../../src/cli';
import { captureIo, tempDir } from '../synth/helpers';

/** One environment keeps each diff quick; the comparison does not depend on how many there are. */
export const ENV = 'aws-dev';

const created: string[] = [];

/** A fresh synth of `env` (ENV by default) into a temp dir: the "committed" output the tests plant changes in. */
export function freshDist(label: string, env = ENV): string {
  const root = tempDir(`diff-${label}`);
  created.push(root);
  const dist = path.join(root, 'dist');
  const { io, err } = captureIo();
  if (run(['--out', dist, '--env', env, '--quiet'], io) !== 0) throw new Error(`synth failed: ${err.join('\n')}`);
  return dist;
}

/** A copy of a dist directory in its own temp dir. */
export function copyDist(from: string, label: string): string {
  const root = tempDir(`diff-${label}`);
  created.push(root);
  const dist = path.join(root, 'dist');
  fs.cpSync(from, dist, { recursive: true });
  return dist;
}

export function editJson(file: string, edit: (json: any) => void): void {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
}

export function cleanUp(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
