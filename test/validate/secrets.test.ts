import type { EnvironmentOutput, K8sObject } from '../../src/validate/output';
import { scanEnvironment } from '../../src/validate/secrets';

const TF = 'env/terraform/data/cdk.tf.json';

function envWith(
  files: Record<string, string>,
  resource: Record<string, Record<string, any>> = {},
  manifests: K8sObject[] = [],
): { env: EnvironmentOutput; read: (f: string) => string } {
  const all = { ...files };
  const env: EnvironmentOutput = {
    name: 'env',
    terraform: Object.keys(resource).length ? [{ file: TF, stack: 'data', json: { resource } }] : [],
    manifests: manifests.map((obj, i) => ({ file: `env/kubernetes/app/m${i}.yaml`, app: 'app', obj })),
    files: Object.keys(all),
  };
  return { env, read: (f) => all[f] ?? '' };
}

const scan = (x: ReturnType<typeof envWith>) => scanEnvironment(x.env, x.read);
const rules = (x: ReturnType<typeof envWith>) => scan(x).map((f) => f.rule);

describe('secret scan', () => {
  it('passes clean output', () => {
    expect(scan(envWith({ 'env/a.yaml': 'kind: ConfigMap\ndata:\n  region: eu-west-1\n' }))).toEqual([]);
  });

  it('finds AWS access keys and secret keys', () => {
    expect(rules(envWith({ 'env/a.json': '{"key": "AKIAIOSFODNN7EXAMPLE"}' }))).toEqual(['secret-aws-key']);
    expect(rules(envWith({ 'env/a.txt': 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }))).toEqual(['secret-aws-key']);
  });

  it('finds a GitHub token and user:password credentials inside a URL, and not a user alone or a placeholder', () => {
    const token = `ghp_${'x9'.repeat(18)}`;
    expect(rules(envWith({ 'env/a.yaml': `repoURL: https://${token}@github.com/acme/platform.git` }))).toEqual(['secret-git-token']);
    expect(rules(envWith({ 'env/a.yaml': 'url: https://deploy:hunter2-pass@git.example.com/acme/platform.git' }))).toEqual(['secret-url-credentials']);
    expect(rules(envWith({ 'env/a.yaml': 'url: ssh://git@github.com/acme/platform.git\nuri: postgresql://mlflow:$(DB_PASSWORD)@db:5432/mlflow' }))).toEqual([]);
  });

  it('finds Azure account keys, connection strings and client secrets', () => {
    const key = 'A'.repeat(86) + '==';
    expect(rules(envWith({ 'env/a.yaml': `conn: DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${key}` }))).toContain('secret-azure-key');
    expect(
      rules(envWith({ 'env/a.yaml': 'url: https://x.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=abcdefghijklmnopqrstuvwxyz012345' })),
    ).toContain('secret-azure-key');
    expect(rules(envWith({ 'env/a.yaml': 'secret: abc8Q~abcdefghijklmnopqrstuvwxyz0123456' }))).toContain('secret-azure-key');
  });

  it('finds private keys', () => {
    expect(rules(envWith({ 'env/key.pem': '-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n' }))).toEqual(['secret-private-key']);
    expect(rules(envWith({ 'env/key.pem': '-----BEGIN OPENSSH PRIVATE KEY-----\n' }))).toEqual(['secret-private-key']);
  });

  it('finds password-like literals in Terraform but not references, flags or names', () => {
    const literal = scan(envWith({}, { aws_db_instance: { db: { password: 'hunter2hunter2' } } }));
    expect(literal).toEqual([
      expect.objectContaining({ rule: 'secret-literal', resource: 'aws_db_instance.db', message: expect.stringMatching(/^password holds a literal value/) }),
    ]);
    const fine = scan(
      envWith(
        {},
        {
          aws_db_instance: { db: { manage_master_user_password: true, master_user_secret_kms_key_id: '${aws_kms_key.k.arn}' } },
          azurerm_postgresql_flexible_server: { pg: { administrator_password: '${ephemeral.random_password.pg.result}' } },
          azurerm_key_vault_secret: { s: { name: 'db-password', key_vault_id: '${azurerm_key_vault.kv.id}' } },
        },
      ),
    );
    expect(fine).toEqual([]);
  });

  it('finds literal secrets in container env and inline Secret data', () => {
    const deployment: K8sObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'rag' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'api',
                env: [
                  { name: 'DB_PASSWORD', value: 's3cr3t-value' },
                  { name: 'DB_HOST', value: 'db.internal' },
                ],
              },
            ],
          },
        },
      },
    };
    const found = scan(envWith({}, {}, [deployment]));
    expect(found).toEqual([
      expect.objectContaining({
        rule: 'secret-literal',
        resource: 'Deployment rag/api',
        message: expect.stringMatching(/env\[0\]\.value holds a literal value for DB_PASSWORD/),
      }),
    ]);

    const secret: K8sObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'rag' }, data: { password: 'aHVudGVyMg==' } };
    expect(scan(envWith({}, {}, [secret])).map((f) => f.rule)).toEqual(['secret-inline-k8s-secret']);
    const fromRef: K8sObject = {
      ...deployment,
      spec: {
        template: { spec: { containers: [{ name: 'api', env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] }] } },
      },
    };
    expect(scan(envWith({}, {}, [fromRef]))).toEqual([]);
    // A chart value naming an existing Secret (Helm's `existingSecret` convention) is a reference; a password is not.
    const release = (admin: Record<string, string>): K8sObject => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'grafana', namespace: 'flux-system' },
      spec: { values: { grafana: { admin } } },
    });
    expect(scan(envWith({}, {}, [release({ existingSecret: 'grafana-admin' })]))).toEqual([]);
    expect(scan(envWith({}, {}, [release({ password: 'hunter2hunter2' })])).map((f) => f.rule)).toEqual(['secret-literal']);
  });

  it('finds Secret-backed variables expanded into command or args (secret-env-in-args), not ones the program reads', () => {
    const env = [
      { name: 'DB_URI', valueFrom: { secretKeyRef: { name: 'db', key: 'uri' } } },
      { name: 'PORT', value: '5000' },
    ];
    const deployment = (args: string[], initContainers = false): K8sObject => {
      const c = { name: 'server', image: 'server:1', args, env };
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'server', namespace: 'mlops' },
        spec: { template: { spec: initContainers ? { initContainers: [c], containers: [] } : { containers: [c] } } },
      };
    };
    const found = scan(envWith({}, {}, [deployment(['--db', '$(DB_URI)'])]));
    expect(found).toEqual([
      expect.objectContaining({
        rule: 'secret-env-in-args',
        resource: 'Deployment mlops/server',
        message: expect.stringMatching(/container server: \$\(DB_URI\)/),
      }),
    ]);
    expect(rules(envWith({}, {}, [deployment(['--db=$(DB_URI)'], true)]))).toEqual(['secret-env-in-args']);
    // A plain variable may be expanded; a Secret-backed one read by the program is fine.
    expect(scan(envWith({}, {}, [deployment(['--port', '$(PORT)'])]))).toEqual([]);
  });
});
