/** Behaviour of the AWS `platform` stack as a whole; what every stack keeps (backend, providers, hygiene, tags, schema) is in contract.test.ts. */
import { type Json, logicalIds, renderEnvironment } from '../helpers';

function render(envName: string): Json {
  return renderEnvironment(envName).stacks.platform;
}

describe('aws platform stack', () => {
  const rendered = { 'aws-dev': render('aws-dev'), 'aws-prod': render('aws-prod') };

  it('renders the whole platform in each environment: more than 50 resources, data sources and outputs', () => {
    for (const json of Object.values(rendered)) expect(logicalIds(json).length).toBeGreaterThan(50);
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

  it('builds and renders aws-prod in well under a second', () => {
    const started = performance.now();
    render('aws-prod');
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(1000);
  });

  it('matches the aws-prod snapshot', () => {
    expect(rendered['aws-prod']).toMatchSnapshot();
  });
});
