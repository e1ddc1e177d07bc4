/** A problem found in the model, named by its path (e.g. `environments[2].network.cidr`). */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** Thrown when the model is invalid: carries every problem found, not just the first. */
export class ModelError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(formatProblems(problems));
    this.name = 'ModelError';
  }
}

export function formatProblems(problems: readonly Problem[]): string {
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'} in the platform model`;
  // A path holds the input's keys: a long one is clipped like a quoted value.
  return [
    count + ':',
    ...problems.map(
      (p) =>
        `  ${p.path
          .split('.')
          .map((key) => clip(key))
          .join('.')}: ${p.message}`,
    ),
  ].join('\n');
}

/** How long an echoed value may be in a message: a pasted 2 MiB string is named by its length, not printed. */
const ECHO_MAX = 80;

/** Text from input as a message echoes it: cut at ECHO_MAX characters, with the full length said. */
export function clip(text: string, length = text.length): string {
  return text.length <= ECHO_MAX ? text : `${text.slice(0, ECHO_MAX)}… (${length} characters)`;
}

/** A value as problem messages quote it: JSON, clipped. */
export function quote(value: unknown): string {
  return clip(JSON.stringify(value) ?? String(value), typeof value === 'string' ? value.length : undefined);
}
