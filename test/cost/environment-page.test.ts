/** The environment page (dist/<env>/README.md): its Mermaid diagram parses with mermaid's own parser, and it says what the model has. */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { loadPlatform } from '../../src/model/load';
import { defaultPlatform } from '../../src/platform';
import { synthesizeEnvironment } from '../../src/synth/synthesize';

const platform = loadPlatform(defaultPlatform);
const pages = new Map(
  platform.environments.map((env) => {
    const rendered = synthesizeEnvironment(platform, env, { outputsDir: path.join(__dirname, '../../src/outputs') });
    return [env.name, rendered.files.get(`${env.name}/README.md`)!];
  }),
);
const diagram = (page: string) => /```mermaid\n([\s\S]*?)```/.exec(page)![1];

/** Each source parsed by mermaid (test/cost/mermaid-parse.mjs, over jsdom): null where it parses, else the error. */
function parseMermaid(sources: string[]): (string | null)[] {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs')], { input: JSON.stringify(sources), encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`mermaid-parse failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

describe('the environment page', () => {
  it('is written for every environment', () => {
    expect([...pages.keys()]).toEqual(['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']);
    for (const page of pages.values()) expect(page).toMatch(/^# [a-z-]+\n/);
  });

  it('every diagram parses with mermaid’s parser, and a broken one does not (the check can fail)', () => {
    const sources = [...pages.values()].map(diagram);
    expect(parseMermaid([...sources, 'flowchart LR\n  a["unclosed] --> b\n'])).toEqual([...sources.map(() => null), expect.stringContaining('Parse error')]);
  }, 120_000);

  it('draws the pools, workloads and services of the environment', () => {
    const aws = diagram(pages.get('aws-prod')!);
    expect(aws).toContain('subgraph net["VPC 10.20.0.0/16, 3 zones, eu-west-1"]');
    expect(aws).toContain('pool_gpuspot["GPU pool gpuspot, spot<br/>g5.2xlarge, g6.2xlarge, g6e.2xlarge<br/>0 to 8 nodes"]');
    expect(aws).toMatch(/w_rag --> endpoints --> bedrock/);
    expect(aws).toMatch(/w_mlops --> s_mlops_aws_db_instance_mlflow_db/);
    const azure = diagram(pages.get('azure-prod')!);
    expect(azure).toContain('subgraph cluster["AKS 1.35, private API"]');
    expect(azure).toMatch(/w_lakehouse --> s_lakehouse_azurerm_purview_account_/);
  });

  it('lists the operators at their pinned versions and the estimated cost with its date', () => {
    const page = pages.get('azure-dev')!;
    expect(page).toMatch(/\| kube-prometheus-stack \| kube-prometheus-stack \| 88\.5\.3 \| monitoring \|/);
    expect(page).toMatch(/## Estimated monthly cost\n\nEstimated monthly cost in USD at list prices of \d{4}-\d{2}-\d{2}/);
    expect(page).toMatch(/\| \*\*total\*\* \| \| \*\*\$[\d,.]+\*\* \|/);
  });

  it('says where OpenCost runs and how to ask it for the cost per namespace, where it runs', () => {
    expect(pages.get('aws-prod')).toContain(
      "OpenCost 1.120.1 (written by synth, not its chart) allocates the cluster's cost in monitoring: `kubectl -n monitoring port-forward deploy/opencost 9003`",
    );
    expect(pages.get('azure-prod')).not.toContain('OpenCost');
    expect(pages.get('aws-dev')).not.toContain('OpenCost');
  });
});
