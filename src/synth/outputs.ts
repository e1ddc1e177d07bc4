/**
 * Values only the cloud knows (an Azure managed identity's client id, a database host name) come
 * from `terraform output -json` files: <outputs dir>/<env>/<stack>.json. A chart asks for the ones
 * it needs; every miss is recorded, and synth reports them all instead of writing a placeholder.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TerraformOutputs } from '../model/context';

/** The example outputs of the default model (see src/outputs/README.md). */
export const DEFAULT_OUTPUTS_DIR = path.resolve(__dirname, '..', 'outputs');

export interface MissingOutput {
  readonly environment: string;
  readonly stack: string;
  readonly name: string;
  /** The file it was expected in, relative to the working directory. */
  readonly file: string;
}

export class OutputsFile implements TerraformOutputs {
  private readonly cache = new Map<string, Record<string, { value?: unknown }> | undefined>();
  readonly missing: MissingOutput[] = [];

  constructor(
    private readonly dir: string,
    private readonly environment: string,
  ) {}

  private fileOf(stack: string): string {
    return path.join(this.dir, this.environment, `${stack}.json`);
  }

  private load(stack: string): Record<string, { value?: unknown }> | undefined {
    if (!this.cache.has(stack)) {
      const file = this.fileOf(stack);
      let parsed: Record<string, { value?: unknown }> | undefined;
      if (fs.existsSync(file)) {
        try {
          parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch (err) {
          throw new Error(`${path.relative(process.cwd(), file)} is not the JSON of terraform output -json: ${(err as Error).message}`, { cause: err });
        }
      }
      this.cache.set(stack, parsed);
    }
    return this.cache.get(stack);
  }

  require(stack: string, name: string): string {
    const value = this.load(stack)?.[name]?.value;
    if (typeof value === 'string' && value !== '') return value;
    this.missing.push({ environment: this.environment, stack, name, file: path.relative(process.cwd(), this.fileOf(stack)) || this.fileOf(stack) });
    // Never written: synth stops (or leaves the app out) when anything is missing.
    return `<missing ${stack}.${name}>`;
  }
}

export class MissingOutputsError extends Error {
  constructor(readonly missing: readonly MissingOutput[]) {
    super(formatMissing(missing));
    this.name = 'MissingOutputsError';
  }
}

export function formatMissing(missing: readonly MissingOutput[]): string {
  const byFile = new Map<string, MissingOutput[]>();
  // An output two apps need is named once.
  for (const m of missing) {
    const items = byFile.get(m.file) ?? [];
    if (!items.some((i) => i.stack === m.stack && i.name === m.name)) byFile.set(m.file, [...items, m]);
  }
  const lines = [`Terraform outputs missing (values only the cloud assigns; nothing is written in their place):`];
  for (const [file, items] of byFile) {
    const { environment, stack } = items[0];
    lines.push(`  ${environment}: ${items.map((m) => `${m.stack}.${m.name}`).join(', ')}`);
    lines.push(`    expected in ${file}: after applying dist/${environment}/terraform/${stack}, run`);
    lines.push(`    terraform -chdir=dist/${environment}/terraform/${stack} output -json > ${file}`);
  }
  return lines.join('\n');
}
