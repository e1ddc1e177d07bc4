/** Renders an environment's Kubernetes half in memory: YAML per object of its apps and of the GitOps objects that deliver them. */
import { App as K8sApp } from 'cdk8s';
import { gitopsCharts, type RenderedApp } from '../../charts/gitops/index';
import { chartFactories } from '../../charts/index';
import type { AppChart } from '../../charts/lib/app-chart';
import { renderChart } from '../../charts/lib/render';
import { contextFor } from '../model/context';
import type { Environment, Platform } from '../model/types';
import { OutputsFile, type MissingOutput } from './outputs';
import type { SynthOptions } from './synthesize';

/** An environment's Kubernetes half: its apps' and GitOps objects' files, and the apps left out for missing outputs. */
export interface KubernetesRender {
  /** Paths relative to dist/, e.g. `aws-dev/kubernetes/rag/deployment-rag-api.yaml`. */
  readonly files: ReadonlyMap<string, string>;
  readonly skippedApps: readonly { app: string; missing: readonly MissingOutput[] }[];
  /** Every Terraform output the charts asked for and did not find (skipped apps' included). */
  readonly missing: readonly MissingOutput[];
  readonly manifests: number;
}

/**
 * The charts and GitOps objects of one environment. They need the model and the Terraform outputs, never the
 * stacks: synth renders this half in a second thread while the first renders the stacks (kubernetes-worker.ts).
 */
export function renderKubernetes(platform: Platform, env: Environment, options: SynthOptions): KubernetesRender {
  const outputs = new OutputsFile(options.outputsDir, env.name);
  const ctx = contextFor(platform, env, outputs);
  const files = new Map<string, string>();
  let manifests = 0;
  const skippedApps: { app: string; missing: MissingOutput[] }[] = [];
  const allMissing: MissingOutput[] = [];
  // cdk8s writes nothing until synth(), which we never call: charts are rendered in memory.
  const k8sApp = new K8sApp({ outdir: 'unused' });
  const write = (chart: AppChart, objects?: Record<string, unknown>[]) => {
    for (const [path, content] of renderChart(chart, objects)) {
      files.set(`${env.name}/${chart.root}/${path}`, content);
      if (!path.endsWith('/kustomization.yaml')) manifests++;
    }
  };
  const rendered: RenderedApp[] = [];
  for (const build of chartFactories(ctx)) {
    const before = outputs.missing.length;
    const chart = build(k8sApp);
    const missing = outputs.missing.slice(before);
    if (missing.length > 0) {
      allMissing.push(...missing);
      skippedApps.push({ app: chart.appName, missing });
      continue;
    }
    const objects = chart.toJson();
    write(chart, objects);
    rendered.push({ appName: chart.appName, objects });
  }
  // The GitOps objects deliver the apps just rendered (a skipped app gets no Application / Kustomization).
  const before = outputs.missing.length;
  const delivery = gitopsCharts(k8sApp, ctx, rendered);
  const missing = outputs.missing.slice(before);
  if (missing.length > 0) {
    allMissing.push(...missing);
    skippedApps.push({ app: 'gitops', missing });
  } else for (const chart of delivery) write(chart);
  return { files, skippedApps, missing: allMissing, manifests };
}
