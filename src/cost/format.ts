/** How an estimate reads: a terminal table (`npm run cost`) and a Markdown table (the environment page). */
import type { CostLine, CostTerm, Estimate, Range } from './estimate';

/** The digits of |n| without an exponent: `1e-7` → `0.0000001`, `1e+21` → `1000000000000000000000`. */
function plainDigits(n: number): string {
  const text = String(Math.abs(n));
  const e = text.indexOf('e');
  if (e < 0) return text;
  const [whole, fraction = ''] = text.slice(0, e).split('.');
  const exponent = Number(text.slice(e + 1));
  const digits = whole + fraction;
  const point = whole.length + exponent;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * `n` as en-US writes it (`1,234.5`), rounded half away from zero at `maxFraction` decimals, with at least
 * `minFraction`: what Intl.NumberFormat('en-US') prints (it too rounds the shortest decimal that reads back as `n`:
 * 1.005 → 1.01), without its one-off start-up of some 20 ms, a tenth of the first environment's render.
 */
export function decimal(n: number, maxFraction: number, minFraction = 0): string {
  if (!Number.isFinite(n)) return n.toLocaleString('en-US', { maximumFractionDigits: maxFraction, minimumFractionDigits: minFraction });
  let [whole, fraction = ''] = plainDigits(n).split('.');
  if (fraction.length > maxFraction) {
    const up = fraction.charCodeAt(maxFraction) >= 53; // the first dropped digit is 5 or more
    fraction = fraction.slice(0, maxFraction);
    if (up) {
      const digits = (whole + fraction).split('');
      let i = digits.length - 1;
      for (; i >= 0 && digits[i] === '9'; i--) digits[i] = '0';
      if (i < 0) digits.unshift('1');
      else digits[i] = String(Number(digits[i]) + 1);
      whole = digits.slice(0, digits.length - fraction.length).join('');
      fraction = digits.slice(digits.length - fraction.length).join('');
    }
  }
  fraction = fraction.replace(/0+$/, '').padEnd(minFraction, '0');
  const sign = n < 0 || Object.is(n, -0) ? '-' : '';
  return `${sign}${whole.replace(/\B(?=(\d{3})+$)/g, ',')}${fraction ? `.${fraction}` : ''}`;
}

/** Dollars and cents with thousands separators: `$1,234.50`. */
export const usd = (n: number): string => `$${decimal(n, 2, 2)}`;
/** A quantity: up to three decimals, `1,460` or `0.125`. */
export const amount = (n: number): string => decimal(n, 3);
const unitPrice = (n: number) => `$${decimal(n, 6)}`;
const sameRange = (r: Range) => r.min === r.typical && r.typical === r.max;

/** A term as arithmetic: `1,460 hour × $0.214 × 0.35 (Spot …)`; a ranged quantity shows min / typical / max. */
export function formatTerm(t: CostTerm): string {
  const q = sameRange(t.quantity) ? amount(t.quantity.typical) : `${amount(t.quantity.min)} / ${amount(t.quantity.typical)} / ${amount(t.quantity.max)}`;
  const factor = t.factor ? ` × ${amount(t.factor.value)} (${t.factor.why})` : '';
  return `${q} ${t.per} × ${unitPrice(t.listPrice)}${factor} [${t.price}]`;
}

/** A line as the terminal reports name it: its stack, then its component (`edw: KMS keys (1)`), so each stack's own line is told apart. */
export function lineLabel(line: CostLine): string {
  return `${line.stack}: ${line.component}`;
}

export function formatMonthly(r: Range): string {
  return sameRange(r) ? usd(r.typical) : `${usd(r.min)} / ${usd(r.typical)} / ${usd(r.max)}`;
}

/** The terminal report of one estimate: a line per component with its terms below it, then the total and the sources. */
export function formatEstimate(e: Estimate): string[] {
  const out = [`${e.environment} (${e.cloud}, ${e.region}): estimated monthly cost in ${e.currency}, min / typical / max, list prices of ${e.taken}`];
  const width = Math.max(...e.lines.map((l) => lineLabel(l).length + 1), 20);
  const row = (label: string, r: Range) => `  ${label.padEnd(width)} ${usd(r.min).padStart(12)} ${usd(r.typical).padStart(12)} ${usd(r.max).padStart(12)}`;
  out.push(`  ${'component'.padEnd(width)} ${'min'.padStart(12)} ${'typical'.padStart(12)} ${'max'.padStart(12)}`);
  for (const line of e.lines) {
    out.push(row(lineLabel(line), line.monthly));
    for (const t of line.terms) out.push(`      ${formatTerm(t)}`);
  }
  out.push(row('total', e.total));
  out.push(...notes(e).map((n) => `  ${n}`));
  return out;
}

function notes(e: Estimate): string[] {
  const out: string[] = [];
  if (e.missingPrices.length > 0) out.push(`not priced (the catalog has no ${e.region} price for): ${e.missingPrices.join(', ')}`);
  if (e.unverified.length > 0) out.push(`prices not checked against a stored copy of their page: ${e.unverified.join(', ')}`);
  out.push(`prices from: ${e.sources.join(', ')}`);
  return out;
}

/** The Markdown table of one estimate, for the environment page. */
export function estimateMarkdown(e: Estimate): string[] {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const out = [
    `Estimated monthly cost in ${e.currency} at list prices of ${e.taken} (src/cost/prices/${e.cloud}.json), from the model's \`usage\` figures: \`npm run cost -- --env ${e.environment}\` shows the arithmetic.`,
    '',
    '| stack | component | min | typical | max |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const line of e.lines as CostLine[])
    out.push(`| ${line.stack} | ${cell(line.component)} | ${usd(line.monthly.min)} | ${usd(line.monthly.typical)} | ${usd(line.monthly.max)} |`);
  out.push(`| **total** | | **${usd(e.total.min)}** | **${usd(e.total.typical)}** | **${usd(e.total.max)}** |`);
  out.push('', ...notes(e).map((n) => `- ${cell(n)}`));
  return out;
}
