import type { RenderedEnvironment } from './synthesize';
import type { WriteSummary } from './writer';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The short per-environment report printed after a synth. */
export function formatSummary(rendered: readonly RenderedEnvironment[], totalMs: number, outDir: string, written?: WriteSummary): string {
  const width = Math.max(11, ...rendered.map((r) => r.environment.length));
  const lines = rendered.map(
    (r) =>
      `  ${r.environment.padEnd(width)}  ${plural(r.stacks, 'stack').padEnd(9)}  ${plural(r.resources, 'resource').padStart(13)}  ${plural(r.manifests, 'manifest').padStart(13)}  ${String(r.milliseconds).padStart(5)} ms`,
  );
  const files = !written
    ? []
    : written.unchanged
      ? ['  no file changed: nothing written']
      : [`  ${plural(written.written, 'file')} written, ${written.linked} unchanged, ${written.removed} removed`];
  return [`synthesized ${plural(rendered.length, 'environment')} into ${outDir}/`, ...lines, ...files, `  total ${Math.round(totalMs)} ms`].join('\n');
}
