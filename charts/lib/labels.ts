/** Pod labels the workload charts select on (Deployments, PDBs, Services, NetworkPolicies). */
export const NAME_LABEL = 'app.kubernetes.io/name';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
