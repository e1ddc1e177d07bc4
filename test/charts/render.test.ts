import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { parse } from 'yaml';
import { AppChart } from '../../charts/lib/app-chart';
import { canonicalObject, toYaml } from '../../charts/lib/render';
import { validateKubernetesDir } from '../../src/validate/kubernetes';
import { tempDir } from '../synth/helpers';
import { ctxWithout, newApp } from './helpers';

describe('rendering YAML', () => {
  it('quotes strings that YAML 1.1 readers (kubectl, Argo CD, Flux) would take for booleans or numbers', () => {
    const text = toYaml({ a: 'on', b: 'yes', c: 'no', d: 'y', e: '0755', f: 'true', g: 'plain', h: 80, i: true });
    expect(text).toBe('a: "on"\nb: "yes"\nc: "no"\nd: "y"\ne: "0755"\nf: "true"\ng: plain\nh: 80\ni: true\n');
    expect(parse(text, { version: '1.1' })).toEqual({ a: 'on', b: 'yes', c: 'no', d: 'y', e: '0755', f: 'true', g: 'plain', h: 80, i: true });
  });

  it('puts apiVersion, kind and metadata first and sorts every other key', () => {
    const obj = canonicalObject({ spec: { b: 1, a: { d: 1, c: 2 } }, metadata: { name: 'x', labels: {} }, kind: 'K', apiVersion: 'v1', data: {} });
    expect(Object.keys(obj)).toEqual(['apiVersion', 'kind', 'metadata', 'data', 'spec']);
    expect(Object.keys((obj.spec as any).a)).toEqual(['c', 'd']);
    expect(Object.keys(obj.metadata as object)).toEqual(['labels', 'name']);
  });

  it('the validator reads manifests as YAML 1.1 too, so an unquoted `on` is caught', () => {
    const dir = tempDir('yaml11');
    const app = path.join(dir, 'env/kubernetes/app');
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(path.join(app, 'namespace-edw.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: edw\n  labels:\n    enabled: on\n');
    fs.writeFileSync(
      path.join(app, 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace-edw.yaml\n',
    );
    expect(validateKubernetesDir(dir).map((f) => f.message)).toEqual(['metadata.labels.enabled: expected string, got boolean true']);
  });
});

describe('rendering one chart (AppChart.toJson)', () => {
  const ctx = ctxWithout('aws-dev', 'edw');
  const configMap = (chart: AppChart, name: string) => new ApiObject(chart, name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });

  it("validates and renders only the chart's own objects, not every chart of the App (cdk8s's toJson walks them all, each call)", () => {
    const app = newApp();
    const broken = new AppChart(app, 'broken', ctx, 'broken');
    configMap(broken, 'a').node.addValidation({ validate: () => ['always invalid'] });
    const fine = new AppChart(app, 'fine', ctx, 'fine');
    configMap(fine, 'b');
    configMap(fine, 'c');
    expect(fine.toJson().map((o) => o.metadata.name)).toEqual(['b', 'c']);
    expect(() => broken.toJson()).toThrow('[broken/a] always invalid');
  });

  it("orders objects as cdk8s does: the construct tree's order, and cdk8s's own ordering once a construct has a dependency", () => {
    const app = newApp();
    const chart = new AppChart(app, 'ordered', ctx, 'ordered');
    const [first, second] = [configMap(chart, 'z-first'), configMap(chart, 'a-second')];
    expect(chart.toJson().map((o) => o.metadata.name)).toEqual(['z-first', 'a-second']);
    first.node.addDependency(second);
    expect(chart.toJson().map((o) => o.metadata.name)).toEqual(['a-second', 'z-first']);
  });
});
