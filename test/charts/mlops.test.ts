import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { execFileSync } from 'child_process';
import { tempDir } from '../synth/helpers';
import { AZURE_DATABASE_TOKEN_SCOPE, DB_CREDENTIAL_VERSION, dbUserScript, KEY_VAULT_DATA_API_VERSION } from '../../charts/mlops/database-user';
import { MLFLOW_INGRESS_POLICY, MLFLOW_METRICS_DIR, MlopsChart } from '../../charts/mlops/mlops';
import { scrapeTargets } from '../../src/model/scrapes';
import { blockedFlows } from '../../src/validate/flows';
import { KarpenterChart } from '../../charts/platform/karpenter';
import { PlatformChart } from '../../charts/platform/platform';
import { renderChart } from '../../charts/lib/render';
import type { EnvironmentContext } from '../../src/model/context';
import type { Cloud } from '../../src/model/types';
import { azureSubnetLayout } from '../../src/model/cidr';
import { MLOPS_OUTPUTS, MLOPS_STACK } from '../../src/model/naming';
import { AZURE_SPOT_TAINT, GPU_TAINT, KARPENTER_SPOT_TAINT, POOL_LABEL, PRIORITY_CLASSES } from '../../src/model/scheduling';
import { loadKubernetesBundle, validateManifest } from '../../src/validate/kubernetes';
import { buildKubernetesBundle } from '../../src/validate/kubernetes-bundle';
import type { EnvironmentOutput } from '../../src/validate/output';
import { scanEnvironment } from '../../src/validate/secrets';
import {
  chartKit,
  emittedObjects,
  emptyOutputsDir,
  exampleOutput,
  manifestsOf,
  newApp,
  onAws,
  policyFindings,
  specWith,
  TMP_MOUNTS,
  expectAppOnlyWhereEnabled,
  expectKustomizationListsEveryFile,
} from './helpers';

const { ctxOf, render, objects, one, missingOutputs, all, aws, azure } = chartKit(MlopsChart, (e) => e.mlops);
const SHARED_SCHEMAS = path.resolve(__dirname, '../..', '../shared/schemas');
/** The training pod template of a job, from its Job or CronJob. */
function trainingJobOf(ctx: EnvironmentContext<Cloud, 'mlops'>, name: string): { kind: string; spec: any; obj: any } {
  const obj = objects(ctx).find((o) => (o.kind === 'Job' || o.kind === 'CronJob') && o.metadata.name === name);
  expect(obj).toBeDefined();
  return { kind: obj.kind, spec: obj.kind === 'CronJob' ? obj.spec.jobTemplate.spec : obj.spec, obj };
}
const mlflowPod = (ctx: EnvironmentContext<Cloud, 'mlops'>) => one(ctx, 'Deployment', 'mlflow').spec.template;

/** The metadata.name of the one TrainingJob of a SageMaker entry (`<entry>-<run id>`). */
function sageMakerName(ctx: EnvironmentContext<Cloud, 'mlops'>, entry: string): string {
  const names = objects(ctx)
    .filter((o) => o.kind === 'TrainingJob' && o.metadata.labels['app.kubernetes.io/name'] === entry)
    .map((o) => o.metadata.name);
  expect(names).toHaveLength(1);
  return names[0];
}
const dbUserJobName = (ctx: EnvironmentContext<Cloud, 'mlops'>): string =>
  objects(ctx).find((o) => o.kind === 'Job' && o.metadata.name.startsWith('mlflow-db-user-'))!.metadata.name;
const trainingJobsOf = (ctx: EnvironmentContext<Cloud, 'mlops'>) => objects(ctx).filter((o) => o.kind === 'TrainingJob');

/**
 * Runs a database-user script (argv[1]) with fake psycopg2 and urllib.request.urlopen (Entra ID's token endpoint
 * and Key Vault: the admin secret holds `admin-pw`, MLflow's FAKE_STORED), then prints the calls it made.
 */
const FAKE_AZURE_HARNESS = `
import io, json, os, sys, types, urllib.error, urllib.parse, urllib.request
calls = []
class Q:
    def __init__(self, text): self.text = text
    def format(self, *args): return Q(self.text.format(*[a.text for a in args]))
sqlmod = types.ModuleType("psycopg2.sql")
sqlmod.SQL = Q
sqlmod.Identifier = lambda name: Q('"' + name + '"')
class Cursor:
    rows = []
    def __enter__(self): return self
    def __exit__(self, *a): return False
    def execute(self, q, params=None):
        text = q.text if isinstance(q, Q) else q
        calls.append(["sql", [text, list(params) if params else None]])
        # The grants take effect unless FAKE_GRANTS_IGNORED (PostgreSQL's "no privileges were granted" warning).
        self.rows = [("runs", "r")] if "pg_class" in text else [(not os.environ.get("FAKE_GRANTS_IGNORED"),)] if "has_schema_privilege" in text else []
    def fetchone(self): return self.rows[0] if self.rows else None
    def fetchall(self): return self.rows
class Conn:
    def __enter__(self): return self
    def __exit__(self, *a): return False
    def cursor(self): return Cursor()
pg = types.ModuleType("psycopg2")
pg.sql = sqlmod
def connect(**kw):
    calls.append(["connect", kw["user"], kw["password"], kw["host"], kw["sslmode"]])
    return Conn()
pg.connect = connect
sys.modules["psycopg2"], sys.modules["psycopg2.sql"] = pg, sqlmod
class Resp(io.BytesIO):
    def __enter__(self): return self
    def __exit__(self, *a): return False
def urlopen(req, data=None, timeout=None):
    if isinstance(req, str):
        form = dict(urllib.parse.parse_qsl(data.decode()))
        calls.append(["token", req, form])
        return Resp(json.dumps({"access_token": "token-for " + form["scope"]}).encode())
    body = json.loads(req.data) if req.data else None
    calls.append(["vault", req.get_method(), req.full_url, req.get_header("Authorization"), body])
    if body is not None: return Resp(json.dumps({"value": body["value"]}).encode())
    name = req.full_url.split("/secrets/")[1].split("?")[0]
    if os.environ["FAKE_STORED"] == "<missing>":
        raise urllib.error.HTTPError(req.full_url, 404, "SecretNotFound", {}, None)
    values = {os.environ["USER_SECRET_NAME"]: os.environ["FAKE_STORED"]}
    return Resp(json.dumps({"value": values[name]}).encode())
urllib.request.urlopen = urlopen
exec(compile(open(sys.argv[1]).read(), "db-user", "exec"), {"__name__": "__main__"})
print("CALLS=" + json.dumps(calls))
`;

const MLFLOW = { 'app.kubernetes.io/name': 'mlflow' };
const TRAINING = { 'app.kubernetes.io/component': 'training' };
const toleration = (t: { key: string; value: string; effect: string }) => ({ key: t.key, operator: 'Equal', value: t.value, effect: t.effect });

