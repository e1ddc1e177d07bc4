import type { RenderedEnvironment } from './synthesize';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The short per-environment report printed after a synth. */
export function formatSummary(rendered: readonly RenderedEnvironment[], totalMs: number, outDir: string): string {
  const width = Math.max(11, ...rendered.map((r) => r.environment.length));
  const lines = rendered.map(
    (r) =>
      `  ${r.environment.padEnd(width)}  ${plural(r.stacks, 'stack').padEnd(9)}  ${plural(r.resources, 'resource').padStart(13)}  ${plural(r.manifests, 'manifest').padStart(13)}  ${String(r.milliseconds).padStart(5)} ms`,
  );
  return [`synthesized ${plural(rendered.length, 'environment')} into ${outDir}/`, ...lines, `  total ${Math.round(totalMs)} ms`].join('\n');
}
