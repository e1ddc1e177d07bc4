import * as fs from 'fs';
import * as path from 'path';
import { run } from '../../src/cli';
import { resolvePlatform } from '../../src/model/defaults';
import { loadPlatform } from '../../src/model/load';
import { defaultPlatform } from '../../src/platform';
import { runValidate } from '../../src/validate/cli';
import { validateOutput } from '../../src/validate/run';
import { captureIo, tempDir } from '../synth/helpers';

/** A fresh synth of the default model, validated as CI does. */
let dist: string;
beforeAll(() => {
  dist = path.join(tempDir('validate'), 'dist');
  expect(run(['--out', dist, '--quiet'], captureIo().io)).toBe(0);
});

function copyOfDist(label: string): string {
  const copy = path.join(tempDir(label), 'dist');
  fs.cpSync(dist, copy, { recursive: true });
  return copy;
}

describe('npm run validate', () => {
  it('the default model output passes with zero findings, well under 10 s', () => {
    const report = validateOutput(dist, loadPlatform(defaultPlatform));
    expect(report.findings).toEqual([]);
    expect(report.environments).toEqual(['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod']);
    expect(report.milliseconds).toBeLessThan(10_000);
  });

  it('reports a planted problem with file, resource, rule and message, and exits 1', async () => {
    const bad = copyOfDist('planted');
    const file = path.join(bad, 'aws-prod/terraform/platform/cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.resource.aws_eks_cluster.cluster.vpc_config.endpoint_public_access = true;
    fs.writeFileSync(file, JSON.stringify(json, null, 2));
    const { io, out } = captureIo();
    expect(await runValidate([bad], io)).toBe(1);
    const text = out.join('\n');
    expect(text).toMatch(/^aws-prod: 1 finding$/m);
    expect(text).toContain('aws-prod/terraform/platform/cdk.tf.json');
    expect(text).toMatch(/error\s+eks-private-api\s+aws_eks_cluster\.cluster: vpc_config\.endpoint_public_access is not false in prod/);
    expect(text).toMatch(/^validate: 4 environments, \d+ files: 1 error, 0 warnings, 0 waived \(\d+ ms\)$/m);
  });

  it('--json gives the same findings for machines', async () => {
    const bad = copyOfDist('json');
    fs.writeFileSync(
      path.join(bad, 'azure-dev/kubernetes/platform/secret-db.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: edw\nstringData:\n  password: hunter2\n',
    );
    const { io, out } = captureIo();
    expect(await runValidate([bad, '--json'], io)).toBe(1);
    const report = JSON.parse(out.join('\n'));
    expect(report.summary.errors).toBeGreaterThanOrEqual(2);
    expect(report.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: 'azure-dev/kubernetes/platform/secret-db.yaml',
          resource: 'Secret edw/db',
          rule: 'secret-inline-k8s-secret',
          severity: 'error',
        }),
        // The kustomization no longer lists every file of its directory.
        expect.objectContaining({ file: 'azure-dev/kubernetes/platform/kustomization.yaml', rule: 'k8s-schema' }),
      ]),
    );
  });

  it('a waiver in the model silences one rule for one resource and is listed with its reason', () => {
    const bad = copyOfDist('waiver');
    const file = path.join(bad, 'aws-prod/terraform/platform/cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.resource.aws_eks_cluster.cluster.enabled_cluster_log_types = ['api', 'audit'];
    fs.writeFileSync(file, JSON.stringify(json, null, 2));

    const spec = structuredClone(defaultPlatform) as any;
    const reason = 'authenticator logs go to the SIEM through a separate pipeline (TICKET-123)';
    spec.environments[1].waivers = [{ rule: 'eks-control-plane-logging', resource: 'aws_eks_cluster.cluster', reason }];
    const report = validateOutput(bad, loadPlatform(spec));
    expect(report.findings).toEqual([]);
    expect(report.waived).toEqual([{ finding: expect.objectContaining({ rule: 'eks-control-plane-logging', resource: 'aws_eks_cluster.cluster' }), reason }]);

    // The same waiver in another environment does not apply here.
    spec.environments[1].waivers = [];
    spec.environments[0].waivers = [{ rule: 'eks-control-plane-logging', resource: 'aws_eks_cluster.cluster', reason }];
    const elsewhere = validateOutput(bad, loadPlatform(spec));
    expect(elsewhere.findings.map((f) => f.rule)).toEqual(['eks-control-plane-logging']);
    expect(elsewhere.unusedWaivers).toEqual([expect.objectContaining({ environment: 'aws-dev', message: 'matches no finding: remove it' })]);
  });

  it('waivers cannot silence schema or secret findings, and unknown rule ids are errors', () => {
    const spec = structuredClone(defaultPlatform) as any;
    spec.environments[2].waivers = [{ rule: 'no-such-rule', resource: 'Secret edw/db', reason: 'a reason that is long enough to pass' }];
    const bad = copyOfDist('unknown-rule');
    fs.writeFileSync(
      path.join(bad, 'azure-dev/kubernetes/platform/secret-db.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: edw\ndata:\n  password: aHVudGVyMg==\n',
    );
    spec.environments[3].waivers = [{ rule: 'secret-inline-k8s-secret', resource: 'Secret edw/db', reason: 'a reason that is long enough to pass' }];
    // The model's load refuses the unknown id; a platform resolved without it still gets the error from validate.
    expect(() => loadPlatform(spec)).toThrow(/environments\[2\]\.waivers\[0\]\.rule: no rule is called "no-such-rule"/);
    const report = validateOutput(bad, resolvePlatform(spec));
    expect(report.findings.map((f) => f.rule)).toContain('secret-inline-k8s-secret');
    expect(report.unusedWaivers.map((w) => w.message)).toEqual(expect.arrayContaining(['no policy rule is called "no-such-rule"']));
  });

  it('lists the rules with their reasons, and rejects a missing directory with exit 2', async () => {
    const rules = captureIo();
    expect(await runValidate(['--rules'], rules.io)).toBe(0);
    expect(rules.out.join('\n')).toMatch(/^s3-tls-only\s+Requests over plain HTTP/m);
    const missing = captureIo();
    expect(await runValidate([path.join(tempDir('none'), 'nope')], missing.io)).toBe(2);
    expect(missing.err.join('\n')).toMatch(/is not a directory/);
  });
});

describe('waivers in the model', () => {
  it('need a rule id, one resource and a reason of at least 20 characters', () => {
    const spec = structuredClone(defaultPlatform) as any;
    spec.environments[0].waivers = [
      { rule: 'K8S readonly', resource: 'Deployment *', reason: 'because' },
      { rule: 'k8s-resources', resource: 'Deployment edw/consumer', reason: 'burst workload measured at peak load' },
      { rule: 'k8s-resources', resource: 'Deployment edw/consumer', reason: 'burst workload measured at peak load' },
    ];
    expect(() => loadPlatform(spec)).toThrow(
      /waivers\[0\]\.rule: "K8S readonly" is not a rule id[\s\S]*waivers\[0\]\.resource: "Deployment \*" must name exactly one resource[\s\S]*waivers\[0\]\.reason: must say why[\s\S]*waivers\[2\]: waives "k8s-resources" for "Deployment edw\/consumer" twice/,
    );
  });
});
