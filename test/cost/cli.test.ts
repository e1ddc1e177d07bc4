/** `npm run cost`: every environment of the default model priced with the catalog's date and sources; --compare; bad input. */
import * as fs from 'fs';
import * as path from 'path';
import { runCost } from '../../src/cost/cli';
import type { Comparison } from '../../src/cost/compare';
import type { Estimate } from '../../src/cost/estimate';
import { captureIo as capture, tempDir } from '../synth/helpers';

/** An Io that keeps what is printed. */
function captureIo() {
  const c = capture();
  return { ...c.io, stdout: () => c.out.join('\n'), stderr: () => c.err.join('\n') };
}

describe('npm run cost', () => {
  it('prices every environment, each line with its terms, the total, the catalog’s date and its sources', () => {
    const io = captureIo();
    expect(runCost([], io)).toBe(0);
    const out = io.stdout();
    for (const env of ['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod'])
      expect(out).toMatch(new RegExp(`^${env} \\((aws|azure), [a-z0-9-]+\\): estimated monthly cost in USD`, 'm'));
    expect(out).toMatch(/list prices of \d{4}-\d{2}-\d{2}/);
    expect(out).toMatch(/prices from: https:\/\//);
    expect(out).toMatch(/^ {2}total +\$[\d,.]+ +\$[\d,.]+ +\$[\d,.]+$/m);
    expect(out).toMatch(/^ {6}730 cluster-hour × \$0\.1 \[eks\.cluster\.standard\]$/m);
    expect(out).not.toMatch(/not priced/);
  });

  it('--json gives the estimates as data, the same numbers as synth’s cost.json', () => {
    const io = captureIo();
    expect(runCost(['--env', 'aws-prod', '--json'], io)).toBe(0);
    const [estimate] = JSON.parse(io.stdout()) as Estimate[];
    expect(estimate.environment).toBe('aws-prod');
    const committed = JSON.parse(fs.readFileSync(path.join(__dirname, '../../dist/aws-prod/cost.json'), 'utf8')) as Estimate;
    expect(estimate.total).toEqual(committed.total);
  });

  it('--compare prices each environment on the other cloud too, side by side with the assumptions', () => {
    const io = captureIo();
    expect(runCost(['--compare', '--json'], io)).toBe(0);
    const { comparisons } = JSON.parse(io.stdout()) as { comparisons: Comparison[] };
    expect(comparisons.map((c) => c.estimates.map((e) => `${e.environment} ${e.cloud} ${e.region}`))).toEqual([
      ['aws-dev aws eu-west-1', 'aws-dev azure westeurope'],
      ['aws-prod aws eu-west-1', 'aws-prod azure westeurope'],
      ['azure-dev azure westeurope', 'azure-dev aws eu-west-1'],
      ['azure-prod azure westeurope', 'azure-prod aws eu-west-1'],
    ]);
    for (const c of comparisons) for (const e of c.estimates) expect([e.environment, e.cloud, e.missingPrices]).toEqual([e.environment, e.cloud, []]);
    const prod = comparisons[1];
    expect(prod.assumptions).toContain('size: g5.2xlarge → Standard_NC8as_T4_v3 (one A10G on AWS, one T4 on Azure)');
    // Azure's burst on AWS runs on SageMaker's instance of the size the assumptions name, not a fixed one.
    const azureProd = comparisons[3];
    expect(azureProd.assumptions).toContain('size: Standard_NC4as_T4_v3 → g4dn.xlarge (the same GPU (one T4); 16 GiB of memory on AWS, 28 GiB on Azure)');
    const burst = azureProd.estimates[1].lines.find((l) => l.id === 'mlops/burst')!;
    expect(burst.terms.map((t) => t.price)).toEqual(['sagemaker.training.ml.g4dn.xlarge']);
    const text = captureIo();
    expect(runCost(['--compare', '--env', 'aws-prod'], text)).toBe(0);
    expect(text.stdout()).toMatch(/aws-prod: the same workloads on both clouds/);
    expect(text.stdout()).toMatch(/azure is \$[\d,.]+ a month (more|less) than aws/);
    // Each stack's own line is named by its stack: aws-prod has a KMS key line in several stacks.
    const rows = text
      .stdout()
      .split('\n')
      .filter((l) => /^ {2}\w+: /.test(l));
    expect(rows.filter((l) => /^ {2}\w+: KMS keys/.test(l)).length).toBeGreaterThan(1);
    expect(new Set(rows.map((l) => l.slice(0, 80).trim())).size).toBe(rows.length);
    expect(text.stdout()).toMatch(/^ {2}platform: EKS control plane +\$73\.00 {3}platform: AKS control plane \(Standard tier\)/m);
  });

  it('a usage overlay is a scenario: more tokens cost more on the LLM line only', () => {
    const dir = tempDir('cost-overlay');
    const overlay = path.join(dir, 'heavy-llm.yaml');
    fs.writeFileSync(overlay, 'environments:\n  - name: aws-prod\n    usage:\n      tokensMillions: { chatInput: 1000, chatOutput: 200 }\n');
    const base = captureIo();
    const heavy = captureIo();
    expect(runCost(['--env', 'aws-prod', '--json'], base)).toBe(0);
    expect(runCost(['--env', 'aws-prod', '--json', '--config', overlay], heavy)).toBe(0);
    const [a] = JSON.parse(base.stdout()) as Estimate[];
    const [b] = JSON.parse(heavy.stdout()) as Estimate[];
    const changed = b.lines.filter((l) => JSON.stringify(l) !== JSON.stringify(a.lines.find((x) => x.id === l.id)));
    expect(changed.map((l) => l.id)).toEqual(['rag/llm']);
    expect(b.total.typical).toBeGreaterThan(a.total.typical);
  });

  it('bad input: exit 2 with the problem, no stack trace', () => {
    const io = captureIo();
    expect(runCost(['--env', 'nope'], io)).toBe(2);
    expect(io.stderr()).toMatch(/nope/);
    const flag = captureIo();
    expect(runCost(['--bogus'], flag)).toBe(2);
    expect(flag.stderr()).toMatch(/unknown argument "--bogus"/);
  });
});
