/**
 * How requests reach the served models (app `serving-ingress`), for the operators installed from
 * src/model/operators.ts: Istio's ingress gateway (istio-system, behind an internal load balancer) routes
 * every model's traffic; nothing is injected into the model pods (no mesh).
 * - IngressClass `istio`: KServe's Standard-mode models get a Kubernetes Ingress of this class, which
 *   istiod's Ingress controller turns into the gateway's routes.
 * - Knative-mode models (a canary): the namespace `knative-serving` and a KnativeServing asking the
 *   Knative Operator for Knative Serving with its Istio networking layer (net-istio). net-istio creates the
 *   `knative-ingress-gateway` / `knative-local-gateway` Gateways on the gateway pods (their default
 *   selector `istio: ingressgateway`, which INGRESS_GATEWAY's release name gives them) and the
 *   `knative-local-gateway` Service in istio-system; KServe's values name exactly these (operator-values.ts).
 *   The domain is the model's `servingDomain`; without one Knative keeps its cluster-local default.
 * - A/B tests: the Gateway Seldon Core binds its weighted VirtualServices to (its operator's `istio.gateway`).
 *   Plain HTTP on port 80: the load balancer is internal; TLS termination is the network's.
 * KServe's controller starts after the KnativeServing is ready (its `after`), so it watches Knative's Services.
 */
import type { App } from 'cdk8s';
import { KubeIngressClass, KubeNamespace } from 'cdk8s-plus-28/lib/imports/k8s';
import { INGRESS_GATEWAY, ISTIO_NAMESPACE } from '../../src/model/cluster';
import type { EnvironmentContext } from '../../src/model/context';
import { KNATIVE_SERVING_VERSION } from '../../src/model/operators';
import type { Cloud } from '../../src/model/types';
import { servesOnKnative } from '../../src/model/workloads/mlops/serving';
import { CLUSTER_LOCAL_DOMAIN } from '../../src/model/workloads/mlops/spec';
import { AppChart } from '../lib/app-chart';
import { POD_SECURITY_REASON_ANNOTATION, podSecurityLabels } from '../platform/platform';
import { IstioGateway, KnativeServing } from './serving-types';

export const SERVING_INGRESS_APP = 'serving-ingress';

/** Knative Serving's namespace: its activator (proxies requests while scaling), autoscaler (scrapes queue-proxy) and net-istio. */
export const KNATIVE_NAMESPACE = 'knative-serving';

/** Why knative-serving enforces baseline: restricted is reported (audit, warn) but not enforced. */
export const KNATIVE_POD_SECURITY_REASON =
  "Knative Serving's own components (activator, autoscaler, controller, webhook, net-istio), installed by the Knative Operator: not yet checked against restricted";

/** Knative Serving 1.21's feature flags (config-features) the platform turns on. */
export const KNATIVE_FEATURES = { priorityClassName: 'kubernetes.podspec-priorityclassname' } as const;

/** The Gateways net-istio creates, as KServe's `ingressGateway` / `localGateway` settings name them. */
export const KNATIVE_GATEWAYS = {
  ingress: `${KNATIVE_NAMESPACE}/knative-ingress-gateway`,
  local: `${KNATIVE_NAMESPACE}/knative-local-gateway`,
  localService: `knative-local-gateway.${ISTIO_NAMESPACE}.svc.cluster.local`,
} as const;

/** The Gateway of Seldon's VirtualServices, and how its operator's `istio.gateway` names it. */
export const SELDON_GATEWAY = { name: 'seldon-gateway', namespace: ISTIO_NAMESPACE } as const;
export const SELDON_GATEWAY_REF = `${SELDON_GATEWAY.namespace}/${SELDON_GATEWAY.name}`;

/** Istio's Ingress controller name (istiod watches IngressClasses with it). */
export const ISTIO_INGRESS_CONTROLLER = 'istio.io/ingress-controller';

export class ServingIngressChart extends AppChart<'mlops'> {
  constructor(app: App, ctx: EnvironmentContext<Cloud, 'mlops'>) {
    super(app, SERVING_INGRESS_APP, ctx);
    const { models, servingDomain } = ctx.env.mlops;

    new KubeIngressClass(this, 'ingressclass-istio', {
      metadata: { name: INGRESS_GATEWAY.ingressClass },
      spec: { controller: ISTIO_INGRESS_CONTROLLER },
    });

    if (models.some(servesOnKnative)) {
      new KubeNamespace(this, `namespace-${KNATIVE_NAMESPACE}`, {
        metadata: {
          name: KNATIVE_NAMESPACE,
          labels: { ...podSecurityLabels('baseline', ctx.env), 'platform-synth.io/tier': 'platform' },
          annotations: { [POD_SECURITY_REASON_ANNOTATION]: KNATIVE_POD_SECURITY_REASON },
        },
      });
      new KnativeServing(this, 'knativeserving', {
        metadata: { name: 'knative-serving', namespace: KNATIVE_NAMESPACE },
        spec: {
          version: KNATIVE_SERVING_VERSION,
          ingress: { istio: { enabled: true } },
          config: {
            // Knative-mode predictors keep the serving priority class (Knative drops it without this feature).
            features: { [KNATIVE_FEATURES.priorityClassName]: 'enabled' },
            // queue-proxy serves its request metrics to Prometheus on 9091 (knative-v1.21.1 pkg/queue/sharedmain/otel.go), and
            // Serving's own components theirs on 9090 (vendor/knative.dev/pkg/observability/metrics/prometheus); both
            // protocols default to none: src/model/workloads/mlops/flows.ts mlopsScrapes.
            ...(ctx.env.observability.enabled ? { observability: { 'metrics-protocol': 'prometheus', 'request-metrics-protocol': 'prometheus' } } : {}),
            // Knative routes under the domain KServe names the models with (config-domain); the cluster-local one is its default.
            ...(servingDomain !== CLUSTER_LOCAL_DOMAIN ? { domain: { [servingDomain]: '' } } : {}),
          },
          'high-availability': { replicas: ctx.env.stage === 'prod' ? 2 : 1 },
        },
      });
    }

    if (models.some((m) => m.abTest)) {
      new IstioGateway(this, 'gateway-seldon', {
        metadata: { name: SELDON_GATEWAY.name, namespace: SELDON_GATEWAY.namespace },
        spec: { selector: { ...INGRESS_GATEWAY.selector }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
      });
    }
  }
}
