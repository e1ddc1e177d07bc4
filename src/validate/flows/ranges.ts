/** Sets of IPv4 addresses as sorted, disjoint, inclusive intervals: what an ipBlock (cidr minus except) allows. */
import { parseCidr } from '../../model/cidr';

export type Interval = readonly [number, number];
export type AddressSet = readonly Interval[];

export function cidrSet(text: string): AddressSet {
  const c = parseCidr(text);
  if (!c) throw new Error(`not an IPv4 CIDR: ${text}`);
  return [[c.base, c.base + 2 ** (32 - c.prefix) - 1]];
}

export const union = (...sets: AddressSet[]): AddressSet => {
  const all = sets.flat().sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of all) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
};

export function minus(a: AddressSet, b: AddressSet): AddressSet {
  let out: Interval[] = [...a];
  for (const [blo, bhi] of b) {
    out = out.flatMap(([lo, hi]): Interval[] => {
      if (bhi < lo || blo > hi) return [[lo, hi]];
      return [...(blo > lo ? [[lo, blo - 1] as Interval] : []), ...(bhi < hi ? [[bhi + 1, hi] as Interval] : [])];
    });
  }
  return out;
}

export const isEmpty = (s: AddressSet): boolean => s.length === 0;
export const covers = (outer: AddressSet, inner: AddressSet): boolean => isEmpty(minus(inner, outer));
export const intersects = (a: AddressSet, b: AddressSet): boolean => a.some(([lo, hi]) => b.some(([l, h]) => l <= hi && h >= lo));

/** What a NetworkPolicy ipBlock allows. */
export const ipBlockSet = (block: { cidr: string; except?: string[] }): AddressSet => minus(cidrSet(block.cidr), union(...(block.except ?? []).map(cidrSet)));

/** Public unicast space: every address but the private, shared, loopback, link-local, multicast and reserved ranges. */
export const PUBLIC: AddressSet = minus(
  cidrSet('0.0.0.0/0'),
  union(...['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/3'].map(cidrSet)),
);

export function formatSet(s: AddressSet): string {
  const ip = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  return s.map(([lo, hi]) => (lo === hi ? ip(lo) : `${ip(lo)}–${ip(hi)}`)).join(', ');
}
