import { fullSchemasPresent, type Json, renderEnvironment, schemaFindings } from '../helpers';
import { defaultPlatform } from '../../../src/platform';
import { resolvePlatform } from '../../../src/model/defaults';

const platform = resolvePlatform(defaultPlatform);
function render(envName: string): Json {
  const { stackNames, stacks } = renderEnvironment(envName);
  expect(stackNames[0]).toBe('platform');
  return stacks.platform;
}

describe('aws platform stack', () => {
  const rendered = { 'aws-dev': render('aws-dev'), 'aws-prod': render('aws-prod') };

  it('uses an S3 backend with a lock file and one state key per environment', () => {
    for (const [envName, json] of Object.entries(rendered)) {
      const env = platform.environments.find((e) => e.name === envName)!;
      expect(json.terraform.backend.s3).toEqual({
        bucket: env.aws!.stateBucket,
        key: `${envName}/platform.tfstate`,
        region: env.region,
        encrypt: true,
        use_lockfile: true,
      });
    }
  });

  it('pins a fully qualified AWS provider to the account with default tags', () => {
    for (const [envName, json] of Object.entries(rendered)) {
      const env = platform.environments.find((e) => e.name === envName)!;
      expect(json.terraform.required_providers).toEqual({ aws: { source: 'registry.terraform.io/hashicorp/aws', version: '6.25.0' } });
      expect(json.provider.aws).toEqual([{ region: env.region, allowed_account_ids: [env.aws!.accountId], default_tags: [{ tags: { ...env.tags } }] }]);
    }
  });

  it('exposes the outputs later steps read', () => {
    const outputs = rendered['aws-prod'].output;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'cluster_name',
        'cluster_endpoint',
        'oidc_issuer_url',
        'oidc_provider_arn',
        'node_role_name',
        'karpenter_interruption_queue_name',
      ]),
    );
    expect(outputs.cluster_name.value).toBe('${aws_eks_cluster.cluster.name}');
    expect(outputs.oidc_issuer_url.value).toBe('${aws_eks_cluster.cluster.identity[0].oidc[0].issuer}');
    expect(outputs.karpenter_interruption_queue_name.value).toBe('${aws_sqs_queue.karpenter_interruption_queue.name}');
  });

  it('uses readable snake_case logical ids with no hash suffixes', () => {
    for (const json of Object.values(rendered)) {
      const ids = [
        ...Object.values({ ...json.resource, ...json.data } as Record<string, Json>).flatMap((byId) => Object.keys(byId)),
        ...Object.keys(json.output),
      ];
      expect(ids.length).toBeGreaterThan(50);
      for (const id of ids) {
        expect(id).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(id).not.toMatch(/_[0-9A-F]{8}$/i);
      }
    }
  });

  it('contains no cdktf metadata, absolute paths or placeholders', () => {
    for (const json of Object.values(rendered)) {
      const text = JSON.stringify(json);
      expect(text).not.toContain('"//"');
      expect(text).not.toMatch(/\/(home|tmp|Users|work)\//);
      expect(text).not.toMatch(/TODO|PLACEHOLDER|REPLACE_ME|\$\{TfToken/i);
    }
  });

  it('renders the same JSON every time', () => {
    expect(JSON.stringify(render('aws-prod'))).toBe(JSON.stringify(rendered['aws-prod']));
  });

  it('builds and renders aws-prod in well under a second', () => {
    const started = performance.now();
    render('aws-prod');
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(1000);
  });

  (fullSchemasPresent ? it : it.skip)('sets only resource types, attributes and blocks the provider schema knows', () => {
    const problems = Object.entries(rendered).flatMap(([envName, json]) => schemaFindings(json, `${envName}/platform`));
    expect(problems).toEqual([]);
  });

  it('matches the aws-prod snapshot', () => {
    expect(rendered['aws-prod']).toMatchSnapshot();
  });
});
