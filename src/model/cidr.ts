/** IPv4 CIDR arithmetic and the subnet layout carved from an environment's address space. */

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; undefined when the text is not an IPv4 CIDR or has host bits set. */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR_RE.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  if (m.slice(1, 5).some((o) => o.length > 1 && o.startsWith('0'))) return undefined;
  const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  if ((base & hostMask(prefix)) !== 0) return undefined;
  return { base, prefix };
}

/** True for valid CIDR syntax whose address has host bits set (e.g. 10.0.0.1/16): worth its own message. */
export function hasHostBits(text: string): boolean {
  const m = CIDR_RE.exec(text);
  if (!m) return false;
  const prefix = Number(m[5]);
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255) || prefix > 32) return false;
  const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  return (base & hostMask(prefix)) !== 0;
}

function hostMask(prefix: number): number {
  return prefix === 0 ? 0xffffffff : (2 ** (32 - prefix) - 1) >>> 0;
}

export function formatCidr(c: Cidr): string {
  return `${c.base >>> 24}.${(c.base >>> 16) & 255}.${(c.base >>> 8) & 255}.${c.base & 255}/${c.prefix}`;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  const mask = ~hostMask(prefix) >>> 0;
  return (a.base & mask) >>> 0 === (b.base & mask) >>> 0;
}

/** The index-th subnet of `newBits` more prefix bits inside `parent` (Terraform's cidrsubnet). */
export function cidrSubnet(parent: Cidr, newBits: number, index: number): Cidr {
  const prefix = parent.prefix + newBits;
  if (prefix > 32 || index >= 2 ** newBits) throw new Error(`cidrSubnet(${formatCidr(parent)}, ${newBits}, ${index}) is out of range`);
  return { base: (parent.base + index * 2 ** (32 - prefix)) >>> 0, prefix };
}

export interface AwsSubnetLayout {
  /** Node and pod subnets, one per zone: a quarter of the VPC each. */
  readonly private: readonly string[];
  /** Load-balancer and NAT subnets, one per zone: a sixteenth each, from the last quarter. */
  readonly public: readonly string[];
}

export interface AzureSubnetLayout {
  readonly system: string;
  readonly user: string;
  readonly endpoints: string;
  /**
   * Delegated to PostgreSQL Flexible Server (VNet integration): the first sixteenth of the last quarter,
   * but never smaller than a /28 (Azure's minimum for the delegation); the rest of that quarter stays free.
   */
  readonly database: string;
}

/**
 * AWS: the VPC CNI gives pods VPC addresses, so private subnets get most of the space.
 * Zones are at most 3, so quarters 0–2 are private and quarter 3 holds the public subnets.
 */
export function awsSubnetLayout(vpcCidr: string, zones: number): AwsSubnetLayout {
  const vpc = mustParse(vpcCidr);
  const lastQuarter = cidrSubnet(vpc, 2, 3);
  const zoneIndexes = [...Array(zones).keys()];
  return {
    private: zoneIndexes.map((i) => formatCidr(cidrSubnet(vpc, 2, i))),
    public: zoneIndexes.map((i) => formatCidr(cidrSubnet(lastQuarter, 2, i))),
  };
}

/** Azure CNI overlay keeps pods off the VNet, so nodes and endpoints share it in quarters; the last one is left for databases. */
export function azureSubnetLayout(vnetCidr: string): AzureSubnetLayout {
  const vnet = mustParse(vnetCidr);
  const lastQuarter = cidrSubnet(vnet, 2, 3);
  return {
    system: formatCidr(cidrSubnet(vnet, 2, 0)),
    user: formatCidr(cidrSubnet(vnet, 2, 1)),
    endpoints: formatCidr(cidrSubnet(vnet, 2, 2)),
    database: formatCidr(cidrSubnet(lastQuarter, Math.max(0, Math.min(4, 28 - lastQuarter.prefix)), 0)),
  };
}

/** The n-th host address of a CIDR (1 = first usable), e.g. the cluster DNS service IP. */
export function hostAddress(cidrText: string, n: number): string {
  const c = mustParse(cidrText);
  const ip = (c.base + n) >>> 0;
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

function mustParse(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(`not an IPv4 CIDR: ${text}`);
  return c;
}
