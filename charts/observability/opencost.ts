/**
 * OpenCost in the monitoring namespace (src/model/opencost.ts has the facts and why the platform writes these objects
 * itself): its service account, a read-only ClusterRole and its binding, and the exporter's Deployment. Prometheus
 * scrapes it (src/model/scrapes.ts) and it queries Prometheus back; the namespace's NetworkPolicies admit exactly
 * those two flows (./network.ts).
 *
 * Prices: OpenCost finds the cloud from the nodes and reads list prices itself (AWS's public price list; on Azure
 * without rate-card credentials, its bundled defaults), over the namespace's unrestricted egress.
 */
import { IntOrString, KubeClusterRole, KubeClusterRoleBinding, KubeDeployment, KubeServiceAccount } from 'cdk8s-plus-28/lib/imports/k8s';
import { PRIORITY_CLASSES } from '../../src/model/scheduling';
import { MONITORING_NAMESPACE, PROMETHEUS_URL } from '../../src/model/observability';
import {
  OPENCOST_CONFIG_DIR,
  OPENCOST_HEALTH_PATH,
  OPENCOST_IMAGE,
  OPENCOST_NAME,
  OPENCOST_PODS,
  OPENCOST_PORT,
  OPENCOST_READS,
  OPENCOST_SETTINGS,
} from '../../src/model/opencost';
import type { AppChart } from '../lib/app-chart';
import { clusterScoped, standardLabels } from '../lib/app-chart';
import { container, envVars, podSpec } from '../lib/pod';

/**
 * The chart's memory limit as the request too (limit = request here): it reads the region's whole EC2 price list on
 * start. CPU for that parse (the chart sets no CPU limit; here it is twice the request).
 */
export const OPENCOST_RESOURCES = { cpu: '250m', memory: '1Gi' } as const;
/**
 * It downloads the prices before it listens (costmodel.Initialize, read at v1.112.0): the chart's startup probe
 * allows 10 + 30 × 5 s; this allows 300 s, the parse running at a quarter of a CPU.
 */
const STARTUP_SECONDS = 300;
/** Its configuration and price files (a few MiB). */
const CONFIG_DIR_SIZE = '256Mi';

/** The cluster's name as OpenCost reports it (CLUSTER_ID), so figures from several clusters stay apart. */
function clusterId(chart: AppChart): string {
  const names = chart.ctx.names;
  return names.cloud === 'aws' ? names.aws.clusterName : names.azure.clusterName;
}

export function openCost(chart: AppChart): void {
  new KubeServiceAccount(chart, 'serviceaccount-opencost', { metadata: { name: OPENCOST_NAME }, automountServiceAccountToken: false });
  clusterScoped(
    new KubeClusterRole(chart, 'clusterrole-opencost', {
      metadata: { name: OPENCOST_NAME },
      rules: OPENCOST_READS.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
    }),
  );
  clusterScoped(
    new KubeClusterRoleBinding(chart, 'clusterrolebinding-opencost', {
      metadata: { name: OPENCOST_NAME },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPENCOST_NAME },
      subjects: [{ kind: 'ServiceAccount', name: OPENCOST_NAME, namespace: MONITORING_NAMESPACE }],
    }),
  );
  const env = envVars({
    ...OPENCOST_SETTINGS,
    API_PORT: String(OPENCOST_PORT.port),
    CLUSTER_ID: clusterId(chart),
    INSTALL_NAMESPACE: MONITORING_NAMESPACE,
    PROMETHEUS_SERVER_ENDPOINT: PROMETHEUS_URL,
  });
  new KubeDeployment(chart, 'deployment-opencost', {
    metadata: { name: OPENCOST_NAME },
    spec: {
      // One replica, as the chart runs it: its figures come from Prometheus, so a restart loses nothing.
      replicas: 1,
      selector: { matchLabels: { ...OPENCOST_PODS.labels } },
      revisionHistoryLimit: 3,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: IntOrString.fromNumber(1), maxUnavailable: IntOrString.fromNumber(0) } },
      template: {
        metadata: { labels: { ...standardLabels(chart.ctx, chart.appName), ...OPENCOST_PODS.labels } },
        spec: podSpec({
          serviceAccount: OPENCOST_NAME,
          // It watches the API server (the ClusterRole's reads).
          mountToken: true,
          // A report, not a service: it may wait for room and never preempts anything.
          priorityClass: PRIORITY_CLASSES.batch,
          scratch: [{ name: 'config', mountPath: OPENCOST_CONFIG_DIR, sizeLimit: CONFIG_DIR_SIZE }],
          containers: [
            container({
              name: OPENCOST_NAME,
              image: OPENCOST_IMAGE,
              ...OPENCOST_RESOURCES,
              env,
              volumeMounts: [{ name: 'config', mountPath: OPENCOST_CONFIG_DIR }],
              http: { port: OPENCOST_PORT.port, portName: OPENCOST_PORT.name, healthPath: OPENCOST_HEALTH_PATH, startupSeconds: STARTUP_SECONDS },
            }),
          ],
        }),
      },
    },
  });
}
