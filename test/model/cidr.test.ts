import { awsSubnetLayout, azureSubnetLayout, cidrsOverlap, hasHostBits, hostAddress, parseCidr } from '../../src/model/cidr';

describe('cidr', () => {
  it('parses valid CIDRs and rejects malformed ones', () => {
    expect(parseCidr('10.0.0.0/16')).toEqual({ base: 0x0a000000, prefix: 16 });
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.256.0/24')).toBeUndefined();
    expect(parseCidr('10.0.0.0')).toBeUndefined();
    expect(parseCidr('10.01.0.0/16')).toBeUndefined();
    expect(parseCidr('10.0.0.1/16')).toBeUndefined();
    expect(hasHostBits('10.0.0.1/16')).toBe(true);
    expect(hasHostBits('10.0.0.0/16')).toBe(false);
  });

  it('detects overlaps in both directions', () => {
    const a = parseCidr('10.0.0.0/16')!;
    expect(cidrsOverlap(a, parseCidr('10.0.128.0/24')!)).toBe(true);
    expect(cidrsOverlap(parseCidr('10.0.128.0/24')!, a)).toBe(true);
    expect(cidrsOverlap(a, parseCidr('10.1.0.0/16')!)).toBe(false);
  });

  it('carves private quarters and public sixteenths per zone on AWS', () => {
    expect(awsSubnetLayout('10.10.0.0/16', 3)).toEqual({
      private: ['10.10.0.0/18', '10.10.64.0/18', '10.10.128.0/18'],
      public: ['10.10.192.0/20', '10.10.208.0/20', '10.10.224.0/20'],
    });
  });

  it('carves system, user and endpoint quarters and a database subnet in the last one on Azure', () => {
    expect(azureSubnetLayout('10.30.0.0/16')).toEqual({
      system: '10.30.0.0/18',
      user: '10.30.64.0/18',
      endpoints: '10.30.128.0/18',
      database: '10.30.192.0/22',
    });
    // Small VNets: the database subnet never gets smaller than the /28 the delegation needs, if the quarter allows.
    expect(azureSubnetLayout('10.30.0.0/22').database).toBe('10.30.3.0/28');
    expect(azureSubnetLayout('10.30.0.0/24').database).toBe('10.30.0.192/28');
  });

  it('computes host addresses', () => {
    expect(hostAddress('172.20.0.0/16', 10)).toBe('172.20.0.10');
  });
});
