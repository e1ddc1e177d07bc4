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
  return [count + ':', ...problems.map((p) => `  ${p.path}: ${p.message}`)].join('\n');
}
