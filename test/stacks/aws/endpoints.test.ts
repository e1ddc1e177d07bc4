import { type Json, of, ref, renderPicking, withoutWorkload } from '../helpers';
import type { PlatformSpec, RagSettings } from '../../../src/model/types';
import { defaultPlatform } from '../../../src/platform';

const render = renderPicking('platform');
const SG_ID = ref('aws_security_group.vpc_endpoints_security_group.id');

/** Every environment's RAG platform removed, on a copy of the default model. */

/** `${aws_subnet.private_subnet_<i>.id}` for every private subnet of the rendered stack. */
const privateSubnetIds = (json: Json) =>
  Object.keys(of(json, 'aws_subnet'))
    .filter((id) => id.startsWith('private_subnet_'))
    .sort()
    .map((id) => ref(`aws_subnet.${id}.id`));

describe('aws VPC endpoints (platform stack)', () => {
  const dev = render('aws-dev');
  const prod = render('aws-prod');

  it('has exactly the S3 and DynamoDB gateways and the sts, eks-auth, bedrock-runtime and glue interface endpoints (and aps-workspaces in prod)', () => {
    for (const r of [dev, prod]) {
      const endpoints = of(r.platform, 'aws_vpc_endpoint');
      // Prod's managed metrics store (observability.managedStore, metrics-store.test.ts) is written to through its own endpoint.
      expect(Object.keys(endpoints).sort()).toEqual([
        ...(r === prod ? ['aps_workspaces_endpoint'] : []),
        'bedrock_runtime_endpoint',
        'dynamodb_gateway_endpoint',
        'eks_auth_endpoint',
        'glue_endpoint',
        's3_gateway_endpoint',
        'sts_endpoint',
      ]);
      for (const e of Object.values(endpoints)) expect(e.vpc_id).toBe(ref('aws_vpc.vpc.id'));
    }
  });

  it.each(['s3', 'dynamodb'])('routes %s through a (free) gateway endpoint on every private route table (and no public one)', (service) => {
    for (const r of [dev, prod]) {
      const gateway = of(r.platform, 'aws_vpc_endpoint')[`${service}_gateway_endpoint`];
      const privateTables = Object.keys(of(r.platform, 'aws_route_table'))
        .filter((id) => id.startsWith('private_route_table_'))
        .sort()
        .map((id) => ref(`aws_route_table.${id}.id`));
      expect(privateTables).toHaveLength(r.env.network.zones);
      expect(gateway).toEqual({
        vpc_id: ref('aws_vpc.vpc.id'),
        service_name: `com.amazonaws.${r.env.region}.${service}`,
        vpc_endpoint_type: 'Gateway',
        route_table_ids: privateTables,
        tags: { Name: `${r.names.prefix}-${service}` },
      });
      expect(gateway.route_table_ids).not.toContain(ref('aws_route_table.public_route_table.id'));
    }
  });

  it('puts the bedrock-runtime endpoint in exactly the private subnets, with private DNS and the endpoints security group', () => {
    for (const r of [dev, prod]) {
      const bedrock = of(r.platform, 'aws_vpc_endpoint').bedrock_runtime_endpoint;
      const subnets = privateSubnetIds(r.platform);
      expect(subnets).toHaveLength(r.env.network.zones);
      expect(bedrock).toMatchObject({
        service_name: `com.amazonaws.${r.env.region}.bedrock-runtime`,
        vpc_endpoint_type: 'Interface',
        private_dns_enabled: true,
        subnet_ids: subnets,
        security_group_ids: [SG_ID],
      });
      for (const id of bedrock.subnet_ids) expect(id).not.toMatch(/public/);
    }
  });

  it('limits the bedrock-runtime endpoint policy to invoking the model ARNs, by this account', () => {
    for (const r of [dev, prod]) {
      const modelArns = r.names.rag!.aws!.modelArns;
      const bedrock = (r.env.rag as RagSettings<'aws'>).bedrock;
      expect(bedrock.chatModelId).toBe('eu.anthropic.claude-sonnet-4-6');
      // The profile, the chat model in each EU destination region, and the embedding model in-region.
      expect(modelArns[0]).toBe(`arn:aws:bedrock:${r.env.region}:${r.env.aws!.accountId}:inference-profile/eu.anthropic.claude-sonnet-4-6`);
      expect(modelArns).toContain('arn:aws:bedrock:eu-central-1::foundation-model/anthropic.claude-sonnet-4-6');
      expect(modelArns).toContain('arn:aws:bedrock:eu-west-3::foundation-model/anthropic.claude-sonnet-4-6');
      expect(modelArns.at(-1)).toBe(`arn:aws:bedrock:${r.env.region}::foundation-model/${bedrock.embeddingModelId}`);
      const policy = JSON.parse(of(r.platform, 'aws_vpc_endpoint').bedrock_runtime_endpoint.policy);
      expect(policy).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'InvokeConfiguredModels',
            Effect: 'Allow',
            Principal: '*',
            Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
            Resource: modelArns,
            Condition: { StringEquals: { 'aws:PrincipalAccount': r.env.aws!.accountId } },
          },
        ],
      });
    }
    // A model change reaches the endpoint policy.
    const spec: PlatformSpec = structuredClone(defaultPlatform);
    spec.environments.find((e) => e.name === 'aws-dev')!.workloads!.rag!.bedrock = { chatModelId: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' };
    const policy = JSON.parse(of(render('aws-dev', spec).platform, 'aws_vpc_endpoint').bedrock_runtime_endpoint.policy);
    expect(policy.Statement[0].Resource[0]).toBe('arn:aws:bedrock:eu-west-1:111111111111:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(policy.Statement[0].Resource).toContain('arn:aws:bedrock:eu-north-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0');
  });

  it('has STS and EKS Auth interface endpoints (IRSA and Pod Identity credentials) with private DNS in the private subnets', () => {
    for (const r of [dev, prod]) {
      const endpoints = of(r.platform, 'aws_vpc_endpoint');
      for (const [id, service] of [
        ['sts_endpoint', 'sts'],
        ['eks_auth_endpoint', 'eks-auth'],
      ]) {
        expect(endpoints[id]).toEqual({
          vpc_id: ref('aws_vpc.vpc.id'),
          service_name: `com.amazonaws.${r.env.region}.${service}`,
          vpc_endpoint_type: 'Interface',
          private_dns_enabled: true,
          subnet_ids: privateSubnetIds(r.platform),
          security_group_ids: [SG_ID],
          tags: { Name: `${r.names.prefix}-${service}` },
        });
      }
    }
  });

  it('lets only TCP 443 from the VPC CIDR into the endpoints security group, and nothing out', () => {
    for (const r of [dev, prod]) {
      const sg = of(r.platform, 'aws_security_group').vpc_endpoints_security_group;
      expect(sg.vpc_id).toBe(ref('aws_vpc.vpc.id'));
      // No inline rules: ingress comes from the one rule resource, and Terraform drops AWS's default egress.
      expect(sg.ingress).toBeUndefined();
      expect(sg.egress).toBeUndefined();
      const ingress = Object.values(of(r.platform, 'aws_vpc_security_group_ingress_rule')).filter((rule) => rule.security_group_id === SG_ID);
      expect(ingress).toEqual([expect.objectContaining({ ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: r.env.network.cidr })]);
      expect(ingress[0].cidr_ipv6).toBeUndefined();
      expect(ingress[0].referenced_security_group_id).toBeUndefined();
      expect(Object.values(of(r.platform, 'aws_vpc_security_group_egress_rule')).filter((rule) => rule.security_group_id === SG_ID)).toEqual([]);
      expect(Object.values(of(r.platform, 'aws_security_group_rule')).filter((rule) => rule.security_group_id === SG_ID)).toEqual([]);
    }
  });
});

