import { doc, type Json, of, podIdentityTrust, renderAwsPlatform, withEnv } from '../helpers';
import { KARPENTER_CONTROLLER_ACTIONS } from '../../../src/model/karpenter';
import { KARPENTER_NAMESPACE, KARPENTER_SERVICE_ACCOUNT } from '../../../src/model/naming';
import type { EnvironmentSpec, PlatformSpec } from '../../../src/model/types';
import { defaultPlatform } from '../../../src/platform';

const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** aws-prod with its Spot GPU pool provisioned as a managed node group instead of by Karpenter. */
function withSpotNodeGroup(): PlatformSpec {
  const spec: PlatformSpec = structuredClone(defaultPlatform);
  const prod = spec.environments.find((e) => e.name === 'aws-prod')!;
  prod.cluster.gpuPools = prod.cluster.gpuPools!.map((p) => (p.name === 'gpuspot' ? { ...p, provisioner: 'node-group' as const } : p));
  return spec;
}

describe('aws cluster layer', () => {
  const dev = renderAwsPlatform('aws-dev');
  const prod = renderAwsPlatform('aws-prod');

  it('keeps the prod API private and restricts the dev public endpoint to the model CIDRs', () => {
    const prodVpc = prod.json.resource.aws_eks_cluster.cluster.vpc_config;
    expect(prodVpc).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
    expect(prodVpc.public_access_cidrs).toBeUndefined();
    const devVpc = dev.json.resource.aws_eks_cluster.cluster.vpc_config;
    expect(devVpc).toMatchObject({ endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] });
    expect(prodVpc.subnet_ids).toEqual(['${aws_subnet.private_subnet_0.id}', '${aws_subnet.private_subnet_1.id}', '${aws_subnet.private_subnet_2.id}']);
  });

  it('never opens a public endpoint without allowed CIDRs', () => {
    const spec: PlatformSpec = structuredClone(defaultPlatform);
    delete spec.environments.find((e) => e.name === 'aws-dev')!.network.apiAllowedCidrs;
    const vpc = renderAwsPlatform('aws-dev', spec).json.resource.aws_eks_cluster.cluster.vpc_config;
    expect(vpc.endpoint_public_access).toBe(false);
    expect(vpc.public_access_cidrs).toBeUndefined();
  });

  it('envelope-encrypts secrets with a rotating KMS key the cluster role may use', () => {
    const { json, names } = prod;
    const cluster = json.resource.aws_eks_cluster.cluster;
    expect(asList(cluster.encryption_config)).toEqual([{ resources: ['secrets'], provider: { key_arn: '${aws_kms_key.cluster_kms_key.arn}' } }]);
    expect(of(json, 'aws_kms_key').cluster_kms_key.enable_key_rotation).toBe(true);
    expect(of(json, 'aws_kms_alias').cluster_kms_alias).toMatchObject({ name: names.clusterKmsAlias, target_key_id: '${aws_kms_key.cluster_kms_key.key_id}' });
    const kms = doc(of(json, 'aws_iam_role_policy').cluster_role_kms_policy.policy).Statement;
    expect(kms).toEqual([expect.objectContaining({ Resource: '${aws_kms_key.cluster_kms_key.arn}' })]);
    expect(cluster.role_arn).toBe('${aws_iam_role.cluster_role.arn}');
    expect(of(json, 'aws_iam_role').cluster_role.name).toBe(names.clusterRoleName);
  });

  it('logs every control-plane log type in prod to a log group created first', () => {
    const { json, names } = prod;
    const cluster = json.resource.aws_eks_cluster.cluster;
    expect(cluster.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
    expect(cluster.depends_on).toContain('aws_cloudwatch_log_group.cluster_log_group');
    expect(of(json, 'aws_cloudwatch_log_group').cluster_log_group).toMatchObject({
      name: names.clusterLogGroupName,
      kms_key_id: '${aws_kms_key.logs_kms_key.arn}',
      retention_in_days: 365,
    });
    expect(of(dev.json, 'aws_cloudwatch_log_group').cluster_log_group.retention_in_days).toBe(30);
    // Dev keeps what an incident review reads (eks-control-plane-logging's three), for a month.
    expect(dev.json.resource.aws_eks_cluster.cluster.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator']);
  });

  it('takes log types and retention from the model (aws.logging)', () => {
    const spec = withEnv('aws-dev', (e) => ({
      ...(e as EnvironmentSpec<'aws'>),
      aws: { ...e.aws!, logging: { retentionDays: 90, controlPlane: ['audit', 'api'] } },
    }));
    const json = renderAwsPlatform('aws-dev', spec).json;
    expect(json.resource.aws_eks_cluster.cluster.enabled_cluster_log_types).toEqual(['audit', 'api']);
    expect(of(json, 'aws_cloudwatch_log_group').cluster_log_group.retention_in_days).toBe(90);
    expect(of(json, 'aws_cloudwatch_log_group').flow_log_group.retention_in_days).toBe(90);
  });

  it('uses access entries only, with an admin entry and policy association per admin ARN', () => {
    for (const { json, env } of [dev, prod]) {
      const cluster = json.resource.aws_eks_cluster.cluster;
      expect(asList(cluster.access_config)).toEqual([{ authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false }]);
      expect(asList(cluster.kubernetes_network_config)[0].service_ipv4_cidr).toBe(env.network.serviceCidr);
      const entries = Object.values(of(json, 'aws_eks_access_entry')).filter((e) => e.type === 'STANDARD');
      const associations = Object.values(of(json, 'aws_eks_access_policy_association'));
      expect(entries.map((e) => e.principal_arn)).toEqual(env.aws!.clusterAdminArns);
      expect(associations).toHaveLength(env.aws!.clusterAdminArns.length);
      for (const a of associations) {
        expect(a.policy_arn).toBe('arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy');
        expect(asList(a.access_scope)).toEqual([{ type: 'cluster' }]);
      }
    }
    const spec: PlatformSpec = structuredClone(defaultPlatform);
    spec.environments.find((e) => e.name === 'aws-prod')!.aws!.clusterAdminArns = [
      'arn:aws:iam::222222222222:role/platform-admin',
      'arn:aws:iam::222222222222:user/alice',
    ];
    const json = renderAwsPlatform('aws-prod', spec).json;
    expect(Object.keys(of(json, 'aws_eks_access_policy_association')).sort()).toEqual([
      'cluster_admin_role_platform_admin_policy',
      'cluster_admin_user_alice_policy',
    ]);
  });

  it('creates the IRSA OIDC provider from the cluster issuer', () => {
    expect(of(prod.json, 'aws_iam_openid_connect_provider').oidc_provider).toMatchObject({
      url: '${aws_eks_cluster.cluster.identity[0].oidc[0].issuer}',
      client_id_list: ['sts.amazonaws.com'],
    });
  });

  it('pins the five core add-ons; coredns and EBS CSI wait for the system node group', () => {
    const { json, env } = prod;
    const addons = of(json, 'aws_eks_addon');
    expect(
      Object.values(addons)
        .map((a) => a.addon_name)
        .sort(),
    ).toEqual(['aws-ebs-csi-driver', 'coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
    for (const a of Object.values(addons)) expect(a.addon_version).toBe(env.cluster.addons[a.addon_name as keyof typeof env.cluster.addons]);
    expect(addons.addon_coredns.depends_on).toContain('aws_eks_node_group.system_node_group');
    expect(addons.addon_aws_ebs_csi_driver.depends_on).toContain('aws_eks_node_group.system_node_group');
    expect(json.resource.aws_eks_cluster.cluster.bootstrap_self_managed_addons).toBe(false);
    // Networking and Pod Identity first: node groups wait for them.
    for (const ng of Object.values(of(json, 'aws_eks_node_group'))) {
      expect(ng.depends_on).toEqual(
        expect.arrayContaining(['aws_eks_addon.addon_vpc_cni', 'aws_eks_addon.addon_kube_proxy', 'aws_eks_addon.addon_eks_pod_identity_agent']),
      );
    }
  });

  it('turns on NetworkPolicy enforcement in the VPC CNI, so default-deny policies take effect', () => {
    const vpcCni = of(prod.json, 'aws_eks_addon').addon_vpc_cni;
    expect(JSON.parse(vpcCni.configuration_values)).toEqual({ enableNetworkPolicy: 'true' });
  });

  it('gives the EBS CSI driver its own Pod Identity role with the managed driver policy', () => {
    const { json, names } = prod;
    expect(of(json, 'aws_eks_addon').addon_aws_ebs_csi_driver.pod_identity_association).toEqual([
      { role_arn: '${aws_iam_role.ebs_csi_role.arn}', service_account: 'ebs-csi-controller-sa' },
    ]);
    const role = of(json, 'aws_iam_role').ebs_csi_role;
    expect(role.name).toBe(names.ebsCsiRoleName);
    const trust = doc(role.assume_role_policy).Statement[0];
    expect(trust.Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
    expect(trust.Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(trust.Condition.StringEquals['aws:RequestTag/kubernetes-service-account']).toBe('ebs-csi-controller-sa');
    expect(of(json, 'aws_iam_role_policy_attachment').ebs_csi_role_ebs_csi_driver_policy.policy_arn).toBe(
      'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy',
    );
  });

  it('tags the cluster security group for Karpenter discovery', () => {
    expect(of(prod.json, 'aws_ec2_tag').cluster_security_group_discovery_tag).toEqual({
      resource_id: '${aws_eks_cluster.cluster.vpc_config[0].cluster_security_group_id}',
      key: 'karpenter.sh/discovery',
      value: prod.names.clusterName,
    });
  });
});

describe('aws node groups', () => {
  const dev = renderAwsPlatform('aws-dev');
  const prod = renderAwsPlatform('aws-prod');

  it('runs an on-demand AL2023 system node group sized from the model', () => {
    const pool = prod.env.cluster.systemPool;
    expect(of(prod.json, 'aws_eks_node_group').system_node_group).toMatchObject({
      ami_type: 'AL2023_x86_64_STANDARD',
      capacity_type: 'ON_DEMAND',
      instance_types: pool.sizes,
      scaling_config: { min_size: pool.min, max_size: pool.max, desired_size: pool.min },
      node_role_arn: '${aws_iam_role.node_role.arn}',
    });
    expect(of(dev.json, 'aws_eks_node_group').system_node_group.taint).toBeUndefined();
  });

  it('creates a tainted NVIDIA GPU node group scaling from zero only for node-group pools', () => {
    expect(Object.keys(of(dev.json, 'aws_eks_node_group'))).toEqual(['system_node_group']);
    expect(Object.keys(of(prod.json, 'aws_eks_node_group')).sort()).toEqual(['gpu_node_group_gpu', 'system_node_group']);
    const gpu = of(prod.json, 'aws_eks_node_group').gpu_node_group_gpu;
    expect(gpu).toMatchObject({
      ami_type: 'AL2023_x86_64_NVIDIA',
      capacity_type: 'ON_DEMAND',
      instance_types: ['g5.2xlarge'],
      scaling_config: { min_size: 0, max_size: 4, desired_size: 0 },
      taint: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }],
      labels: { 'platform-synth.io/pool': 'gpu', 'platform-synth.io/capacity': 'on-demand' },
      lifecycle: { ignore_changes: ['scaling_config[0].desired_size'] },
    });
  });

  it('uses Spot capacity for a Spot GPU node group', () => {
    const ng = of(renderAwsPlatform('aws-prod', withSpotNodeGroup()).json, 'aws_eks_node_group').gpu_node_group_gpuspot;
    expect(ng.capacity_type).toBe('SPOT');
    expect(ng.labels['platform-synth.io/capacity']).toBe('spot');
    expect(ng.instance_types).toEqual(['g5.2xlarge', 'g6.2xlarge', 'g6e.2xlarge']);
    expect(ng.scaling_config.min_size).toBe(0);
  });

  it('gives every node group its own launch template: IMDSv2 only, hop limit 1, encrypted gp3 root', () => {
    const templates = of(prod.json, 'aws_launch_template');
    expect(Object.keys(templates).sort()).toEqual(['gpu_launch_template_gpu', 'system_launch_template']);
    for (const [id, lt] of Object.entries(templates)) {
      expect(asList(lt.metadata_options)).toEqual([
        expect.objectContaining({ http_tokens: 'required', http_put_response_hop_limit: 1, http_endpoint: 'enabled' }),
      ]);
      expect(lt.block_device_mappings[0]).toMatchObject({ device_name: '/dev/xvda', ebs: { volume_type: 'gp3', encrypted: 'true' } });
      expect(lt.image_id).toBeUndefined();
      expect(lt.user_data).toBeUndefined();
      const ng = id === 'system_launch_template' ? 'system_node_group' : id.replace('launch_template', 'node_group');
      expect(of(prod.json, 'aws_eks_node_group')[ng].launch_template).toMatchObject({ id: `\${aws_launch_template.${id}.id}` });
    }
  });

  it('attaches the standard node policies to the node role', () => {
    const attached = Object.values(of(prod.json, 'aws_iam_role_policy_attachment'))
      .filter((a) => a.role === '${aws_iam_role.node_role.name}')
      .map((a) => a.policy_arn)
      .sort();
    expect(attached).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
      'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    ]);
    expect(of(prod.json, 'aws_iam_role').node_role.name).toBe(prod.names.nodeRoleName);
  });
});

describe('aws Cluster Autoscaler (managed node groups that scale)', () => {
  const prod = renderAwsPlatform('aws-prod');

  it('gives it a Pod Identity role that may resize only this cluster’s Auto Scaling groups', () => {
    const cluster = prod.names.clusterName;
    const role = of(prod.json, 'aws_iam_role').cluster_autoscaler_role;
    expect(role.name).toBe(`${cluster}-cluster-autoscaler`);
    expect(doc(role.assume_role_policy).Statement).toEqual(podIdentityTrust(cluster, 'kube-system', 'cluster-autoscaler'));
    expect(of(prod.json, 'aws_eks_pod_identity_association').cluster_autoscaler_pod_identity_association).toMatchObject({
      cluster_name: cluster,
      namespace: 'kube-system',
      service_account: 'cluster-autoscaler',
      role_arn: '${aws_iam_role.cluster_autoscaler_role.arn}',
      // The cluster is in the same stack: the association waits for it.
      depends_on: ['aws_eks_cluster.cluster'],
    });
    const statements = doc(of(prod.json, 'aws_iam_role_policy').cluster_autoscaler_policy.policy).Statement;
    const writes = statements.find((s: Json) => s.Sid === 'ScaleClusterNodeGroups');
    expect(writes).toEqual({
      Sid: 'ScaleClusterNodeGroups',
      Effect: 'Allow',
      Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
      Resource: 'arn:aws:autoscaling:eu-west-1:222222222222:autoScalingGroup:*:autoScalingGroupName/*',
      Condition: { StringEquals: { 'aws:ResourceTag/eks:cluster-name': cluster } },
    });
    // Everything on "*" is a read; the node group read is scoped to the cluster.
    for (const s of statements.filter((s: Json) => s.Resource === '*')) for (const a of s.Action) expect(a).toMatch(/^(autoscaling|ec2):(Describe|Get)/);
    expect(statements.find((s: Json) => s.Action === 'eks:DescribeNodegroup').Resource).toBe(`arn:aws:eks:eu-west-1:222222222222:nodegroup/${cluster}/*/*`);
  });

  it('tags the Auto Scaling group of a node group at 0 nodes with its labels, taint and GPUs (scale from zero)', () => {
    const tags = Object.values(of(prod.json, 'aws_autoscaling_group_tag'));
    const asg = '${aws_eks_node_group.gpu_node_group_gpu.resources[0].autoscaling_groups[0].name}';
    expect(tags.every((t) => t.autoscaling_group_name === asg)).toBe(true);
    expect(Object.fromEntries(tags.map((t) => [t.tag.key, t.tag.value]))).toEqual({
      'k8s.io/cluster-autoscaler/node-template/label/platform-synth.io/pool': 'gpu',
      'k8s.io/cluster-autoscaler/node-template/label/platform-synth.io/capacity': 'on-demand',
      'k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu': 'true:NoSchedule',
      'k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu': '1',
    });
    // The nodes get labels and taints from the node group; the tags are hints for the autoscaler only.
    expect(tags.every((t) => t.tag.propagate_at_launch === false)).toBe(true);
  });

  it('is left out where no managed node group scales', () => {
    const spec: PlatformSpec = structuredClone(defaultPlatform);
    const prodSpec = spec.environments.find((e) => e.name === 'aws-prod')!;
    prodSpec.cluster.systemPool = { ...prodSpec.cluster.systemPool, min: 3, max: 3 };
    prodSpec.cluster.gpuPools = prodSpec.cluster.gpuPools!.filter((p) => p.provisioner === 'karpenter');
    prodSpec.workloads!.mlops!.training = prodSpec.workloads!.mlops!.training!.filter((t) => t.runOn === 'sagemaker');
    const json = renderAwsPlatform('aws-prod', spec).json;
    expect(of(json, 'aws_iam_role').cluster_autoscaler_role).toBeUndefined();
    expect(of(json, 'aws_autoscaling_group_tag')).toEqual({});
  });
});

describe('aws karpenter infrastructure', () => {
  const prod = renderAwsPlatform('aws-prod');
  const { json, names, env } = prod;
  const statements: Json[] = doc(of(json, 'aws_iam_role_policy').karpenter_controller_policy.policy).Statement;
  const bySid = (sid: string) => statements.find((s) => s.Sid === sid)!;

  it('associates the controller role with kube-system/karpenter through Pod Identity', () => {
    expect(of(json, 'aws_eks_pod_identity_association').karpenter_pod_identity_association).toEqual({
      cluster_name: '${aws_eks_cluster.cluster.name}',
      namespace: KARPENTER_NAMESPACE,
      service_account: KARPENTER_SERVICE_ACCOUNT,
      role_arn: '${aws_iam_role.karpenter_controller_role.arn}',
    });
    expect([KARPENTER_NAMESPACE, KARPENTER_SERVICE_ACCOUNT]).toEqual(['kube-system', 'karpenter']);
    const role = of(json, 'aws_iam_role').karpenter_controller_role;
    expect(role.name).toBe(names.karpenterControllerRoleName);
    const trust = doc(role.assume_role_policy).Statement;
    expect(trust).toEqual(podIdentityTrust(names.clusterName, 'kube-system', 'karpenter'));
  });

  it('limits PassRole to the Karpenter node role, passed to EC2', () => {
    const passRole = statements.filter((s) => asList(s.Action).includes('iam:PassRole'));
    expect(passRole).toEqual([
      expect.objectContaining({
        Resource: '${aws_iam_role.karpenter_node_role.arn}',
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      }),
    ]);
    expect(statements.some((s) => asList(s.Action).some((a: string) => a === '*' || a.endsWith(':*')))).toBe(false);
  });

  it('scopes EC2 writes and instance profiles to resources owned by this cluster', () => {
    const owned = `kubernetes.io/cluster/${names.clusterName}`;
    const writes = ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate', 'ec2:CreateTags', 'ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'];
    for (const s of statements.filter((s) => asList(s.Action).some((a: string) => writes.includes(a)))) {
      if (s.Sid === 'AllowScopedEC2InstanceAccessActions') {
        // Images, subnets and security groups are referenced, not created: no tags to match.
        expect(asList(s.Resource).every((r: string) => r.startsWith(`arn:aws:ec2:${env.region}:`))).toBe(true);
        continue;
      }
      const tagKeys = Object.values(s.Condition as Record<string, Record<string, unknown>>).flatMap((c) => Object.keys(c));
      expect(tagKeys.some((k) => k === `aws:RequestTag/${owned}` || k === `aws:ResourceTag/${owned}`)).toBe(true);
      expect(tagKeys.some((k) => k.endsWith('karpenter.sh/nodepool'))).toBe(true);
    }
    for (const s of statements.filter((s) => asList(s.Action).some((a: string) => /^iam:(Create|Tag|AddRole|RemoveRole|Delete)/.test(a)))) {
      expect(s.Resource).toBe(`arn:aws:iam::${env.aws!.accountId}:instance-profile/*`);
      expect(Object.values(s.Condition as Record<string, Record<string, unknown>>).flatMap((c) => Object.keys(c))).toContain(
        s.Sid === 'AllowScopedInstanceProfileCreationActions' ? `aws:RequestTag/${owned}` : `aws:ResourceTag/${owned}`,
      );
    }
    expect(bySid('AllowAPIServerEndpointDiscovery')).toMatchObject({ Action: 'eks:DescribeCluster', Resource: '${aws_eks_cluster.cluster.arn}' });
    expect(bySid('AllowInterruptionQueueActions').Resource).toBe('${aws_sqs_queue.karpenter_interruption_queue.arn}');
    expect(bySid('AllowSSMReadActions').Resource).toBe(`arn:aws:ssm:${env.region}::parameter/aws/service/*`);
    expect(bySid('AllowPricingReadActions').Action).toBe('pricing:GetProducts');
  });

  it('fits the inline policy size limit', () => {
    const total = Object.values(of(json, 'aws_iam_role_policy'))
      .filter((p) => p.role === '${aws_iam_role.karpenter_controller_role.id}')
      .reduce((n, p) => n + p.policy.length, 0);
    expect(total).toBeLessThan(10240 - 500); // headroom for resolved ARNs
  });

  it('registers the Karpenter node role as an EC2_LINUX access entry', () => {
    expect(of(json, 'aws_iam_role').karpenter_node_role.name).toBe(names.karpenterNodeRoleName);
    expect(of(json, 'aws_eks_access_entry').karpenter_node_access_entry).toEqual({
      cluster_name: '${aws_eks_cluster.cluster.name}',
      principal_arn: '${aws_iam_role.karpenter_node_role.arn}',
      type: 'EC2_LINUX',
    });
    expect(Object.values(of(json, 'aws_iam_role_policy_attachment')).filter((a) => a.role === '${aws_iam_role.karpenter_node_role.name}')).toHaveLength(4);
  });

  it('has every action of the Karpenter v1.14 reference, the recent ones scoped as the reference scopes them', () => {
    const actions = new Set(statements.flatMap((s) => asList(s.Action)));
    expect([...KARPENTER_CONTROLLER_ACTIONS].filter((a) => !actions.has(a))).toEqual([]);
    expect(bySid('AllowRegionalReadActions').Action).toEqual(expect.arrayContaining(['ec2:DescribeInstanceStatus', 'ec2:DescribePlacementGroups']));
    expect(bySid('AllowScopedEC2InstanceAccessActions').Resource).toContain(`arn:aws:ec2:${env.region}:*:placement-group/*`);
    expect(bySid('AllowZonalShiftStatusReadOnly')).toEqual({
      Sid: 'AllowZonalShiftStatusReadOnly',
      Effect: 'Allow',
      Action: 'arc-zonal-shift:GetManagedResource',
      Resource: '*',
      Condition: { StringEquals: { 'arc-zonal-shift:ResourceIdentifier': '${aws_eks_cluster.cluster.arn}' } },
    });
  });

  it('creates the account-wide EC2 Spot service-linked role where the model says so, and not where it exists already', () => {
    expect(of(json, 'aws_iam_service_linked_role')).toEqual({ spot_service_linked_role: expect.objectContaining({ aws_service_name: 'spot.amazonaws.com' }) });
    const existing = renderAwsPlatform(
      'aws-prod',
      withEnv('aws-prod', (e) => ({ ...(e as EnvironmentSpec<'aws'>), aws: { ...e.aws!, createSpotServiceLinkedRole: false } })),
    ).json;
    expect(of(existing, 'aws_iam_service_linked_role')).toEqual({});
  });

  it('feeds the encrypted, short-lived interruption queue from the five EventBridge rules of the reference', () => {
    expect(of(json, 'aws_sqs_queue').karpenter_interruption_queue).toEqual({
      name: names.karpenterInterruptionQueueName,
      message_retention_seconds: 300,
      sqs_managed_sse_enabled: true,
    });
    const rules = of(json, 'aws_cloudwatch_event_rule');
    expect(
      Object.values(rules)
        .map((r) => JSON.parse(r.event_pattern))
        .sort((a, b) => a['detail-type'][0].localeCompare(b['detail-type'][0])),
    ).toEqual([
      { source: ['aws.health'], 'detail-type': ['AWS Health Event'] },
      { source: ['aws.ec2'], 'detail-type': ['EC2 Capacity Reservation Instance Interruption Warning'] },
      { source: ['aws.ec2'], 'detail-type': ['EC2 Instance Rebalance Recommendation'] },
      { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] },
      { source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] },
    ]);
    const targets = Object.values(of(json, 'aws_cloudwatch_event_target'));
    expect(targets.map((t) => t.rule).sort()).toEqual(
      Object.keys(rules)
        .map((id) => `\${aws_cloudwatch_event_rule.${id}.name}`)
        .sort(),
    );
    for (const t of targets) expect(t.arn).toBe('${aws_sqs_queue.karpenter_interruption_queue.arn}');

    const queuePolicy = of(json, 'aws_sqs_queue_policy').karpenter_interruption_queue_policy;
    expect(queuePolicy.queue_url).toBe('${aws_sqs_queue.karpenter_interruption_queue.url}');
    const qs: Json[] = doc(queuePolicy.policy).Statement;
    const senders = qs.filter((s) => s.Effect === 'Allow').flatMap((s) => asList(s.Principal.Service));
    expect(senders.sort()).toEqual(['events.amazonaws.com', 'sqs.amazonaws.com']);
    const ruleArns = Object.values(rules).map((r) => `arn:aws:events:${env.region}:${env.aws!.accountId}:rule/${r.name}`);
    expect(qs.find((s) => s.Sid === 'AllowEventBridgeRules')!.Condition.ArnEquals['aws:SourceArn'].sort()).toEqual(ruleArns.sort());
    expect(qs.find((s) => s.Effect === 'Deny')).toMatchObject({ Principal: '*', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });
});

describe('aws registry', () => {
  const { json, names } = renderAwsPlatform('aws-prod');

  it('creates an immutable, scanned, KMS-encrypted repository per model repository with a lifecycle policy', () => {
    const repos = of(json, 'aws_ecr_repository');
    expect(
      Object.values(repos)
        .map((r) => r.name)
        .sort(),
    ).toEqual(Object.values(names.ecrRepositories).sort());
    for (const [id, repo] of Object.entries(repos)) {
      expect(repo.image_tag_mutability).toBe('IMMUTABLE');
      expect(asList(repo.image_scanning_configuration)).toEqual([{ scan_on_push: true }]);
      expect(asList(repo.encryption_configuration)).toEqual([{ encryption_type: 'KMS', kms_key: '${aws_kms_key.ecr_kms_key.arn}' }]);
      const lifecycle = Object.values(of(json, 'aws_ecr_lifecycle_policy')).find((p) => p.repository === `\${aws_ecr_repository.${id}.name}`)!;
      expect(JSON.parse(lifecycle.policy).rules[0]).toMatchObject({ selection: { tagStatus: 'untagged' }, action: { type: 'expire' } });
    }
    expect(of(json, 'aws_kms_key').ecr_kms_key.enable_key_rotation).toBe(true);
    expect(of(json, 'aws_kms_alias').ecr_kms_alias.name).toBe(names.ecrKmsAlias);
  });

  it('creates no key when the model has no repositories', () => {
    const spec: PlatformSpec = structuredClone(defaultPlatform);
    delete spec.environments.find((e) => e.name === 'aws-prod')!.cluster.repositories;
    const rendered = renderAwsPlatform('aws-prod', spec).json;
    expect(of(rendered, 'aws_ecr_repository')).toEqual({});
    expect(of(rendered, 'aws_kms_key').ecr_kms_key).toBeUndefined();
  });
});
