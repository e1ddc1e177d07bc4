import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { run } from '../../src/cli';
import { REPO, RUN_TS, captureIo, tempDir, treeDigest } from './helpers';

describe('npm run synth', () => {
  let out: string;
  beforeAll(() => {
    out = path.join(tempDir('cli'), 'dist');
    const { io, out: stdout } = captureIo();
    expect(run(['--out', out], io)).toBe(0);
    expect(stdout.join('\n')).toMatch(/synthesized 4 environments/);
  });

  it('writes every environment: a terraform stack and kubernetes apps with kustomizations', () => {
    for (const env of ['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']) {
      expect(fs.existsSync(path.join(out, env, 'terraform/platform/cdk.tf.json'))).toBe(true);
      expect(fs.existsSync(path.join(out, env, 'kubernetes/platform/kustomization.yaml'))).toBe(true);
    }
  });

  it('prints a summary line per environment with stacks, resources, manifests and milliseconds', () => {
    const { io, out: stdout } = captureIo();
    expect(run(['--out', out, '--env', 'azure-dev'], io)).toBe(0);
    expect(stdout.join('\n')).toMatch(/^\s+azure-dev\s+\d+ stacks\s+\d+ resources\s+\d+ manifests\s+\d+ ms$/m);
  });

  it('--env rewrites one environment and keeps the others byte for byte', () => {
    const before = treeDigest(out);
    fs.writeFileSync(path.join(out, 'aws-prod/terraform/platform/cdk.tf.json'), '{}');
    fs.writeFileSync(path.join(out, 'azure-dev/kubernetes/platform/kustomization.yaml'), 'edited: true\n');
    const { io } = captureIo();
    expect(run(['--out', out, '--env', 'aws-prod'], io)).toBe(0);
    const after = treeDigest(out);
    expect(after['aws-prod/terraform/platform/cdk.tf.json']).toBe(before['aws-prod/terraform/platform/cdk.tf.json']);
    // The environment not synthesized keeps its (edited) content.
    expect(fs.readFileSync(path.join(out, 'azure-dev/kubernetes/platform/kustomization.yaml'), 'utf8')).toBe('edited: true\n');
    expect(run(['--out', out, '--env', 'azure-dev'], io)).toBe(0);
    expect(treeDigest(out)).toEqual(before);
  });

  it('rejects an unknown --env with exit 2 and writes nothing', () => {
    const before = treeDigest(out);
    const { io, err } = captureIo();
    expect(run(['--out', out, '--env', 'gcp-dev'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/unknown environment gcp-dev \(known: aws-dev, aws-prod, azure-dev, azure-prod\)/);
    expect(treeDigest(out)).toEqual(before);
  });

  it('--config adds an environment from a YAML overlay', () => {
    const dir = tempDir('overlay');
    const config = path.join(dir, 'my-platform.yaml');
    fs.writeFileSync(
      config,
      `environments:
  - name: azure-test
    cloud: azure
    stage: dev
    region: northeurope
    azure: { subscriptionId: 00000000-0000-0000-0000-000000000002, tenantId: 00000000-0000-0000-0000-0000000000aa }
    network: { cidr: 10.60.0.0/16, apiAllowedCidrs: [198.51.100.0/24] }
    cluster:
      kubernetesVersion: "1.33"
      systemPool: { sizes: [Standard_D4s_v5], min: 1, max: 2 }
`,
    );
    const target = path.join(dir, 'dist');
    const { io } = captureIo();
    expect(run(['--config', config, '--out', target, '--env', 'azure-test'], io)).toBe(0);
    expect(fs.readdirSync(target)).toEqual(['azure-test']);
    const tf = JSON.parse(fs.readFileSync(path.join(target, 'azure-test/terraform/platform/cdk.tf.json'), 'utf8'));
    expect(tf.terraform.backend.azurerm.key).toBe('azure-test/platform.tfstate');
  });

  it('bad input: every problem with its path on stderr, exit 2, output untouched', () => {
    const before = treeDigest(out);
    const config = path.join(tempDir('bad'), 'bad.yaml');
    fs.writeFileSync(
      config,
      `environments:
  - name: aws-dev
    network: { cidr: 10.0.0.0/33 }
    cluster: { systemPool: { min: 5, max: 2 }, gpuPools: [{ name: GPU, sizes: [m6i.large], min: 0, max: 1, capacity: spot, provisioner: karpenter }] }
    colour: blue
`,
    );
    const { io, err } = captureIo();
    expect(run(['--config', config, '--out', out], io)).toBe(2);
    const text = err.join('\n');
    expect(text).toContain('environments[0].network.cidr: "10.0.0.0/33" is not an IPv4 CIDR');
    expect(text).toContain('environments[0].cluster.systemPool.min: 5 is greater than max 2');
    expect(text).toContain('environments[0].cluster.gpuPools[0].name: "GPU" must be 1–12 lowercase letters');
    expect(text).toContain('environments[0].cluster.gpuPools[0].sizes[0]: "m6i.large" has no GPU');
    expect(text).toMatch(/environments\[0\]\.colour: unknown key/);
    // The renamed GPU pool also leaves the default training job without its pool.
    expect(text).toContain('environments[0].workloads.mlops.training[0].pool: "gpu" is not one of cluster.gpuPools (GPU)');
    expect(text).toMatch(/^6 problems in the platform model:/);
    expect(text).toContain('Nothing was written.');
    expect(treeDigest(out)).toEqual(before);
  });

  it('names every missing Terraform output, exits 2 and writes nothing', () => {
    const before = treeDigest(out);
    const emptyOutputs = tempDir('no-outputs');
    const { io, err } = captureIo();
    expect(run(['--out', out, '--outputs', emptyOutputs], io)).toBe(2);
    const text = err.join('\n');
    expect(text).toMatch(/^Terraform outputs missing/m);
    expect(text).toMatch(/^ {2}azure-dev: edw\.edw_consumer_client_id, edw\.edw_producer_client_id, edw\.edw_scaler_client_id$/m);
    expect(text).toMatch(/^ {2}azure-prod: edw\./m);
    expect(text).toContain(`terraform -chdir=dist/azure-dev/terraform/edw output -json > `);
    expect(treeDigest(out)).toEqual(before);
  });

  it('--allow-missing-outputs writes everything else and leaves out only the apps that need them', () => {
    const target = path.join(tempDir('bootstrap'), 'dist');
    const { io, err } = captureIo();
    expect(run(['--out', target, '--outputs', tempDir('no-outputs-2'), '--allow-missing-outputs'], io)).toBe(0);
    expect(err.join('\n')).toMatch(/warning: azure-dev: left out kubernetes\/edw: missing Terraform outputs edw\.edw_consumer_client_id/);
    expect(fs.existsSync(path.join(target, 'azure-dev/kubernetes/edw'))).toBe(false);
    expect(fs.existsSync(path.join(target, 'azure-dev/terraform/edw/cdk.tf.json'))).toBe(true);
    expect(fs.existsSync(path.join(target, 'aws-dev/kubernetes/edw'))).toBe(true);
  });

  it('unknown flags are a usage error', () => {
    const { io, err } = captureIo();
    expect(run(['--envs', 'aws-dev'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/unknown argument "--envs"[\s\S]*usage:/);
  });

  it('exits 2 as a process on bad input (the exit code CI sees)', () => {
    const config = path.join(tempDir('proc'), 'bad.yaml');
    fs.writeFileSync(config, 'environments: [{ name: aws-dev, region: mars-1 }]\n');
    const target = path.join(tempDir('proc-out'), 'dist');
    const result = spawnSync(process.execPath, [...RUN_TS, 'src/cli.ts', '--config', config, '--out', target], { cwd: REPO, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('environments[0].region: "mars-1" is not a known aws region');
    expect(fs.existsSync(target)).toBe(false);
  });
});
