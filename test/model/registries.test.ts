/**
 * Clouds and workloads are registries: adding a member to `Cloud` or `WorkloadName` must make the
 * compiler list every place that has to supply something for it (the per-cloud and per-workload
 * tables), instead of compiling and failing at synth time in the other cloud's code. Each test
 * type-checks the sources (not the tests) with one union widened in memory and asserts where the
 * errors land.
 */
import * as path from 'path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const TYPES = 'src/model/types.ts';

const config = ts.getParsedCommandLineOfConfigFile(
  path.join(ROOT, 'tsconfig.json'),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
)!;
// The product's sources only: tests may name clouds and workloads literally.
const roots = config.fileNames.filter((f) => !path.relative(ROOT, f).startsWith('test'));
let previous: ts.Program | undefined;

/** Files (relative to the repository) with type errors once `edit` has rewritten `file`, each with its messages. */
function errorsWith(edit: (source: string) => string, file: string = TYPES): Map<string, string[]> {
  const edited = path.join(ROOT, file);
  const host = ts.createCompilerHost(config.options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    path.resolve(fileName) === edited
      ? ts.createSourceFile(fileName, edit(ts.sys.readFile(edited)!), languageVersion, true)
      : read(fileName, languageVersion, onError, shouldCreate);
  const program = ts.createProgram({ rootNames: roots, options: config.options, host, oldProgram: previous });
  previous = program;
  const byFile = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file ? path.relative(ROOT, d.file.fileName) : '(global)';
    byFile.set(file, [...(byFile.get(file) ?? []), ts.flattenDiagnosticMessageText(d.messageText, ' ')]);
  }
  return byFile;
}

function widen(source: string, declaration: RegExp, member: string): string {
  expect(source).toMatch(declaration);
  return source.replace(declaration, (union) => union.replace(/;$/, ` | '${member}';`));
}

describe('registries the compiler enforces', () => {
  test('the sources type-check as they are (so every error below comes from the edit)', () => {
    expect([...errorsWith((s) => s).keys()]).toEqual([]);
  }, 60_000);

  test('a new cloud is a type error at every per-cloud table, each naming what it lacks', () => {
    const errors = errorsWith((s) => widen(s, /^export type Cloud = [^;]+;/m, 'gcp'));
    expect([...errors.keys()]).toEqual(
      expect.arrayContaining([
        'src/model/cloud.ts', // the list of clouds
        'src/model/catalog.ts', // regions, sizes, Kubernetes versions
        'src/model/defaults.ts', // account block and defaults per cloud
        'src/model/naming.ts', // the platform's names per cloud
        'src/model/operators.ts', // operators a cloud needs
        'src/model/validate.ts', // its account block's rules
        'src/model/cluster.ts', // its block-storage class
        'src/model/scheduling.ts', // how it marks Spot nodes
        'src/model/workloads/edw/names.ts', // each workload's names per cloud
        'src/model/workloads/rag/resolve.ts', // the LLM service per cloud
        'stacks/index.ts', // the cloud's stacks
        'stacks/constructs/platform-stack.ts', // its Terraform backend
        'charts/index.ts', // its platform charts
      ]),
    );
    expect(errors.get('src/model/cloud.ts')!.join('\n')).toMatch(/'gcp'/);
    expect(errors.get('charts/index.ts')!.join('\n')).toMatch(/'gcp'/);
  }, 60_000);

  test('a new workload is a type error at every per-workload table, each naming what it lacks', () => {
    const errors = errorsWith((s) => widen(s, /^export type WorkloadName = [^;]+;/m, 'stub'));
    expect([...errors.keys()]).toEqual(
      expect.arrayContaining([
        'src/model/types.ts', // its spec type (WorkloadSpecs)
        'src/model/workloads/workload.ts', // its settings and names in the environment
        'src/model/workloads/index.ts', // its module: shape, rules, defaults, names, operators
        'src/model/naming.ts', // its storage account suffix
        'stacks/aws/index.ts', // its AWS stack
        'stacks/azure/index.ts', // its Azure stack
        'charts/index.ts', // its charts
      ]),
    );
    for (const file of ['src/model/workloads/index.ts', 'stacks/aws/index.ts', 'stacks/azure/index.ts', 'charts/index.ts'])
      expect(errors.get(file)!.join('\n')).toMatch(/'stub' is missing/);
  }, 60_000);

  test('a field added to a workload spec is a type error in its shape (and, settings being Required, its defaults) until both have it', () => {
    const errors = errorsWith(
      (s) => s.replace('export interface EdwQueueSpec {', 'export interface EdwQueueSpec {\n  delaySeconds?: number;'),
      'src/model/workloads/edw/spec.ts',
    );
    expect([...errors.keys()]).toEqual(['src/model/workloads/edw/resolve.ts', 'src/model/workloads/edw/shape.ts']);
    expect(errors.get('src/model/workloads/edw/shape.ts')!.join('\n')).toMatch(/delaySeconds/);
  }, 60_000);

  test('a literal added to a spec union is a type error where the shape lists the literals', () => {
    const errors = errorsWith(
      (s) => s.replace("export type KedaInstall = 'aks-addon' | 'helm';", "export type KedaInstall = 'aks-addon' | 'helm' | 'operator-hub';"),
      'src/model/workloads/edw/spec.ts',
    );
    expect(errors.get('src/model/workloads/edw/shape.ts')!.join('\n')).toMatch(/operator-hub/);
  }, 60_000);
});
