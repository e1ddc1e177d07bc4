/** Policy rules over what decides a cluster's Kubernetes version and node images after the first apply. */
import { describeObject } from '../output';
import { blocks, ofType, refersTo } from './references';
import type { PolicyRule, Violation } from './rule';

/** `1.35.6-20260714` → minor `1.35`, AMI date `20260714`. */
const RELEASE_VERSION = /^(\d+\.\d+)\.\d+-(\d{8})$/;
const AL2023_ALIAS = /^al2023@v(\d{8})$/;

const literal = (value: unknown): value is string => typeof value === 'string' && !value.includes('${');

export const versionRules: PolicyRule[] = [
  {
    id: 'eks-upgrade-policy',
    reason:
      'The EKS API defaults to EXTENDED: a cluster left on a version past standard support then bills $0.60 instead of $0.10 per hour without anyone choosing it.',
    check: (ctx) =>
      ofType(ctx.env, 'aws_eks_cluster').flatMap((c) => {
        const supportType = blocks(c.body.upgrade_policy)[0]?.support_type;
        return supportType === 'STANDARD' || supportType === 'EXTENDED'
          ? []
          : [{ file: c.file, resource: c.address, message: 'upgrade_policy.support_type is not set (STANDARD or EXTENDED)' }];
      }),
  },
  {
    id: 'eks-node-group-release-pinned',
    reason:
      'A managed node group without release_version runs whatever AMI was newest when it was created and its image changes outside review; with it, an image update is a diff.',
    check: (ctx) => {
      const clusters = ofType(ctx.env, 'aws_eks_cluster');
      return ofType(ctx.env, 'aws_eks_node_group').flatMap((g): Violation[] => {
        const at = { file: g.file, resource: g.address };
        const release = g.body.release_version;
        if (release === undefined) return [{ ...at, message: 'release_version is not set: the AMI is whatever EKS picked at creation' }];
        if (!literal(release)) return [];
        const parsed = RELEASE_VERSION.exec(release);
        if (!parsed) return [{ ...at, message: `release_version ${JSON.stringify(release)} is not <minor>.<patch>-<YYYYMMDD>` }];
        const cluster = clusters.find((c) => refersTo(g.body.cluster_name, c.address));
        const minor = literal(g.body.version) ? g.body.version : literal(cluster?.body.version) ? cluster.body.version : undefined;
        return minor && minor !== parsed[1]
          ? [{ ...at, message: `release_version ${release} is an AMI for Kubernetes ${parsed[1]}, but the group runs ${minor}` }]
          : [];
      });
    },
  },
  {
    id: 'eks-node-image-consistent',
    reason: 'Karpenter nodes and managed node groups of one cluster run the same AL2023 release, so an image update rolls them together and is tested once.',
    check: (ctx) => {
      const groupDates = new Map<string, string>();
      for (const g of ofType(ctx.env, 'aws_eks_node_group')) {
        const parsed = literal(g.body.release_version) ? RELEASE_VERSION.exec(g.body.release_version) : null;
        if (parsed) groupDates.set(parsed[2], g.address);
      }
      if (groupDates.size === 0) return [];
      const dates = [...groupDates.keys()].sort();
      const out: Violation[] = [];
      if (dates.length > 1)
        out.push({
          file: ofType(ctx.env, 'aws_eks_node_group')[0].file,
          resource: groupDates.get(dates[1])!,
          message: `managed node groups run different AMI releases (${dates.map((d) => `v${d}`).join(', ')})`,
        });
      for (const m of ctx.env.manifests) {
        if (m.obj.kind !== 'EC2NodeClass') continue;
        for (const term of Array.isArray(m.obj.spec?.amiSelectorTerms) ? m.obj.spec.amiSelectorTerms : []) {
          const parsed = typeof term?.alias === 'string' ? AL2023_ALIAS.exec(term.alias) : null;
          if (parsed && !groupDates.has(parsed[1]))
            out.push({
              file: m.file,
              resource: describeObject(m.obj),
              message: `amiSelectorTerms alias ${term.alias} is not the release the managed node groups run (${dates.map((d) => `v${d}`).join(', ')})`,
            });
        }
      }
      return out;
    },
  },
  {
    id: 'aks-node-pool-version',
    reason: "AKS upgrades node pools separately: a pool without the cluster's orchestrator_version stays behind when the control plane moves.",
    check: (ctx) => {
      const out: Violation[] = [];
      for (const c of ofType(ctx.env, 'azurerm_kubernetes_cluster')) {
        const version = c.body.kubernetes_version;
        const pools = [
          ...blocks(c.body.default_node_pool).map((p) => ({ file: c.file, resource: `${c.address} default_node_pool ${p.name}`, body: p })),
          ...ofType(ctx.env, 'azurerm_kubernetes_cluster_node_pool')
            .filter((p) => refersTo(p.body.kubernetes_cluster_id, c.address))
            .map((p) => ({ file: p.file, resource: p.address, body: p.body })),
        ];
        for (const p of pools) {
          const pinned = p.body.orchestrator_version;
          if (pinned === undefined) out.push({ file: p.file, resource: p.resource, message: 'orchestrator_version is not set' });
          else if (literal(pinned) && literal(version) && pinned !== version)
            out.push({ file: p.file, resource: p.resource, message: `orchestrator_version ${pinned} is not the cluster's kubernetes_version ${version}` });
        }
      }
      return out;
    },
  },
  {
    id: 'aks-node-os-upgrade-channel',
    reason:
      'Node OS patches reach AKS nodes through node_os_upgrade_channel: None leaves them unpatched, Unmanaged leaves new nodes and reboots to chance; NodeImage or SecurityPatch patch in the maintenance window.',
    check: (ctx) =>
      ofType(ctx.env, 'azurerm_kubernetes_cluster').flatMap((c) => {
        const channel = c.body.node_os_upgrade_channel;
        return channel === 'NodeImage' || channel === 'SecurityPatch'
          ? []
          : [
              {
                file: c.file,
                resource: c.address,
                message: `node_os_upgrade_channel is ${channel === undefined ? 'not set' : JSON.stringify(channel)}, not NodeImage or SecurityPatch`,
              },
            ];
      }),
  },
];
