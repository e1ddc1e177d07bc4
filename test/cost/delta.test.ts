/** What a change costs: two estimates of one environment compared line by line, and the diff report that shows it. */
import { costDelta, formatCostDelta } from '../../src/cost/delta';
import type { CostLine, Estimate } from '../../src/cost/estimate';
import { compareOutputs } from '../../src/diff/compare';

const line = (id: string, nodes: { min: number; typical: number; max: number }, hourly: number): CostLine => ({
  id,
  stack: 'platform',
  component: `pool ${id}`,
  terms: [
    {
      quantity: { min: nodes.min * 730, typical: nodes.typical * 730, max: nodes.max * 730 },
      price: 'ec2.g5.2xlarge',
      listPrice: hourly,
      unitPrice: hourly,
      per: 'hour',
    },
  ],
  monthly: { min: nodes.min * 730 * hourly, typical: nodes.typical * 730 * hourly, max: nodes.max * 730 * hourly },
});
const estimate = (lines: CostLine[]): Estimate => ({
  environment: 'aws-prod',
  cloud: 'aws',
  region: 'eu-west-1',
  currency: 'USD',
  taken: '2026-12-01',
  lines,
  total: lines.reduce((t, l) => ({ min: t.min + l.monthly.min, typical: t.typical + l.monthly.typical, max: t.max + l.monthly.max }), {
    min: 0,
    typical: 0,
    max: 0,
  }),
  missingPrices: [],
  sources: [],
  unverified: [],
});

describe('the cost of a change', () => {
  const before = estimate([line('platform/pool/gpu', { min: 0, typical: 1, max: 4 }, 1), line('platform/control-plane', { min: 1, typical: 1, max: 1 }, 0.1)]);
  const after = estimate([line('platform/pool/gpu', { min: 0, typical: 1, max: 8 }, 1), line('platform/control-plane', { min: 1, typical: 1, max: 1 }, 0.1)]);

  it('a pool’s max 4 → 8 costs 4 × 730 h more at max and nothing more typically; unchanged lines are not listed', () => {
    const d = costDelta(before, after);
    expect(d.delta).toEqual({ min: 0, typical: 0, max: 2920 });
    expect(d.lines).toEqual([
      {
        id: 'platform/pool/gpu',
        component: 'pool platform/pool/gpu',
        change: 'changed',
        delta: { min: 0, typical: 0, max: 2920 },
        causes: ['ec2.g5.2xlarge: 0 / 730 / 2,920 → 0 / 730 / 5,840 hour'],
      },
    ]);
    expect(formatCostDelta(d)).toEqual([
      '  cost (USD a month, min / typical / max): $73.00 / $803.00 / $2,993.00 → $73.00 / $803.00 / $5,913.00: +$0.00 / +$0.00 / +$2,920.00',
      '    ~ platform/pool/gpu pool platform/pool/gpu: +$0.00 typical, +$2,920.00 at max (ec2.g5.2xlarge: 0 / 730 / 2,920 → 0 / 730 / 5,840 hour)',
    ]);
  });

  it('a price update is a cause; an added line is all new cost', () => {
    const pricier = estimate([line('platform/pool/gpu', { min: 0, typical: 1, max: 4 }, 1.5), line('platform/nat', { min: 1, typical: 1, max: 1 }, 0.05)]);
    const d = costDelta(before, pricier);
    expect(d.lines.map((l) => [l.id, l.change, l.causes])).toEqual([
      ['platform/pool/gpu', 'changed', ['ec2.g5.2xlarge: $1 → $1.5 per hour']],
      ['platform/control-plane', 'removed', ['ec2.g5.2xlarge: gone (was 730 hour)']],
      ['platform/nat', 'added', ['ec2.g5.2xlarge: new, 730 hour at $0.05']],
    ]);
  });

  it('npm run diff reports it from each side’s cost.json', () => {
    const json = (e: Estimate) => JSON.stringify(e, null, 2) + '\n';
    const [env] = compareOutputs(new Map([['aws-prod/cost.json', json(before)]]), new Map([['aws-prod/cost.json', json(after)]]));
    expect(env.cost?.delta.max).toBe(2920);
    // Explained by the cost section, not listed again as a file.
    expect(env.files).toEqual([]);
  });
});