describe('MlopsChart', () => {
  test('the default model enables mlops in all four environments; the factory only where enabled', () => {
    expect(all.map(([n]) => n).sort()).toEqual(['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']);
    expectAppOnlyWhereEnabled('azure-dev', 'mlops');
  });

  test.each(all)('%s: objects, all namespaced in mlops (no StorageClass: the platform app owns it), listed in kustomization.yaml', (_n, ctx) => {
    const files = render(ctx);
    const job = ctx.env.stage === 'prod' ? 'cronjob-finetune.yaml' : 'job-finetune.yaml';
    expect([...files.keys()].sort()).toEqual(
      [
        'deployment-mlflow.yaml',
        'externalsecret-mlflow-db.yaml',
        job,
        'kustomization.yaml',
        'networkpolicy-mlflow-egress.yaml',
        'networkpolicy-mlflow-ingress.yaml',
        'networkpolicy-training-egress.yaml',
        'poddisruptionbudget-mlflow.yaml',
        'secretstore-mlflow-db.yaml',
        'service-mlflow.yaml',
        'serviceaccount-mlflow.yaml',
        'serviceaccount-training.yaml',
        // The database-user Job, its account and egress.
        `job-${dbUserJobName(ctx)}.yaml`,
        'networkpolicy-mlflow-db-user-egress.yaml',
        'serviceaccount-mlflow-db-admin.yaml',
        // The SageMaker entry (aws-prod, burst on): a TrainingJob named after its run.
        ...ctx.env.mlops!.sagemakerTraining.map((j) => `trainingjob-${sageMakerName(ctx, j.name)}.yaml`),
      ]
        .sort()
        .map((f) => `mlops/${f}`),
    );
    expectKustomizationListsEveryFile(files, 'mlops');
    for (const obj of objects(ctx)) expect(obj.metadata.namespace).toBe(ctx.names.mlops!.namespace);
    expect(objects(ctx).filter((o) => o.kind === 'Namespace' || o.kind === 'Secret')).toEqual([]);
  });

  describe('database secret path: cloud store → SecretStore → ExternalSecret → Secret → MLflow env', () => {
    test.each(aws)('%s: Secrets Manager through the MLflow service account (IRSA, jwt auth)', (_n, ctx) => {
      const store = one(ctx, 'SecretStore', 'mlflow-db');
      expect(store.apiVersion).toBe('external-secrets.io/v1');
      expect(store.spec.provider).toEqual({
        aws: { service: 'SecretsManager', region: ctx.env.region, auth: { jwt: { serviceAccountRef: { name: 'mlflow' } } } },
      });
      const sa = one(ctx, 'ServiceAccount', ctx.names.mlops!.mlflowServiceAccount);
      expect(sa.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': ctx.names.aws!.roleArn(ctx.names.mlops!.aws!.mlflowRoleName) });
      const es = one(ctx, 'ExternalSecret', 'mlflow-db');
      // MLflow's own user's secret, never the RDS-managed master secret.
      const key = ctx.names.mlops!.aws!.dbUserSecretName;
      expect(es.spec.data).toEqual([
        { secretKey: 'password', remoteRef: { key, property: 'password' } },
        { secretKey: 'version', remoteRef: { key, property: 'version' } },
      ]);
      expect(JSON.stringify(es)).not.toContain(exampleOutput(ctx.env.name, MLOPS_STACK, MLOPS_OUTPUTS.dbSecretArn));
      expect(es.spec.target.template.data['backend-store-uri']).toBe(
        `postgresql://mlflow_server:{{ .password | urlquery }}@${exampleOutput(ctx.env.name, MLOPS_STACK, MLOPS_OUTPUTS.dbHost)}:5432/mlflow?sslmode=require`,
      );
    });

    test.each(azure)('%s: Key Vault through the MLflow service account (WorkloadIdentity)', (_n, ctx) => {
      const names = ctx.names.mlops!;
      const store = one(ctx, 'SecretStore', 'mlflow-db');
      expect(store.spec.provider).toEqual({
        azurekv: { authType: 'WorkloadIdentity', vaultUrl: names.azure!.keyVaultUrl, tenantId: ctx.env.azure!.tenantId, serviceAccountRef: { name: 'mlflow' } },
      });
      const sa = one(ctx, 'ServiceAccount', names.mlflowServiceAccount);
      expect(sa.metadata.annotations).toEqual({ 'azure.workload.identity/client-id': exampleOutput(ctx.env.name, MLOPS_STACK, MLOPS_OUTPUTS.mlflowClientId) });
      expect(mlflowPod(ctx).metadata.labels['azure.workload.identity/use']).toBe('true');
      const es = one(ctx, 'ExternalSecret', 'mlflow-db');
      // MLflow's own user's secret (JSON properties), never the administrator's.
      const key = names.azure!.dbUserSecret;
      expect(es.spec.data).toEqual([
        { secretKey: 'password', remoteRef: { key, property: 'password' } },
        { secretKey: 'version', remoteRef: { key, property: 'version' } },
      ]);
      expect(es.spec.target.template.data['backend-store-uri']).toBe(
        `postgresql://mlflow_server:{{ .password | urlquery }}@${names.azure!.postgresHost}:5432/${names.database.name}?sslmode=require`,
      );
    });

    test.each(all)('%s: the ExternalSecret writes Secret mlflow-db, which MLflow reads by reference only', (_n, ctx) => {
      const es = one(ctx, 'ExternalSecret', 'mlflow-db');
      expect(es.spec.secretStoreRef).toEqual({ name: 'mlflow-db', kind: 'SecretStore' });
      // Every minute, so a rotation's rollout (waiting for the new version) is short.
      expect(es.spec.refreshInterval).toBe('1m');
      expect(es.spec.target).toMatchObject({ name: 'mlflow-db', creationPolicy: 'Owner', template: { engineVersion: 'v2', type: 'Opaque' } });
      expect(Object.keys(es.spec.target.template.data)).toEqual(['backend-store-uri', 'version']);
      const c = mlflowPod(ctx).spec.containers[0];
      expect(c.env.find((v: any) => v.name === 'MLFLOW_BACKEND_STORE_URI')).toEqual({
        name: 'MLFLOW_BACKEND_STORE_URI',
        valueFrom: { secretKeyRef: { name: es.spec.target.name, key: 'backend-store-uri' } },
      });
      for (const v of c.env) if (v.name !== 'MLFLOW_BACKEND_STORE_URI') expect(v.valueFrom).toBeUndefined();
      // The store authenticates as the service account the MLflow pods run as.
      const provider = one(ctx, 'SecretStore', 'mlflow-db').spec.provider;
      const storeAccount = ctx.env.cloud === 'aws' ? provider.aws.auth.jwt.serviceAccountRef.name : provider.azurekv.serviceAccountRef.name;
      expect(mlflowPod(ctx).spec.serviceAccountName).toBe(storeAccount);
    });

    test.each(all)('%s: no password anywhere: secret scan clean, no literal in the YAML', (_n, ctx) => {
      const rendered = render(ctx);
      const manifests = manifestsOf(ctx, [MlopsChart]);
      const files = new Map(manifests.map((m) => [m.file, rendered.get(m.file.split('/kubernetes/')[1])!]));
      const env: EnvironmentOutput = { name: ctx.env.name, terraform: [], manifests, files: [...files.keys()] };
      expect(scanEnvironment(env, (f) => files.get(f)!)).toEqual([]);
      const text = [...rendered.values()].join('\n');
      // The only credential-looking things are the template placeholder and references.
      expect(text.match(/postgresql:\/\/[^@\n]*@/g)).toEqual(['postgresql://mlflow_server:{{ .password | urlquery }}@']);
      for (const word of ['stringData', 'password:', 'PASSWORD=', 'AccountKey']) expect(text).not.toContain(word);
    });
  });

  describe("MLflow's own database user", () => {
    test.each(all)('%s: a one-off Job as mlflow-db-admin, named by its spec hash, no TTL, a pod per attempt', (_n, ctx) => {
      const job = one(ctx, 'Job', dbUserJobName(ctx));
      expect(job.metadata.name).toMatch(/^mlflow-db-user-[0-9a-f]{8}$/);
      expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
      expect(job.spec.template.spec.serviceAccountName).toBe('mlflow-db-admin');
      expect(job.spec.template.spec.restartPolicy).toBe('Never');
    });

    test.each(aws)('%s: the Job runs as its own IRSA role, no secret in its spec', (_n, ctx) => {
      const names = ctx.names.mlops!;
      const pod = one(ctx, 'Job', dbUserJobName(ctx)).spec.template.spec;
      expect(one(ctx, 'ServiceAccount', 'mlflow-db-admin').metadata.annotations).toEqual({
        'eks.amazonaws.com/role-arn': ctx.names.aws!.roleArn(names.aws!.dbAdminRoleName),
      });
      const env = Object.fromEntries(pod.containers[0].env.map((v: any) => [v.name, v.value]));
      expect(env).toMatchObject({
        PGHOST: exampleOutput(ctx.env.name, MLOPS_STACK, MLOPS_OUTPUTS.dbHost),
        PGDATABASE: 'mlflow',
        DB_USER: 'mlflow_server',
        DB_CREDENTIAL_VERSION: String(DB_CREDENTIAL_VERSION),
        ADMIN_SECRET_ID: exampleOutput(ctx.env.name, MLOPS_STACK, MLOPS_OUTPUTS.dbSecretArn),
        USER_SECRET_ID: names.aws!.dbUserSecretName,
      });
      // The master password is read at run time by the script, never through the pod spec.
      for (const v of pod.containers[0].env) expect(v.valueFrom).toBeUndefined();
      expect(pod.containers[0].command).toEqual(['python', '-c', dbUserScript('aws')]);
      expect(one(ctx, 'NetworkPolicy', 'mlflow-db-user-egress').spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'mlflow-db-user' } });
    });

    test('a changed Job (another image) is a new Job name: it runs once per change', () => {
      const before = dbUserJobName(ctxOf('aws-dev'));
      const after = dbUserJobName(
        ctxOf(
          'aws-dev',
          specWith('aws-dev', (e) => (e.workloads!.mlops!.mlflow!.image = 'mlflow-server:2.17.3')),
        ),
      );
      expect(after).not.toBe(before);
    });

    test.each(all)('%s: MLflow pods name the credential version and wait for the Secret to hold it', (_n, ctx) => {
      const template = mlflowPod(ctx);
      expect(template.metadata.annotations).toEqual({ 'platform-synth.io/db-credential-version': String(DB_CREDENTIAL_VERSION) });
      const [wait] = template.spec.initContainers;
      expect(wait.name).toBe('wait-for-credentials');
      expect(wait.env).toEqual([
        { name: 'DB_CREDENTIAL_VERSION', value: String(DB_CREDENTIAL_VERSION) },
        { name: 'VERSION_FILE', value: '/var/run/mlflow-db/version' },
      ]);
      // Only the version key is mounted: the password stays out of the init container.
      expect(template.spec.volumes.find((v: any) => v.name === 'db-version')).toEqual({
        name: 'db-version',
        secret: { secretName: 'mlflow-db', items: [{ key: 'version', path: 'version' }] },
      });
    });

    test.each(azure)('%s: the Job runs as its own workload identity against Key Vault and the Flexible Server', (_n, ctx) => {
      const names = ctx.names.mlops!;
      const job = one(ctx, 'Job', dbUserJobName(ctx));
      const pod = job.spec.template.spec;
      expect(job.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
      expect(one(ctx, 'ServiceAccount', 'mlflow-db-admin').metadata.annotations).toEqual({
        'azure.workload.identity/client-id': exampleOutput(ctx.env.name, MLOPS_STACK, MLOPS_OUTPUTS.dbAdminClientId),
      });
      // Not MLflow's identity: MLflow's may read only its own secret.
      expect(exampleOutput(ctx.env.name, MLOPS_STACK, MLOPS_OUTPUTS.dbAdminClientId)).not.toBe(
        exampleOutput(ctx.env.name, MLOPS_STACK, MLOPS_OUTPUTS.mlflowClientId),
      );
      const env = Object.fromEntries(pod.containers[0].env.map((v: any) => [v.name, v.value]));
      expect(env).toMatchObject({
        PGHOST: names.azure!.postgresHost,
        PGDATABASE: 'mlflow',
        DB_USER: 'mlflow_server',
        DB_CREDENTIAL_VERSION: String(DB_CREDENTIAL_VERSION),
        VAULT_URL: names.azure!.keyVaultUrl,
        VAULT_API_VERSION: KEY_VAULT_DATA_API_VERSION,
        // The server's Entra ID administrator: the Job's own identity, signing in with a token.
        ADMIN_USER: names.azure!.dbAdminIdentityName,
        DATABASE_TOKEN_SCOPE: AZURE_DATABASE_TOKEN_SCOPE,
        USER_SECRET_NAME: names.azure!.dbUserSecret,
      });
      for (const v of pod.containers[0].env) expect(v.valueFrom).toBeUndefined();
      expect(pod.containers[0].command).toEqual(['python', '-c', dbUserScript('azure')]);
    });

    describe('the Azure script, run against fake Key Vault, Entra ID and PostgreSQL', () => {
      const ctx = ctxOf('azure-prod');
      const job = () => one(ctx, 'Job', dbUserJobName(ctx));
      const run = (stored: string, extraEnv: Record<string, string> = {}) => {
        const dir = tempDir('db-user');
        fs.writeFileSync(path.join(dir, 'token'), 'federated-token\n');
        fs.writeFileSync(path.join(dir, 'script.py'), job().spec.template.spec.containers[0].command[2]);
        fs.writeFileSync(path.join(dir, 'harness.py'), FAKE_AZURE_HARNESS);
        const env = Object.fromEntries(job().spec.template.spec.containers[0].env.map((v: any) => [v.name, v.value]));
        let out: string;
        try {
          out = execFileSync('python3', [path.join(dir, 'harness.py'), path.join(dir, 'script.py')], {
            encoding: 'utf8',
            // What the workload identity webhook injects.
            env: {
              ...env,
              PATH: process.env.PATH,
              AZURE_CLIENT_ID: 'job-client-id',
              AZURE_TENANT_ID: ctx.env.azure!.tenantId,
              AZURE_FEDERATED_TOKEN_FILE: path.join(dir, 'token'),
              AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.com/',
              FAKE_STORED: stored,
              ...extraEnv,
            },
          });
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
        return JSON.parse(out.split('CALLS=')[1]) as any[][];
      };

      test("first run (Terraform's `{}`): signs in with an Entra ID token, creates the role, hands over the tables, writes one new version", () => {
        const calls = run('{}');
        const names = ctx.names.mlops!;
        const vaultUrl = (secret: string) => `${names.azure!.keyVaultUrl}secrets/${secret}?api-version=${KEY_VAULT_DATA_API_VERSION}`;
        const tokenRequest = (scope: string) => [
          'token',
          `https://login.microsoftonline.com/${ctx.env.azure!.tenantId}/oauth2/v2.0/token`,
          {
            grant_type: 'client_credentials',
            client_id: 'job-client-id',
            scope,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: 'federated-token',
          },
        ];
        expect(calls.filter((c) => c[0] === 'token')).toEqual([tokenRequest('https://vault.azure.net/.default'), tokenRequest(AZURE_DATABASE_TOKEN_SCOPE)]);
        expect(AZURE_DATABASE_TOKEN_SCOPE).toBe('https://ossrdbms-aad.database.windows.net/.default');
        const vault = calls.filter((c) => c[0] === 'vault');
        // No administrator's secret to read: only MLflow's, read then written.
        expect(vault.map((c) => [c[1], c[2], c[3]])).toEqual([
          ['GET', vaultUrl(names.azure!.dbUserSecret), 'Bearer token-for https://vault.azure.net/.default'],
          ['PUT', vaultUrl(names.azure!.dbUserSecret), 'Bearer token-for https://vault.azure.net/.default'],
        ]);
        expect(calls.find((c) => c[0] === 'connect')).toEqual([
          'connect',
          names.azure!.dbAdminIdentityName,
          `token-for ${AZURE_DATABASE_TOKEN_SCOPE}`,
          names.azure!.postgresHost,
          'require',
        ]);
        const put = vault[1][4];
        expect(put.contentType).toBe('application/json');
        const value = JSON.parse(put.value);
        expect(value).toEqual({ username: 'mlflow_server', password: expect.stringMatching(/^.{40,}$/), version: String(DB_CREDENTIAL_VERSION) });
        const statements = calls.filter((c) => c[0] === 'sql').map((c) => c[1]);
        expect(statements).toContainEqual(['CREATE ROLE "mlflow_server" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s', [value.password]]);
        expect(statements).toContainEqual(['GRANT USAGE, CREATE ON SCHEMA public TO "mlflow_server"', null]);
        expect(statements).toContainEqual(['ALTER TABLE public."runs" OWNER TO "mlflow_server"', null]);
      });

      test('grants the administrator may not give (they only warn) fail the Job before a password is stored', () => {
        let failure: any;
        try {
          run('{}', { FAKE_GRANTS_IGNORED: '1' });
        } catch (e) {
          failure = e;
        }
        expect(failure?.status).toBe(1);
        expect(String(failure?.stderr)).toMatch(/mlflow_server did not get USAGE and CREATE on schema public/);
        expect(String(failure?.stdout)).not.toContain('"PUT"');
      });

      test('a missing secret (404) is a first run: the role is created and the first version written', () => {
        const calls = run('<missing>');
        const puts = calls.filter((c) => c[0] === 'vault' && c[1] === 'PUT');
        expect(puts).toHaveLength(1);
        expect(JSON.parse(puts[0][4].value)).toMatchObject({ username: 'mlflow_server', version: String(DB_CREDENTIAL_VERSION) });
      });

      test('a re-run at the same version keeps the password and writes nothing', () => {
        const calls = run(JSON.stringify({ username: 'mlflow_server', password: 'kept-password', version: String(DB_CREDENTIAL_VERSION) }));
        expect(calls.filter((c) => c[0] === 'vault' && c[1] !== 'GET')).toEqual([]);
        expect(calls.filter((c) => c[0] === 'sql').map((c) => c[1])).toContainEqual([
          'CREATE ROLE "mlflow_server" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s',
          ['kept-password'],
        ]);
      });

      test('another stored version (a bump) gets a new password', () => {
        const calls = run(JSON.stringify({ username: 'mlflow_server', password: 'old-password', version: '0' }));
        const puts = calls.filter((c) => c[0] === 'vault' && c[1] === 'PUT');
        expect(puts).toHaveLength(1);
        expect(JSON.parse(puts[0][4].value).password).not.toBe('old-password');
      });
    });
  });

  describe('MLflow', () => {
    test.each(all)('%s: server args from the model and names, image, replicas, probes, priority', (_n, ctx) => {
      const pod = mlflowPod(ctx);
      const c = pod.spec.containers[0];
      expect(c.image).toBe(ctx.env.mlops!.mlflow.image);
      expect(c.command).toEqual(['mlflow']);
      expect(c.args).toEqual([
        'server',
        '--host',
        '0.0.0.0',
        '--port',
        '5000',
        // No --backend-store-uri: mlflow server reads MLFLOW_BACKEND_STORE_URI (click envvar), and args are visible to every process.
        '--default-artifact-root',
        ctx.names.mlops!.artifactRoot,
      ]);
      expect(ctx.names.mlops!.artifactRoot).toMatch(ctx.env.cloud === 'aws' ? /^s3:\/\/acme-.*-mlops-artifacts-\d+\/mlflow$/ : /^wasbs:\/\/mlflow@/);
      expect(one(ctx, 'Deployment', 'mlflow').spec.replicas).toBe(ctx.env.stage === 'prod' ? 2 : 1);
      expect(c.readinessProbe.httpGet.path).toBe('/health');
      expect(c.livenessProbe.httpGet.path).toBe('/health');
      // A first start migrates a new database: liveness waits for a startup probe of up to five minutes.
      expect(c.startupProbe.httpGet.path).toBe('/health');
      expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(300);
      expect(c.livenessProbe.initialDelaySeconds ?? 0).toBeLessThan(30);
      expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false });
      expect(c.volumeMounts).toEqual(TMP_MOUNTS);
      expect(pod.spec.priorityClassName).toBe(PRIORITY_CLASSES.online);
      expect(pod.spec.automountServiceAccountToken).toBe(false);
      expect(one(ctx, 'Service', 'mlflow').spec.ports).toEqual([{ name: 'http', port: 5000, targetPort: 'http', protocol: 'TCP' }]);
      expect(ctx.names.mlops!.trackingUri).toBe('http://mlflow.mlops.svc.cluster.local:5000');
      expect(one(ctx, 'PodDisruptionBudget', 'mlflow').spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: MLFLOW } });
    });
  });

  describe('GPU training', () => {
    test.each(all)('%s: CronJob where the model has a schedule (prod), Job otherwise', (_n, ctx) => {
      const job = ctx.env.mlops!.training[0];
      const { kind, obj } = trainingJobOf(ctx, job.name);
      expect(kind).toBe(job.schedule ? 'CronJob' : 'Job');
      expect(Boolean(job.schedule)).toBe(ctx.env.stage === 'prod');
      if (job.schedule) expect(obj.spec).toMatchObject({ schedule: job.schedule, concurrencyPolicy: 'Forbid' });
    });

    test.each(all)('%s: lands on its pool and tolerates exactly the taints of that pool', (_n, ctx) => {
      const job = ctx.env.mlops!.training[0];
      const { spec } = trainingJobOf(ctx, job.name);
      expect(spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        { matchExpressions: [{ key: POOL_LABEL, operator: 'In', values: [job.pool.name] }] },
      ]);
      const spotTaint = { azure: AZURE_SPOT_TAINT, aws: KARPENTER_SPOT_TAINT }[ctx.env.cloud];
      const expected = job.pool.capacity === 'spot' ? [GPU_TAINT, spotTaint] : [GPU_TAINT];
      expect(spec.template.spec.tolerations).toEqual(expected.map(toleration));
      // Cross-check with the cluster layer: AWS Karpenter NodePools emitted by the platform.
      if (ctx.env.cloud === 'aws' && job.pool.provisioner === 'karpenter') {
        const pools = renderChart(new KarpenterChart(newApp(), onAws(ctx)));
        const pool = parse(pools.get(`karpenter/nodepool-${job.pool.name}.yaml`)!);
        expect(pool.spec.template.metadata.labels[POOL_LABEL]).toBe(job.pool.name);
        expect(pool.spec.template.spec.taints.map(toleration)).toEqual(spec.template.spec.tolerations);
      }
    });

    test('an on-demand pool needs the GPU toleration only; a Spot pool on AWS, the platform Spot taint too', () => {
      const az = ctxOf(
        'azure-prod',
        specWith('azure-prod', (e) => (e.workloads!.mlops!.training![0].pool = 'gpu')),
      );
      expect(trainingJobOf(az, 'finetune').spec.template.spec.tolerations).toEqual([toleration(GPU_TAINT)]);
      const awsSpot = ctxOf('aws-prod');
      expect(awsSpot.env.mlops!.training[0].pool.capacity).toBe('spot');
      expect(trainingJobOf(awsSpot, 'finetune').spec.template.spec.tolerations).toEqual([toleration(GPU_TAINT), toleration(KARPENTER_SPOT_TAINT)]);
    });

    test.each(all)('%s: no autoscaler consolidates or scales down a node under a running training pod', (_n, ctx) => {
      const { metadata } = trainingJobOf(ctx, ctx.env.mlops!.training[0].name).spec.template;
      expect(metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true', 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' });
    });

    test.each(all)('%s: GPUs requested and limited, retries, deadline, tracking URI, checkpoint mount', (_n, ctx) => {
      const job = ctx.env.mlops!.training[0];
      const { spec } = trainingJobOf(ctx, job.name);
      const pod = spec.template.spec;
      const c = pod.containers[0];
      expect(c.resources.limits['nvidia.com/gpu']).toBe(job.gpus);
      expect(c.resources.requests['nvidia.com/gpu']).toBe(job.gpus);
      expect(c.resources.requests).toMatchObject({ cpu: '2', memory: '8Gi' });
      expect(c.image).toBe(job.image);
      expect(c.command).toEqual(job.command);
      expect(spec.backoffLimit).toBe(job.backoffLimit);
      expect(spec.activeDeadlineSeconds).toBe(job.activeDeadlineSeconds);
      expect(spec.podFailurePolicy.rules).toEqual([{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }]);
      expect(pod.restartPolicy).toBe('Never');
      expect(pod.priorityClassName).toBe(PRIORITY_CLASSES.batch);
      expect(pod.serviceAccountName).toBe(ctx.names.mlops!.trainingServiceAccount);
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
      const env = Object.fromEntries(c.env.map((v: any) => [v.name, v.value]));
      expect(env).toMatchObject({ MLFLOW_TRACKING_URI: ctx.names.mlops!.trackingUri, CHECKPOINT_DIR: '/checkpoints' });
      expect(c.volumeMounts).toContainEqual({ name: 'checkpoints', mountPath: '/checkpoints' });
    });

    test.each(all)('%s: /tmp and a cache sized for ML libraries, their env vars, and the ephemeral storage they add up to', (_n, ctx) => {
      const pod = trainingJobOf(ctx, 'finetune').spec.template.spec;
      const c = pod.containers[0];
      expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '10Gi' } });
      expect(pod.volumes).toContainEqual({ name: 'cache', emptyDir: { sizeLimit: '50Gi' } });
      expect(c.volumeMounts).toEqual(
        expect.arrayContaining([
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'cache', mountPath: '/cache' },
        ]),
      );
      const env = Object.fromEntries(c.env.map((v: any) => [v.name, v.value]));
      expect(env).toMatchObject({ HF_HOME: '/cache/huggingface', TORCH_HOME: '/cache/torch', XDG_CACHE_HOME: '/cache' });
      // Explicit: a LimitRange default (or max) for ephemeral storage never decides it.
      expect(c.resources.requests['ephemeral-storage']).toBe('61Gi');
      expect(c.resources.limits['ephemeral-storage']).toBe('61Gi');
    });

    test.each(all)("%s: checkpoints on a per-pod volume in the pod's zone, kept in object storage per Job; no PVC, no StorageClass", (_n, ctx) => {
      const job = ctx.env.mlops!.training[0];
      const c = trainingJobOf(ctx, job.name).spec.template.spec.containers[0];
      const volume = trainingJobOf(ctx, job.name).spec.template.spec.volumes.find((v: any) => v.name === 'checkpoints');
      expect(volume.persistentVolumeClaim).toBeUndefined();
      expect(volume.ephemeral.volumeClaimTemplate.spec).toEqual({
        accessModes: ['ReadWriteOnce'],
        storageClassName: ctx.env.cloud === 'aws' ? 'gp3' : 'managed-csi-premium',
        resources: { requests: { storage: job.checkpointSize } },
      });
      // JOB_NAME first: $(JOB_NAME) expands only from variables defined before it.
      expect(c.env[0]).toEqual({ name: 'JOB_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-name']" } } });
      const uri = c.env.find((v: any) => v.name === 'CHECKPOINT_URI').value;
      expect(uri).toBe(`${ctx.names.mlops!.checkpointRoot}/${job.name}/$(JOB_NAME)`);
      // Under the prefix the training identity may already write.
      expect(uri.startsWith(ctx.env.cloud === 'aws' ? `${ctx.names.mlops!.artifactRoot}/` : ctx.names.mlops!.artifactRoot)).toBe(true);
      // The AWS SDKs' region (Pod Identity injects credentials only); nothing on Azure.
      expect(c.env.find((v: any) => v.name === 'AWS_REGION')?.value).toBe(ctx.env.cloud === 'aws' ? ctx.env.region : undefined);
      expect(objects(ctx).filter((o) => ['PersistentVolumeClaim', 'StorageClass'].includes(o.kind))).toEqual([]);
    });

    test('one checkpoint volume per job, sized by it; one training service account', () => {
      const ctx = ctxOf(
        'aws-dev',
        specWith('aws-dev', (e) => {
          const t = e.workloads!.mlops!.training!;
          t.push({ ...t[0], name: 'pretrain', gpus: 2, checkpointSize: '200Gi', schedule: '0 3 * * 0' });
        }),
      );
      const size = (name: string) =>
        trainingJobOf(ctx, name).spec.template.spec.volumes.find((v: any) => v.name === 'checkpoints').ephemeral.volumeClaimTemplate.spec.resources.requests
          .storage;
      expect([size('finetune'), size('pretrain')]).toEqual(['50Gi', '200Gi']);
      expect(trainingJobOf(ctx, 'pretrain').kind).toBe('CronJob');
      expect(trainingJobOf(ctx, 'pretrain').spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(2);
      expect(
        objects(ctx)
          .filter((o) => o.kind === 'ServiceAccount')
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(['mlflow', 'mlflow-db-admin', 'training']);
    });
  });

  describe('SageMaker training (burst, AWS): a TrainingJob per `runOn: sagemaker` entry, run by the ACK controller', () => {
    const prod = () => ctxOf('aws-prod');
    const entry = (ctx: EnvironmentContext<Cloud, 'mlops'>) => ctx.env.mlops!.sagemakerTraining[0];
    /** aws-prod with its SageMaker entry (training[1]) edited. */
    const withEntry = (edit: (t: any) => void) =>
      ctxOf(
        'aws-prod',
        specWith('aws-prod', (e) => edit(e.workloads!.mlops!.training![1])),
      );

    test('aws-prod: exactly one TrainingJob, for the SageMaker entry; no Job, CronJob or PVC for it', () => {
      const ctx = prod();
      expect(ctx.env.mlops!.sagemakerTraining.map((j) => j.name)).toEqual(['finetune-burst']);
      const [job] = trainingJobsOf(ctx);
      expect(trainingJobsOf(ctx)).toHaveLength(1);
      expect(job.apiVersion).toBe('sagemaker.services.k8s.aws/v1alpha1');
      expect(job.metadata).toMatchObject({
        namespace: 'mlops',
        labels: { 'app.kubernetes.io/name': 'finetune-burst', 'app.kubernetes.io/component': 'training' },
      });
      const workloads = objects(ctx).filter((o) => ['Job', 'CronJob', 'PersistentVolumeClaim'].includes(o.kind));
      expect(workloads.map((o) => o.metadata.name).sort()).toEqual(['finetune', dbUserJobName(ctx)]);
    });

    test.each([...azure, ['aws-dev', ctxOf('aws-dev')] as const])(
      '%s: no TrainingJob (no SageMaker entry; Azure ML takes no jobs from the model)',
      (_n, ctx) => {
        expect(trainingJobsOf(ctx)).toEqual([]);
      },
    );

    test('aws-prod: runs the ECR image as the execution role, writes under sagemaker/ of the artifacts bucket, stops at activeDeadlineSeconds', () => {
      const ctx = prod();
      const names = ctx.names.mlops!.aws!;
      const { spec } = trainingJobsOf(ctx)[0];
      expect(spec.roleARN).toBe(`arn:aws:iam::${ctx.env.aws!.accountId}:role/${names.sagemakerExecutionRoleName}`);
      expect(spec.roleARN).toBe('arn:aws:iam::222222222222:role/acme-aws-prod-sagemaker-execution');
      expect(spec.algorithmSpecification).toEqual({ trainingImage: entry(ctx).image, trainingInputMode: 'File' });
      expect(spec.algorithmSpecification.trainingImage).toBe('222222222222.dkr.ecr.eu-west-1.amazonaws.com/acme/aws-prod/training:1.0.0');
      const bucket = `s3://${names.artifactsBucket}/sagemaker/`;
      expect(spec.outputDataConfig).toEqual({ s3OutputPath: `${bucket}finetune-burst`, compressionType: 'GZIP' });
      expect(spec.checkpointConfig).toEqual({ s3URI: `${bucket}finetune-burst/${spec.trainingJobName}/checkpoints`, localPath: '/opt/ml/checkpoints' });
      expect(spec.environment).toEqual({ CHECKPOINT_DIR: '/opt/ml/checkpoints' });
      expect(spec.hyperParameters).toEqual({ epochs: '3' });
      expect(spec.resourceConfig).toEqual({ instanceType: 'ml.g5.xlarge', instanceCount: 1, volumeSizeInGB: 50 });
      expect(spec.stoppingCondition.maxRuntimeInSeconds).toBe(86400);
      expect(spec.tags).toEqual(
        Object.entries(ctx.env.tags)
          .sort()
          .map(([key, value]) => ({ key, value })),
      );
    });

    test("aws-prod: runs in the private subnets behind the jobs' security group (the mlops outputs), its container isolated", () => {
      const { spec } = trainingJobsOf(prod())[0];
      const outputs = JSON.parse(fs.readFileSync(path.join(__dirname, '../../src/outputs/aws-prod/mlops.json'), 'utf8'));
      expect(spec.vpcConfig).toEqual({
        securityGroupIDs: [outputs.sagemaker_security_group_id.value],
        subnets: outputs.sagemaker_subnet_ids.value.split(','),
      });
      expect(spec.vpcConfig.subnets).toHaveLength(3);
      // Prod is private-only: no network for the container (burst.networkIsolation defaults to the stage).
      expect(spec.enableNetworkIsolation).toBe(true);
    });

    test('managed Spot (the default): Spot on, a wait that covers the runtime, checkpoints in S3; on-demand: neither', () => {
      const spot = trainingJobsOf(prod())[0].spec;
      expect(spot.enableManagedSpotTraining).toBe(true);
      expect(spot.stoppingCondition).toEqual({ maxRuntimeInSeconds: 86400, maxWaitTimeInSeconds: 172800 });
      expect(spot.checkpointConfig.s3URI).toMatch(/^s3:\/\/.*\/sagemaker\//);
      const onDemand = trainingJobsOf(withEntry((t) => (t.sagemaker = { capacity: 'on-demand' })))[0].spec;
      expect(onDemand.enableManagedSpotTraining).toBe(false);
      expect(onDemand.stoppingCondition).toEqual({ maxRuntimeInSeconds: 86400 });
      const custom = trainingJobsOf(
        withEntry((t) => {
          t.activeDeadlineSeconds = 7200;
          t.sagemaker = { instanceType: 'ml.g6.12xlarge', instanceCount: 2, volumeSizeGb: 200, maxWaitSeconds: 36000 };
        }),
      )[0].spec;
      expect(custom.resourceConfig).toEqual({ instanceType: 'ml.g6.12xlarge', instanceCount: 2, volumeSizeInGB: 200 });
      expect(custom.stoppingCondition).toEqual({ maxRuntimeInSeconds: 7200, maxWaitTimeInSeconds: 36000 });
    });

    test('names: <prefix>-<entry>-<run id>, a valid SageMaker name the ACK role may manage; a new run id exactly when the run changes', () => {
      const ctx = prod();
      const job = trainingJobsOf(ctx)[0];
      const name: string = job.spec.trainingJobName;
      const runId = name.slice('acme-aws-prod-finetune-burst-'.length);
      expect(name).toBe(`acme-aws-prod-finetune-burst-${runId}`);
      expect(runId).toMatch(/^[0-9a-f]{8}$/);
      expect(job.metadata.name).toBe(`finetune-burst-${runId}`);
      // The CRD's pattern (SageMaker's), and the ACK role's resource `training-job/<prefix>-*`.
      expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
      expect(name.startsWith(ctx.names.mlops!.aws!.trainingJobNamePattern.replace(/\*$/, ''))).toBe(true);
      const nameAfter = (edit: (t: any) => void) => trainingJobsOf(withEntry(edit))[0].spec.trainingJobName;
      // Deterministic; unchanged by a tag (ACK does not compare tags; retagging should not retrain).
      expect(trainingJobsOf(prod())[0].spec.trainingJobName).toBe(name);
      const retagged = ctxOf(
        'aws-prod',
        specWith('aws-prod', (e) => (e.tags = { ...e.tags, team: 'ml' })),
      );
      expect(trainingJobsOf(retagged)[0].spec.tags).toContainEqual({ key: 'team', value: 'ml' });
      expect(trainingJobsOf(retagged)[0].spec.trainingJobName).toBe(name);
      // Anything it runs changes the name: SageMaker cannot update a created job, so a change is a new run.
      const changed = [
        nameAfter((t) => (t.image = 'training:1.0.1')),
        nameAfter((t) => (t.activeDeadlineSeconds = 3600)),
        nameAfter((t) => (t.sagemaker = { ...t.sagemaker, instanceType: 'ml.g6.xlarge' })),
        nameAfter((t) => (t.sagemaker = { ...t.sagemaker, hyperParameters: { epochs: '4' } })),
        nameAfter((t) => (t.sagemaker = { ...t.sagemaker, capacity: 'on-demand' })),
        // And a rerun of the same entry, unchanged otherwise.
        nameAfter((t) => (t.sagemaker = { ...t.sagemaker, run: 2 })),
      ];
      expect(new Set([name, ...changed]).size).toBe(changed.length + 1);
      for (const n of changed) expect(n).toMatch(/^acme-aws-prod-finetune-burst-[0-9a-f]{8}$/);
      // Checkpoints follow the run: a rerun starts clean.
      const rerun = trainingJobsOf(withEntry((t) => (t.sagemaker = { ...t.sagemaker, run: 2 })))[0].spec;
      expect(rerun.checkpointConfig.s3URI).toContain(`/${rerun.trainingJobName}/checkpoints`);
    });

    test('with every entry on SageMaker: no training service account, PVC, StorageClass or training egress policy', () => {
      const ctx = ctxOf(
        'aws-prod',
        specWith('aws-prod', (e) => (e.workloads!.mlops!.training = e.workloads!.mlops!.training!.filter((t) => t.runOn === 'sagemaker'))),
      );
      expect(ctx.env.mlops!.training).toEqual([]);
      expect(trainingJobsOf(ctx)).toHaveLength(1);
      const kinds = objects(ctx).map((o) => `${o.kind}/${o.metadata.name}`);
      for (const gone of ['ServiceAccount/training', 'StorageClass/gp3', 'NetworkPolicy/training-egress']) expect(kinds).not.toContain(gone);
      expect(kinds.filter((k) => /^(Job|CronJob|PersistentVolumeClaim)\//.test(k))).toEqual([`Job/${dbUserJobName(ctx)}`]);
    });
  });

  describe('identities', () => {
    const empty = emptyOutputsDir('mlops-no-outputs-');

    test.each(all)('%s: each identity is on an emitted service account that an emitted pod uses', (_n, ctx) => {
      const names = ctx.names.mlops!;
      const sa = (n: string) => one(ctx, 'ServiceAccount', n);
      expect(mlflowPod(ctx).spec.serviceAccountName).toBe(sa(names.mlflowServiceAccount).metadata.name);
      expect(trainingJobOf(ctx, 'finetune').spec.template.spec.serviceAccountName).toBe(sa(names.trainingServiceAccount).metadata.name);
      if (ctx.env.cloud === 'aws') {
        // Training: Pod Identity, so no IRSA annotation (it would take precedence in the SDK chain).
        expect(sa(names.trainingServiceAccount).metadata.annotations).toEqual({
          'platform-synth.io/iam-role-arn': ctx.names.aws!.roleArn(names.aws!.trainingRoleName),
        });
      } else {
        expect(sa(names.trainingServiceAccount).metadata.annotations).toEqual({
          'azure.workload.identity/client-id': exampleOutput(ctx.env.name, MLOPS_STACK, MLOPS_OUTPUTS.trainingClientId),
        });
        expect(trainingJobOf(ctx, 'finetune').spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
      }
      for (const n of [names.mlflowServiceAccount, names.trainingServiceAccount]) expect(sa(n).automountServiceAccountToken).toBe(false);
    });

    test('Azure charts record each missing client id once; AWS needs the database outputs', () => {
      expect(missingOutputs('azure-dev', empty())).toEqual(
        [MLOPS_OUTPUTS.mlflowClientId, MLOPS_OUTPUTS.trainingClientId, MLOPS_OUTPUTS.dbAdminClientId].map((n) => `azure-dev: mlops.${n}`).sort(),
      );
      expect(missingOutputs('aws-dev', empty())).toEqual([MLOPS_OUTPUTS.dbHost, MLOPS_OUTPUTS.dbSecretArn].map((n) => `aws-dev: mlops.${n}`).sort());
    });
  });

  describe('NetworkPolicies', () => {
    const port = (p: number) => [{ protocol: 'TCP', port: p }];
    test.each(all)('%s: MLflow reachable on 5000 from this namespace only', (_n, ctx) => {
      expect(one(ctx, 'NetworkPolicy', 'mlflow-ingress').spec).toEqual({
        podSelector: { matchLabels: MLFLOW },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: {} }], ports: port(5000) }],
      });
    });

    test.each(all)('%s: MLflow egress: Postgres 5432 in the private network, 443 to the cloud services', (_n, ctx) => {
      const { spec } = one(ctx, 'NetworkPolicy', 'mlflow-egress');
      expect(spec.podSelector).toEqual({ matchLabels: MLFLOW });
      expect(spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: ctx.env.network.cidr } }], ports: port(5432) });
      const ports = spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port));
      expect(new Set(ports)).toEqual(new Set([5432, 443]));
      // The 5432 rule never leaves the private network.
      for (const r of spec.egress.filter((r: any) => r.ports.some((p: any) => p.port === 5432))) expect(r.to[0].ipBlock.cidr).toMatch(/^10\./);
    });

    test.each(azure)("%s: database-user Job egress: Postgres 5432 in the VNet, the vault's private endpoint in every stage, Entra ID", (_n, ctx) => {
      const { spec } = one(ctx, 'NetworkPolicy', 'mlflow-db-user-egress');
      expect(spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'mlflow-db-user' } });
      const rules = spec.egress.flatMap((r: any) => r.ports.map((p: any) => `${r.to[0].ipBlock.cidr}:${p.port}`));
      expect(rules).toEqual([`${ctx.env.network.cidr}:5432`, `${azureSubnetLayout(ctx.env.network.cidr).endpoints}:443`, '0.0.0.0/0:443']);
    });

    test.each(all)('%s: training egress: MLflow 5000 and the cloud services on 443 (+ the Pod Identity agent on AWS)', (_n, ctx) => {
      const { spec } = one(ctx, 'NetworkPolicy', 'training-egress');
      expect(spec.podSelector).toEqual({ matchLabels: TRAINING });
      expect(spec.egress[0]).toEqual({ to: [{ podSelector: { matchLabels: MLFLOW } }], ports: port(5000) });
      const rest = spec.egress.slice(1).flatMap((r: any) => r.ports.map((p: any) => `${r.to[0].ipBlock.cidr}:${p.port}`));
      if (ctx.env.cloud === 'aws') expect(rest).toEqual(['0.0.0.0/0:443', '169.254.170.23/32:80']);
      else expect(rest.every((r: string) => r.endsWith(':443'))).toBe(true);
      expect(trainingJobOf(ctx, 'finetune').spec.template.metadata.labels).toMatchObject(TRAINING);
    });
  });

  describe('schemas and policy', () => {
    const emitted = emittedObjects(all, objects);
    const bundleKnowsStorageClass = Boolean(loadKubernetesBundle().kinds['storage.k8s.io/v1']?.StorageClass);

    test.each(emitted)('%s is valid (Kubernetes 1.28, the External Secrets CRDs)', (_id, obj) => {
      if (obj.kind === 'StorageClass' && !bundleKnowsStorageClass) {
        // The offline bundle does not list storage.k8s.io/v1 yet (src/validate/kubernetes-bundle.ts BUNDLED_KINDS).
        expect(validateManifest(obj)).toEqual([{ path: 'apiVersion', message: 'unknown apiVersion "storage.k8s.io/v1"' }]);
        return;
      }
      expect(validateManifest(obj)).toEqual([]);
    });

    test('the validator checks the External Secrets objects against the full CRDs', () => {
      const [, store] = emitted.find(([, o]) => o.kind === 'SecretStore' && o.spec.provider.azurekv)!;
      const broken = structuredClone(store);
      broken.spec.provider.azurekv.authType = 'PodIdentity';
      broken.spec.provider.azurekv.clientSecret = 'x';
      expect(validateManifest(broken).map((e) => e.path)).toEqual(
        expect.arrayContaining(['spec.provider.azurekv.authType', 'spec.provider.azurekv.clientSecret']),
      );
      const [, es] = emitted.find(([, o]) => o.kind === 'ExternalSecret')!;
      const brokenEs = structuredClone(es);
      brokenEs.spec.target.creationPolicy = 'Always';
      expect(validateManifest(brokenEs).map((e) => e.path)).toContain('spec.target.creationPolicy');
    });

    test('the TrainingJob is checked against the ACK CRD: a typo, a wrong type or a missing required field is refused', () => {
      const [, job] = emitted.find(([, o]) => o.kind === 'TrainingJob')!;
      expect(validateManifest(job)).toEqual([]);
      const broken = structuredClone(job);
      broken.spec.resourceConfig.instanceTypes = 'ml.g5.xlarge';
      broken.spec.stoppingCondition.maxRuntimeInSeconds = '1d';
      delete broken.spec.roleARN;
      expect(validateManifest(broken).map((e) => e.path)).toEqual(
        expect.arrayContaining(['spec.resourceConfig.instanceTypes', 'spec.stoppingCondition.maxRuntimeInSeconds', 'spec.roleARN']),
      );
    });

    (fs.existsSync(SHARED_SCHEMAS) ? test : test.skip)('the TrainingJob is valid against the full CRD in ../shared/schemas, built afresh', () => {
      const fresh = buildKubernetesBundle(SHARED_SCHEMAS);
      const jobs = emitted.filter(([, o]) => o.kind === 'TrainingJob');
      expect(jobs.length).toBeGreaterThan(0);
      for (const [, job] of jobs) {
        expect(fresh.kinds[job.apiVersion][job.kind].source).toBe('crds/sagemaker.services.k8s.aws_trainingjobs.yaml');
        expect(validateManifest(job, fresh)).toEqual([]);
      }
    });

    test.each(all)('%s: the policy pack finds nothing in the mlops chart', (_n, ctx) => {
      expect(policyFindings(ctx, [PlatformChart, MlopsChart], 'mlops')).toEqual([]);
    });
  });

  test('rendering is deterministic', () => {
    const ctx = ctxOf('aws-prod');
    expect([...render(ctx)]).toEqual([...render(ctx)]);
  });
});

