import { doc, type Json, of, renderAwsPlatform } from '../helpers';
import { awsSubnetLayout } from '../../../src/model/cidr';
import type { PlatformSpec } from '../../../src/model/types';
import { defaultPlatform } from '../../../src/platform';

describe('aws network layer', () => {
  const dev = renderAwsPlatform('aws-dev');
  const prod = renderAwsPlatform('aws-prod');

  it('carves public and private subnets per zone from the model layout, in AZs of the data source', () => {
    for (const { json, env } of [dev, prod]) {
      const layout = awsSubnetLayout(env.network.cidr, env.network.zones);
      const subnets = of(json, 'aws_subnet');
      expect(Object.keys(subnets).sort()).toEqual(
        [...layout.private.map((_, i) => `private_subnet_${i}`), ...layout.public.map((_, i) => `public_subnet_${i}`)].sort(),
      );
      layout.private.forEach((cidr, i) => {
        expect(subnets[`private_subnet_${i}`].cidr_block).toBe(cidr);
        expect(subnets[`private_subnet_${i}`].availability_zone).toBe(`\${element(data.aws_availability_zones.available_zones.names, ${i})}`);
      });
      layout.public.forEach((cidr, i) => expect(subnets[`public_subnet_${i}`].cidr_block).toBe(cidr));
      expect(json.data.aws_availability_zones.available_zones).toEqual({
        state: 'available',
        filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
      });
    }
    expect(Object.keys(of(prod.json, 'aws_subnet'))).toHaveLength(6);
    expect(Object.keys(of(dev.json, 'aws_subnet'))).toHaveLength(4);
  });

  it('tags subnets for load balancers and Karpenter discovery', () => {
    const subnets = of(prod.json, 'aws_subnet');
    for (const [id, subnet] of Object.entries(subnets)) {
      if (id.startsWith('private_')) {
        expect(subnet.tags['kubernetes.io/role/internal-elb']).toBe('1');
        expect(subnet.tags['karpenter.sh/discovery']).toBe(prod.names.clusterName);
        expect(subnet.tags['kubernetes.io/role/elb']).toBeUndefined();
      } else {
        expect(subnet.tags['kubernetes.io/role/elb']).toBe('1');
        expect(subnet.tags['karpenter.sh/discovery']).toBeUndefined();
        expect(subnet.map_public_ip_on_launch).toBe(false);
      }
    }
  });

  it('has one NAT gateway in dev and one per zone in prod, each private route table using its zone NAT', () => {
    expect(Object.keys(of(dev.json, 'aws_nat_gateway'))).toEqual(['nat_gateway_0']);
    expect(Object.keys(of(dev.json, 'aws_eip'))).toEqual(['nat_eip_0']);
    expect(Object.keys(of(prod.json, 'aws_nat_gateway'))).toHaveLength(prod.env.network.zones);
    const prodRoutes = of(prod.json, 'aws_route');
    for (let i = 0; i < prod.env.network.zones; i++) {
      expect(prodRoutes[`private_default_route_${i}`].nat_gateway_id).toBe(`\${aws_nat_gateway.nat_gateway_${i}.id}`);
      expect(of(prod.json, 'aws_nat_gateway')[`nat_gateway_${i}`].subnet_id).toBe(`\${aws_subnet.public_subnet_${i}.id}`);
    }
    const devRoutes = of(dev.json, 'aws_route');
    expect(devRoutes.private_default_route_1.nat_gateway_id).toBe('${aws_nat_gateway.nat_gateway_0.id}');
    expect(devRoutes.public_default_route.gateway_id).toBe('${aws_internet_gateway.internet_gateway.id}');
  });

  it('locks down the default security group', () => {
    expect(of(prod.json, 'aws_default_security_group').default_security_group).toMatchObject({ vpc_id: '${aws_vpc.vpc.id}', ingress: [], egress: [] });
  });

  it('sends flow logs to a KMS-encrypted log group through a role scoped to it', () => {
    const { json, names, env } = prod;
    const account = env.aws!.accountId;
    expect(of(json, 'aws_flow_log').flow_log).toMatchObject({
      vpc_id: '${aws_vpc.vpc.id}',
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
      log_destination: '${aws_cloudwatch_log_group.flow_log_group.arn}',
      iam_role_arn: '${aws_iam_role.flow_log_role.arn}',
    });
    expect(of(json, 'aws_cloudwatch_log_group').flow_log_group).toMatchObject({
      name: names.flowLogGroupName,
      kms_key_id: '${aws_kms_key.logs_kms_key.arn}',
    });
    const role = of(json, 'aws_iam_role').flow_log_role;
    expect(role.name).toBe(names.flowLogRoleName);
    const trust = doc(role.assume_role_policy).Statement[0];
    // Dev records rejected traffic only (what a blocked flow looks like); prod everything.
    expect(of(dev.json, 'aws_flow_log').flow_log.traffic_type).toBe('REJECT');
    expect(trust.Principal).toEqual({ Service: 'vpc-flow-logs.amazonaws.com' });
    expect(trust.Condition.StringEquals['aws:SourceAccount']).toBe(account);
    const permissions = doc(of(json, 'aws_iam_role_policy').flow_log_role_policy.policy).Statement;
    expect(permissions).toHaveLength(1);
    expect(permissions[0].Resource).toEqual(['${aws_cloudwatch_log_group.flow_log_group.arn}', '${aws_cloudwatch_log_group.flow_log_group.arn}:*']);

    const key = of(json, 'aws_kms_key').logs_kms_key;
    expect(key.enable_key_rotation).toBe(true);
    const logsGrant = doc(key.policy).Statement.find((s: Json) => s.Sid === 'AllowCloudWatchLogs');
    expect(logsGrant.Principal).toEqual({ Service: `logs.${env.region}.amazonaws.com` });
    expect(logsGrant.Condition.ArnEquals['kms:EncryptionContext:aws:logs:arn']).toEqual([
      `arn:aws:logs:${env.region}:${account}:log-group:${names.flowLogGroupName}`,
      `arn:aws:logs:${env.region}:${account}:log-group:${names.clusterLogGroupName}`,
    ]);
    expect(of(json, 'aws_kms_alias').logs_kms_alias.name).toBe(names.logsKmsAlias);
  });

  it('follows a model with a different zone count', () => {
    const spec: PlatformSpec = structuredClone(defaultPlatform);
    spec.environments.find((e) => e.name === 'aws-prod')!.network.zones = 2;
    const { json } = renderAwsPlatform('aws-prod', spec);
    expect(Object.keys(of(json, 'aws_nat_gateway'))).toEqual(['nat_gateway_0', 'nat_gateway_1']);
    expect(json.resource.aws_eks_cluster.cluster.vpc_config.subnet_ids).toHaveLength(2);
  });
});
