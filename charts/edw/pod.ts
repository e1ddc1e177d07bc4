/** The EDW pods use the shared pod settings of charts/lib/pod.ts; re-exported for existing imports. */
export { baseContainer, CONTAINER_SECURITY_CONTEXT, POD_SECURITY_CONTEXT, resources, RUN_AS, scaleQuantity, TMP_MOUNTS, TMP_VOLUMES } from '../lib/pod';
