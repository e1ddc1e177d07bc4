import { findProblems, loadPlatform } from '../../src/model/load';
import { applyOverlay, parseOverlay } from '../../src/model/overlay';
import { ModelError } from '../../src/model/problems';
import { defaultPlatform } from '../../src/platform';

const overlay = (yaml: string) => applyOverlay(defaultPlatform, parseOverlay(yaml, 'my-platform.yaml'), 'my-platform.yaml');

describe('YAML overlay', () => {
  it('merges into an existing environment by name, keeping what it does not mention', () => {
    const platform = loadPlatform(
      overlay(`
environments:
  - name: aws-dev
    region: us-east-1
    cluster:
      kubernetesVersion: "1.34"
      systemPool: { min: 3, max: 3 }
`),
    );
    const dev = platform.environments.find((e) => e.name === 'aws-dev')!;
    expect(dev.region).toBe('us-east-1');
    expect(dev.cluster.kubernetesVersion).toBe('1.34');
    expect(dev.cluster.systemPool).toMatchObject({ min: 3, max: 3 });
    expect(dev.cluster.systemPool.sizes).toEqual(['m6i.xlarge']);
    expect(platform.environments).toHaveLength(4);
  });

  it('adds a new environment', () => {
    const platform = loadPlatform(
      overlay(`
environments:
  - name: aws-staging
    cloud: aws
    stage: dev
    region: us-west-2
    aws: { accountId: "333333333333" }
    network: { cidr: 10.50.0.0/16, apiAllowedCidrs: [198.51.100.0/24] }
    cluster:
      kubernetesVersion: "1.33"
      systemPool: { sizes: [m6i.large], min: 1, max: 2 }
`),
    );
    expect(platform.environments.map((e) => e.name)).toContain('aws-staging');
  });

  it('replaces lists rather than merging them', () => {
    const platform = loadPlatform(
      overlay(
        `environments: [{ name: aws-dev, cluster: { repositories: [inference, mlflow-server, training, edw-consumer, edw-producer, rag-api, lakehouse-spark] } }]`,
      ),
    );
    expect(platform.environments[0].cluster.repositories).toEqual([
      'inference',
      'mlflow-server',
      'training',
      'edw-consumer',
      'edw-producer',
      'rag-api',
      'lakehouse-spark',
    ]);
  });

  it('reports unknown keys and bad values from the overlay with their paths', () => {
    const problems = findProblems(
      overlay(`
environments:
  - name: azure-dev
    network: { cidr: 10.0.0.0/33, subnets: 3 }
`),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'environments[2].network.subnets', message: expect.stringMatching(/^unknown key/) },
        { path: 'environments[2].network.cidr', message: '"10.0.0.0/33" is not an IPv4 CIDR' },
      ]),
    );
  });

  it('reports a new environment that is incomplete', () => {
    const problems = findProblems(overlay(`environments: [{ name: gcp-dev, cloud: gcp }]`));
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['environments[4].cloud', 'environments[4].region', 'environments[4].network', 'environments[4].cluster']));
  });

  it('names YAML syntax errors by file, line and column', () => {
    expect(() => parseOverlay('environments:\n  - name: [unclosed\n', 'bad.yaml')).toThrow(ModelError);
    try {
      parseOverlay('environments:\n  - name: [unclosed\n', 'bad.yaml');
    } catch (e) {
      expect((e as ModelError).problems[0].path).toMatch(/^bad\.yaml:\d+:\d+$/);
    }
  });

  it('rejects an overlay environment without a name, and a non-mapping overlay', () => {
    expect(() => overlay(`environments: [{ region: eu-west-1 }]`)).toThrow(/needs a `name`/);
    expect(() => overlay(`- just a list`)).toThrow(/must be a mapping/);
  });
});
