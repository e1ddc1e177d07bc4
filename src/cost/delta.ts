/**
 * What a change does to the cost: two estimates of one environment (the committed dist/<env>/cost.json and a fresh
 * synth's), the monthly change at min, typical and max, and each line that moved with the terms that moved it.
 */
import type { CostLine, CostTerm, Estimate, Range } from './estimate';
import { amount, decimal, formatMonthly } from './format';

export interface CostLineDelta {
  readonly id: string;
  readonly component: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly delta: Range;
  /** The terms whose quantity or price differ: `ec2.g5.2xlarge: 0 / 24 / 2,920 → 0 / 24 / 5,840 hour`. */
  readonly causes: readonly string[];
}

export interface CostDelta {
  readonly before?: Range;
  readonly after?: Range;
  readonly delta: Range;
  readonly lines: readonly CostLineDelta[];
}

const ZERO: Range = { min: 0, typical: 0, max: 0 };
const cents = (n: number) => Math.round(n * 100) / 100;
const minus = (a: Range, b: Range): Range => ({ min: cents(a.min - b.min), typical: cents(a.typical - b.typical), max: cents(a.max - b.max) });
const isZero = (r: Range) => r.min === 0 && r.typical === 0 && r.max === 0;
const qty = (r: Range) => (r.min === r.typical && r.typical === r.max ? amount(r.typical) : `${amount(r.min)} / ${amount(r.typical)} / ${amount(r.max)}`);
const sameRange = (a: Range, b: Range) => a.min === b.min && a.typical === b.typical && a.max === b.max;

function causes(before: CostLine | undefined, after: CostLine | undefined): string[] {
  const terms = (l: CostLine | undefined) => new Map((l?.terms ?? []).map((t) => [t.price, t] as [string, CostTerm]));
  const a = terms(before);
  const b = terms(after);
  const out: string[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])]) {
    const x = a.get(key);
    const y = b.get(key);
    if (!x) out.push(`${key}: new, ${qty(y!.quantity)} ${y!.per} at $${y!.unitPrice}`);
    else if (!y) out.push(`${key}: gone (was ${qty(x.quantity)} ${x.per})`);
    else {
      if (!sameRange(x.quantity, y.quantity)) out.push(`${key}: ${qty(x.quantity)} → ${qty(y.quantity)} ${y.per}`);
      if (x.unitPrice !== y.unitPrice) out.push(`${key}: $${x.unitPrice} → $${y.unitPrice} per ${y.per}`);
    }
  }
  return out;
}

export function costDelta(before: Estimate | undefined, after: Estimate | undefined): CostDelta {
  const lines: CostLineDelta[] = [];
  const old = new Map((before?.lines ?? []).map((l) => [l.id, l]));
  const now = new Map((after?.lines ?? []).map((l) => [l.id, l]));
  for (const id of [...new Set([...old.keys(), ...now.keys()])]) {
    const x = old.get(id);
    const y = now.get(id);
    const delta = minus(y?.monthly ?? ZERO, x?.monthly ?? ZERO);
    const why = causes(x, y);
    if (x && y && isZero(delta) && why.length === 0 && x.component === y.component) continue;
    lines.push({ id, component: (y ?? x)!.component, change: !x ? 'added' : !y ? 'removed' : 'changed', delta, causes: why });
  }
  return {
    ...(before ? { before: before.total } : {}),
    ...(after ? { after: after.total } : {}),
    delta: minus(after?.total ?? ZERO, before?.total ?? ZERO),
    lines,
  };
}

const signed = (n: number) => `${n < 0 ? '-' : '+'}$${decimal(Math.abs(n), 2, 2)}`;

/** The report's lines: the total's change, then each line's. */
export function formatCostDelta(d: CostDelta): string[] {
  const out = [
    `  cost (USD a month, min / typical / max): ${d.before ? formatMonthly(d.before) : 'none'} → ${d.after ? formatMonthly(d.after) : 'none'}: ${signed(d.delta.min)} / ${signed(d.delta.typical)} / ${signed(d.delta.max)}`,
  ];
  const mark = { added: '+', removed: '-', changed: '~' } as const;
  for (const l of d.lines) {
    const at =
      l.delta.min === l.delta.typical && l.delta.typical === l.delta.max
        ? signed(l.delta.typical)
        : `${signed(l.delta.typical)} typical, ${signed(l.delta.max)} at max`;
    out.push(`    ${mark[l.change]} ${l.id} ${l.component}: ${at}${l.causes.length > 0 ? ` (${l.causes.join('; ')})` : ''}`);
  }
  return out;
}