describe('lakehouse', () => {
  it('gets a private Glue endpoint (the Iceberg catalog) in the private subnets, only where enabled', () => {
    for (const envName of ['aws-dev', 'aws-prod']) {
      const r = render(envName);
      expect(of(r.platform, 'aws_vpc_endpoint').glue_endpoint).toEqual({
        vpc_id: ref('aws_vpc.vpc.id'),
        service_name: `com.amazonaws.${r.env.region}.glue`,
        vpc_endpoint_type: 'Interface',
        private_dns_enabled: true,
        subnet_ids: privateSubnetIds(r.platform),
        security_group_ids: [SG_ID],
        tags: { Name: `${r.names.prefix}-glue` },
      });
    }
    const spec: PlatformSpec = structuredClone(defaultPlatform);
    for (const env of spec.environments) env.workloads!.lakehouse = { enabled: false };
    const r = render('aws-prod', spec);
    expect(r.stackNames).not.toContain('lakehouse');
    expect(of(r.platform, 'aws_vpc_endpoint').glue_endpoint).toBeUndefined();
  });
});

describe('RAG disabled', () => {
  const spec = withoutWorkload('rag');
  it('renders no bedrock-runtime endpoint and no rag stack, but keeps S3, STS and EKS Auth', () => {
    for (const envName of ['aws-dev', 'aws-prod']) {
      const r = render(envName, spec);
      expect(r.stackNames).not.toContain('rag');
      expect(Object.keys(of(r.platform, 'aws_vpc_endpoint')).sort()).toEqual([
        ...(envName === 'aws-prod' ? ['aps_workspaces_endpoint'] : []),
        'dynamodb_gateway_endpoint',
        'eks_auth_endpoint',
        'glue_endpoint',
        's3_gateway_endpoint',
        'sts_endpoint',
      ]);
      expect(JSON.stringify(r.platform)).not.toMatch(/bedrock/);
    }
  });
  it('leaves the default model untouched', () => {
    expect(defaultPlatform.environments.every((e) => e.workloads?.rag?.enabled)).toBe(true);
  });
});
