/**
 * How requests reach the models: the objects of `serving-ingress`, checked against what the installed
 * operators do with them, by rendering the pinned charts (../shared/charts) with the real helm and the
 * values the GitOps objects carry.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { operatorValues } from '../../charts/gitops/operator-values';
import { ISTIO_INGRESS_CONTROLLER, KNATIVE_GATEWAYS, KNATIVE_NAMESPACE, SELDON_GATEWAY_REF, ServingIngressChart } from '../../charts/serving/ingress';
import { seldonDeploymentName } from '../../charts/serving/serving';
import { INGRESS_GATEWAY, ISTIO_NAMESPACE } from '../../src/model/cluster';
import type { EnvironmentContext } from '../../src/model/context';
import { chartVersion, KNATIVE_SERVING_VERSION, OPERATORS, operatorsFor, type OperatorName } from '../../src/model/operators';
import { scrapeTargets } from '../../src/model/scrapes';
import type { Cloud, ServedModelSpec } from '../../src/model/types';
import { CLUSTER_LOCAL_DOMAIN } from '../../src/model/workloads/mlops/spec';
import { findChart } from '../../src/validate/helm/chart';
import { helmBinary } from '../../src/validate/helm/binary';
import { HelmRenderer } from '../../src/validate/helm/render';
import { validateManifest } from '../../src/validate/kubernetes';
import { chartKit, specWith } from './helpers';

const { ctxOf, objects, one, ofKind, all } = chartKit(ServingIngressChart, (e) => e.mlops && e.mlops.models.length > 0);
const serving = chartKit((require('../../charts/serving/serving') as typeof import('../../charts/serving/serving')).ServingChart, (e) => e.mlops);

const CHARTS = path.resolve(__dirname, '../../../shared/charts');
const haveCharts = fs.existsSync(CHARTS);

type Ctx = EnvironmentContext<Cloud, 'mlops'>;
type K8s = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; data?: any };

/** The objects a pinned operator chart renders with the values the environment gives it. */
async function rendered(renderer: HelmRenderer, ctx: Ctx, operator: OperatorName): Promise<K8s[]> {
  const release = OPERATORS[operator];
  const version = chartVersion(release, ctx.env.cluster.kubernetesVersion);
  const chartPath = findChart(CHARTS, release.chart, version);
  if (!chartPath) throw new Error(`no ${release.chart}-${version} in ${CHARTS}`);
  const [result] = await renderer.renderTwice({
    chartPath,
    releaseName: release.name,
    namespace: release.namespace,
    kubeVersion: ctx.env.cluster.kubernetesVersion,
    values: { ...(operatorValues(ctx, operator) ?? {}) },
    parameters: [],
  });
  if (!result.ok) throw new Error(result.output);
  return parseAllDocuments(result.output)
    .map((d) => d.toJS() as K8s)
    .filter(Boolean);
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

function withModels(envName: string, models: ServedModelSpec[], servingDomain?: string) {
  return specWith(envName, (env) => {
    env.workloads!.mlops!.models = models;
    if (servingDomain) env.workloads!.mlops!.servingDomain = servingDomain;
  });
}

describe('serving-ingress: what routes requests to the models', () => {
  test.each(all)('%s: every object is valid against its schema', (_name, ctx) => {
    for (const o of objects(ctx))
      expect({ o: `${o.kind}/${o.metadata.name}`, problems: validateManifest(o) }).toEqual({ o: `${o.kind}/${o.metadata.name}`, problems: [] });
  });

  test.each(all)('%s: Istio, Knative (canary models) and Seldon (A/B tests) are installed, in order', (_name, ctx) => {
    const installed = operatorsFor(ctx.env);
    for (const o of ['istio-base', 'istiod', 'istio-ingressgateway', 'knative-operator', 'seldon-core-operator'] as const) expect(installed).toContain(o);
    const at = (o: OperatorName) => installed.indexOf(o);
    expect(at('istio-base')).toBeLessThan(at('istiod'));
    expect(at('istiod')).toBeLessThan(at('istio-ingressgateway'));
    // KServe looks for Istio's and Knative's CRDs when it starts; Seldon writes VirtualServices; Knative's net-istio writes Gateways istiod validates.
    expect(OPERATORS['kserve-resources'].dependsOn).toContain('istio-base');
    expect(OPERATORS['kserve-resources'].after).toEqual(['operator.knative.dev/v1beta1 KnativeServing']);
    expect(OPERATORS['seldon-core-operator'].dependsOn).toContain('istio-base');
    expect(OPERATORS['knative-operator'].dependsOn).toContain('istiod');
  });

  test('no canary model: no Knative (operator, namespace, KnativeServing); no A/B test: no Seldon gateway', () => {
    const ctx = ctxOf('aws-dev', withModels('aws-dev', [{ name: 'churn', framework: 'xgboost', path: 'churn/v3' }]));
    expect(operatorsFor(ctx.env)).not.toContain('knative-operator');
    expect(operatorsFor(ctx.env)).not.toContain('seldon-core-operator');
    expect(operatorsFor(ctx.env)).toContain('istio-ingressgateway');
    expect(objects(ctx).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`IngressClass/${INGRESS_GATEWAY.ingressClass}`]);
  });

  test.each(all)('%s: the KnativeServing asks for the Serving release KServe pins, with Istio networking, in knative-serving', (_name, ctx) => {
    const ks = one(ctx, 'KnativeServing');
    expect(ks.metadata.namespace).toBe(KNATIVE_NAMESPACE);
    const ns = one(ctx, 'Namespace', KNATIVE_NAMESPACE);
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(ns.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(ns.metadata.annotations['platform-synth.io/pod-security-reason']).toMatch(/Knative Serving's own components/);
    expect(ks.spec.version).toBe(KNATIVE_SERVING_VERSION);
    expect(ks.spec.ingress).toEqual({ istio: { enabled: true } });
    // The cluster-local default: Knative's own, so no domain is set; the serving priority class is admitted.
    expect(ctx.env.mlops.servingDomain).toBe(CLUSTER_LOCAL_DOMAIN);
    // queue-proxy serves its request metrics and Serving's components theirs to Prometheus (observability is on by default).
    expect(ks.spec.config).toEqual({
      features: { 'kubernetes.podspec-priorityclassname': 'enabled' },
      observability: { 'metrics-protocol': 'prometheus', 'request-metrics-protocol': 'prometheus' },
    });
    // What Prometheus then scrapes there: each component's `metrics` 9090, by the `app` label its Deployment gives its pods.
    expect(scrapeTargets(ctx.env).filter((t) => t.pods.namespace === KNATIVE_NAMESPACE)).toEqual(
      ['activator', 'autoscaler', 'autoscaler-hpa', 'controller', 'webhook', 'net-istio-controller', 'net-istio-webhook'].map((app) => ({
        name: `knative-serving-${app}`,
        pods: { name: `knative ${app}`, namespace: KNATIVE_NAMESPACE, labels: { app } },
        port: { port: 9090, protocol: 'TCP', name: 'metrics' },
        outsideOutput: expect.stringContaining('neither the platform nor Knative writes a NetworkPolicy in knative-serving'),
      })),
    );
    const isvc = serving.one(serving.ctxOf(ctx.env.name), 'InferenceService', 'iris');
    expect(isvc.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Knative');
    expect(isvc.spec.predictor.priorityClassName).toBe('online-serving');
  });

  test('servingDomain: Knative routes under the same domain KServe names the models with', () => {
    const ctx = ctxOf('aws-prod', withModels('aws-prod', [{ name: 'iris', framework: 'sklearn', path: 'iris/v1', canaryPercent: 10 }], 'models.acme.example'));
    expect(one(ctx, 'KnativeServing').spec.config.domain).toEqual({ 'models.acme.example': '' });
    expect((operatorValues(ctx, 'kserve-resources') as any).kserve.controller.gateway.domain).toBe('models.acme.example');
  });

  test.each(all)('%s: the Seldon gateway listens on the ingress gateway pods for every host', (_name, ctx) => {
    const gw = one(ctx, 'Gateway');
    expect(`${gw.metadata.namespace}/${gw.metadata.name}`).toBe(SELDON_GATEWAY_REF);
    expect(gw.spec.selector).toEqual(INGRESS_GATEWAY.selector);
    expect(gw.spec.servers).toEqual([{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }]);
    expect(one(ctx, 'IngressClass').spec.controller).toBe(ISTIO_INGRESS_CONTROLLER);
    expect(ofKind(ctx, 'IngressClass')).toHaveLength(1);
  });

  test.each(all)('%s: the models’ NetworkPolicies admit the gateway’s namespace, where the platform runs it', (_name, ctx) => {
    expect(ctx.env.cluster.gatewayNamespace).toBe(ISTIO_NAMESPACE);
    expect(OPERATORS['istio-ingressgateway'].namespace).toBe(ISTIO_NAMESPACE);
    const peers = serving
      .objects(serving.ctxOf(ctx.env.name))
      .filter((o: any) => o.kind === 'NetworkPolicy')
      .flatMap((p: any) => p.spec.ingress.flatMap((r: any) => r.from));
    expect(peers).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ISTIO_NAMESPACE } } });
  });
});