describe("MLflow's metrics (mlops.mlflow.metrics)", () => {
  const PROMETHEUS_PEER = {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
  };
  const withMetrics = (name: string) =>
    ctxOf(
      name,
      specWith(name, (e) => (e.workloads!.mlops!.mlflow!.metrics = true)),
    );
  const server = (ctx: EnvironmentContext<Cloud, 'mlops'>) => one(ctx, 'Deployment', 'mlflow').spec.template.spec.containers[0];
  const mlflowTargets = (ctx: EnvironmentContext<Cloud, 'mlops'>) => scrapeTargets(ctx.env).filter((t) => t.name === 'mlops-mlflow');

  test.each(['aws-prod', 'azure-dev'])('%s: the server exposes /metrics in a writable folder, Prometheus scrapes it and may reach it', (name) => {
    const ctx = withMetrics(name);
    const args: string[] = server(ctx).args;
    expect(args.slice(args.indexOf('--expose-prometheus'))).toEqual(['--expose-prometheus', MLFLOW_METRICS_DIR]);
    // An emptyDir of its own (the root filesystem is read-only), there before any worker starts.
    expect(server(ctx).volumeMounts).toContainEqual({ name: 'prometheus-metrics', mountPath: MLFLOW_METRICS_DIR });
    expect(one(ctx, 'Deployment', 'mlflow').spec.template.spec.volumes).toContainEqual({ name: 'prometheus-metrics', emptyDir: { sizeLimit: '64Mi' } });
    expect(mlflowTargets(ctx)).toEqual([
      {
        name: 'mlops-mlflow',
        pods: expect.objectContaining({ labels: { 'app.kubernetes.io/name': 'mlflow' } }),
        port: { port: 5000, protocol: 'TCP', name: 'http' },
        path: '/metrics',
      },
    ]);
    expect(server(ctx).ports).toEqual([{ name: 'http', containerPort: 5000, protocol: 'TCP' }]);
    expect(one(ctx, 'NetworkPolicy', MLFLOW_INGRESS_POLICY).spec.ingress).toEqual([
      { from: [{ podSelector: {} }], ports: [{ port: 5000, protocol: 'TCP' }] },
      { from: [PROMETHEUS_PEER], ports: [{ port: 5000, protocol: 'TCP' }] },
    ]);
    const manifests = manifestsOf(ctx, [MlopsChart, PlatformChart]);
    const scrape = (v: { resource: string }) => v.resource === 'flow monitoring/prometheus -> mlops/mlflow TCP/5000';
    const blocked = (m: typeof manifests) => blockedFlows(ctx.env, { name: ctx.env.name, terraform: [], manifests: m, files: [] }).filter(scrape);
    expect(blocked(manifests)).toEqual([]);
    const withoutScrape = manifests.map((m) =>
      m.obj.metadata.name === MLFLOW_INGRESS_POLICY ? { ...m, obj: { ...m.obj, spec: { ...m.obj.spec, ingress: m.obj.spec.ingress.slice(0, 1) } } } : m,
    );
    expect(blocked(withoutScrape)).toHaveLength(1);
  });

  test.each(all)('%s (default: off): plain mlflow has no exporter, so nothing asks for one', (_n, ctx) => {
    expect(ctx.env.mlops!.mlflow.metrics).toBe(false);
    expect(server(ctx).args).not.toContain('--expose-prometheus');
    expect(server(ctx).volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(mlflowTargets(ctx)).toEqual([]);
    expect(one(ctx, 'NetworkPolicy', MLFLOW_INGRESS_POLICY).spec.ingress).toHaveLength(1);
  });
});
