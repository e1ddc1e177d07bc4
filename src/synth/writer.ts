/**
 * Writes rendered files into the output directory all at once: everything goes to a sibling
 * temporary directory first, then replaces the old one by rename, so a failure at any point
 * leaves the previous output exactly as it was.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface WriteOptions {
  /**
   * Top-level entries of the existing output to carry over unchanged (the environments not
   * synthesized this time). Everything else in the output directory is replaced.
   */
  readonly keep?: readonly string[];
}

export function writeOutput(outDir: string, files: ReadonlyMap<string, string>, options: WriteOptions = {}): void {
  const target = path.resolve(outDir);
  const staging = `${target}.synth-staging`;
  const retired = `${target}.synth-retired`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.rmSync(retired, { recursive: true, force: true });
  try {
    fs.mkdirSync(staging, { recursive: true });
    for (const entry of options.keep ?? []) {
      const from = path.join(target, entry);
      if (fs.existsSync(from)) fs.cpSync(from, path.join(staging, entry), { recursive: true });
    }
    for (const rel of [...files.keys()].sort()) {
      if (path.isAbsolute(rel) || rel.split('/').includes('..')) throw new Error(`refusing to write outside the output directory: ${rel}`);
      const file = path.join(staging, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, files.get(rel)!);
    }
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  if (fs.existsSync(target)) fs.renameSync(target, retired);
  fs.renameSync(staging, target);
  fs.rmSync(retired, { recursive: true, force: true });
}

/** Every file under a directory, as relative paths with forward slashes, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out.sort();
}
