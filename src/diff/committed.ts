/**
 * The committed output to compare with: a directory on disk, or that directory's tree in a git
 * revision (read from the object store, so the working tree and index do not matter).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { listFiles } from '../synth/writer';

/** The committed output cannot be read: a usage problem (exit 2), not drift. */
export class CommittedOutputError extends Error {}

export function readDirectory(dir: string): Map<string, string> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new CommittedOutputError(`${dir} is not a directory; run npm run synth first`);
  const files = new Map<string, string>();
  for (const rel of listFiles(dir)) files.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8'));
  return files;
}

/**
 * `dir` as committed in `ref` of the repository that holds it: `git ls-tree -r <ref> -- <dir>`
 * for the files, then one `git cat-file --batch` for all their contents (a `git show` per file
 * costs a process each, about half a second for the default model's 300 files).
 */
export function readGitTree(dir: string, ref: string): Map<string, string> {
  // An option-like ref would be read by git as an option: execFileSync passes no shell, but git parses argv.
  if (ref === '' || ref.startsWith('-')) throw new CommittedOutputError(`--against ${JSON.stringify(ref)} is not a git revision`);
  const cwd = path.dirname(dir);
  const name = path.basename(dir);
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd, input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed' : `no such commit in the git repository at ${cwd}`;
    throw new CommittedOutputError(`--against ${ref}: ${why}`);
  }
  // -z: paths unquoted, NUL-terminated. Paths are relative to cwd, so they start with `<name>/`.
  const entries: { oid: string; file: string }[] = [];
  for (const record of git(['ls-tree', '-r', '-z', ref, '--', name]).toString('utf8').split('\0')) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(record);
    if (match && match[2].startsWith(`${name}/`)) entries.push({ oid: match[1], file: match[2].slice(name.length + 1) });
  }
  const files = new Map<string, string>();
  if (entries.length === 0) return files;
  // Each answer: "<oid> blob <size>\n<content>\n", in the order asked.
  const out = git(['cat-file', '--batch'], entries.map((e) => e.oid).join('\n') + '\n');
  let at = 0;
  for (const { file } of entries) {
    const eol = out.indexOf(0x0a, at);
    const header = out.toString('utf8', at, eol);
    const size = Number(header.split(' ')[2]);
    if (!Number.isInteger(size)) throw new Error(`git cat-file: unexpected answer ${JSON.stringify(header)} for ${file}`);
    files.set(file, out.toString('utf8', eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}
