import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../../src/cli';
import { listFiles } from '../../src/synth/writer';

export const REPO = path.resolve(__dirname, '../..');
/** Arguments that make a child `node` run TypeScript sources exactly as `npm run synth` does. */
export const RUN_TS = ['-r', path.join(REPO, 'ts-register.js')];

const created: string[] = [];
// Every test file that makes temp directories imports this module: they are removed when its tests are done.
afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the test file's last test. */
export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `platform-synth-${label}-`));
  created.push(dir);
  return dir;
}

/** path → sha256 of every file under dir: equal digests mean byte-identical trees. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of listFiles(dir))
    out[rel] = crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(dir, rel)))
      .digest('hex');
  return out;
}

export function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

/**
 * A full quiet synth of the default model into a fresh `dist` under a temp directory, once for the enclosing
 * describe block; the returned function gives its path inside tests.
 */
export function synthOnce(label: string): () => string {
  let out = '';
  beforeAll(() => {
    out = path.join(tempDir(label), 'dist');
    expect(run(['--out', out, '--quiet'], captureIo().io)).toBe(0);
  });
  return () => out;
}