(haveCharts ? describe : describe.skip)('the operators do with these objects what serving needs (pinned charts rendered with helm)', () => {
  let renderer: HelmRenderer;
  beforeAll(() => {
    renderer = new HelmRenderer(helmBinary());
  });
  afterAll(() => renderer.close());

  test.each(all)(
    '%s: the ingress gateway’s pods carry the labels every Gateway selects, behind an internal load balancer named as Knative and KServe address it',
    async (_name, ctx) => {
      const objs = await rendered(renderer, ctx, 'istio-ingressgateway');
      const deployment = objs.find((o) => o.kind === 'Deployment')!;
      const podLabels = deployment.spec.template.metadata.labels;
      expect(matches(one(ctx, 'Gateway').spec.selector, podLabels)).toBe(true);
      // net-istio's knative-ingress-gateway / knative-local-gateway select `istio: ingressgateway` by default.
      expect(matches({ istio: 'ingressgateway' }, podLabels)).toBe(true);
      const service = objs.find((o) => o.kind === 'Service')!;
      expect(`${service.metadata.name}.${service.metadata.namespace ?? OPERATORS['istio-ingressgateway'].namespace}.svc.cluster.local`).toBe(
        INGRESS_GATEWAY.service,
      );
      expect(service.spec.type).toBe('LoadBalancer');
      const internal =
        ctx.env.cloud === 'aws'
          ? { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' }
          : { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' };
      expect((service.metadata as any).annotations).toEqual(expect.objectContaining(internal));
      expect(deployment.spec.template.spec.priorityClassName).toBe('platform-critical');
    },
  );

  test.each(all)(
    '%s: Seldon’s operator writes its weighted VirtualServices for the platform’s Seldon gateway, and the weights are the model’s',
    async (_name, ctx) => {
      const objs = await rendered(renderer, ctx, 'seldon-core-operator');
      const manager = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'seldon-controller-manager')!;
      const env = Object.fromEntries(manager.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
      // Seldon Core 1.18.2's controller reads these (operator/controllers/seldondeployment_controller.go,
      // createIstioResources): with ISTIO_ENABLED it writes a VirtualService per SeldonDeployment bound to
      // ISTIO_GATEWAY, one route per predictor with `Weight: p.Traffic`.
      expect({ ISTIO_ENABLED: env.ISTIO_ENABLED, ISTIO_GATEWAY: env.ISTIO_GATEWAY }).toEqual({ ISTIO_ENABLED: 'true', ISTIO_GATEWAY: SELDON_GATEWAY_REF });
      const model = ctx.env.mlops.models.find((m) => m.abTest)!;
      const sd = serving.one(serving.ctxOf(ctx.env.name), 'SeldonDeployment', seldonDeploymentName(model.name));
      expect(sd.spec.predictors.map((p: any) => [p.name, p.traffic])).toEqual([
        ['main', 100 - model.abTest!.challengerPercent],
        ['challenger', model.abTest!.challengerPercent],
      ]);
      expect(sd.spec.predictors.reduce((n: number, p: any) => n + p.traffic, 0)).toBe(100);
    },
  );

  test.each(all)(
    '%s: Istio’s validating webhooks, whose failurePolicy istiod switches to Fail, are left to istiod by Argo CD (no self-heal fight)',
    async (_name, ctx) => {
      for (const operator of ['istio-base', 'istiod'] as const) {
        const webhooks = (await rendered(renderer, ctx, operator)).filter((o) => o.kind === 'ValidatingWebhookConfiguration');
        expect(webhooks.length).toBeGreaterThan(0);
        // As rendered: Ignore, on configurations istiod manages (its revision's label), which it patches to Fail once serving.
        for (const w of webhooks) {
          expect(w.metadata.labels?.['istio.io/rev']).toBe('default');
          expect((w as any).webhooks.map((h: any) => h.failurePolicy)).toContain('Ignore');
        }
        expect(OPERATORS[operator].controllerOwned).toEqual([
          { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.failurePolicy'] },
        ]);
      }
    },
  );

  test.each(all)('%s: KServe’s ingress configuration names what is installed: the IngressClass, the domain, net-istio’s gateways', async (_name, ctx) => {
    const objs = await rendered(renderer, ctx, 'kserve-resources');
    const config = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'inferenceservice-config')!;
    const ingress = JSON.parse(config.data.ingress);
    expect(ingress).toEqual(
      expect.objectContaining({
        ingressClassName: one(ctx, 'IngressClass').metadata.name,
        ingressDomain: ctx.env.mlops.servingDomain,
        ingressGateway: KNATIVE_GATEWAYS.ingress,
        localGateway: KNATIVE_GATEWAYS.local,
        localGatewayService: KNATIVE_GATEWAYS.localService,
      }),
    );
    expect(JSON.stringify(ingress)).not.toContain('example.com');
  });
});
