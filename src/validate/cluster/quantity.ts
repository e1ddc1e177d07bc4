/**
 * Kubernetes quantities as numbers, for admission arithmetic: CPU in millicores, everything else in its
 * base unit (bytes, counts). Suffixes as resource.Quantity reads them (k8s.io/apimachinery
 * pkg/api/resource/quantity.go): decimal SI (m, k, M, G, T, P, E), binary (Ki … Ei) and exponents (1e3).
 */

const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Readonly<Record<string, number>> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The value of a quantity in base units (1 for `1`, 0.1 for `100m`, 2^20 for `1Mi`); undefined if it is not one. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  return n * (BINARY[suffix] ?? DECIMAL[suffix]);
}

/** A resource's amount in the unit admission messages use: millicores for CPU, bytes otherwise. */
export function amountOf(resource: string, q: unknown): number | undefined {
  const v = parseQuantity(q);
  if (v === undefined) return undefined;
  return resource === 'cpu' || resource.endsWith('.cpu') ? Math.round(v * 1000) : v;
}

/** An amount written back for a message: `1500m` for CPU, `2Gi` / `384Mi` / bytes otherwise. */
export function formatAmount(resource: string, amount: number): string {
  if (resource === 'cpu' || resource.endsWith('.cpu')) return amount % 1000 === 0 ? String(amount / 1000) : `${amount}m`;
  for (const [suffix, factor] of Object.entries(BINARY).reverse()) if (amount >= factor && amount % factor === 0) return `${amount / factor}${suffix}`;
  if (amount >= 2 ** 20) return `${Math.round((amount / 2 ** 20) * 10) / 10}Mi`;
  return String(amount);
}
