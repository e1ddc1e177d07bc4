/**
 * The equivalence table of `npm run cost -- --compare`: what stands for what on the other cloud. An environment is
 * compared by writing the same environment for the other cloud (these sizes, that region, the other cloud's own
 * services for the same workloads) and synthesizing and pricing it like any other: S3 becomes Blob Storage, SQS
 * Queue Storage, DynamoDB Table Storage, RDS a Flexible Server, Bedrock Azure OpenAI, Glue Data Factory, because
 * that is what the stacks build for each workload on each cloud.
 */
import type { Cloud } from '../model/types';

export interface Equivalent {
  readonly to: string;
  /** Why this one, where it is not a like-for-like match. */
  readonly note?: string;
}

/** Node sizes, by cloud they are translated from. Like for like in vCPUs, memory class and GPU count. */
export const SIZE_EQUIVALENTS: Readonly<Record<Cloud, Readonly<Record<string, Equivalent>>>> = {
  aws: {
    'm6i.xlarge': { to: 'Standard_D4s_v5' },
    'm6a.xlarge': { to: 'Standard_D4s_v5', note: 'AMD on AWS, Intel on Azure' },
    'm7i.xlarge': { to: 'Standard_D4s_v5' },
    'm7a.xlarge': { to: 'Standard_D4s_v5', note: 'AMD on AWS, Intel on Azure' },
    'm6i.2xlarge': { to: 'Standard_D8s_v5' },
    'c6i.2xlarge': { to: 'Standard_D8s_v5', note: 'compute-optimised 16 GiB on AWS, general-purpose 32 GiB on Azure' },
    'g5.xlarge': { to: 'Standard_NC4as_T4_v3', note: 'one NVIDIA A10G (24 GB) on AWS, one T4 (16 GB) on Azure' },
    'g6.xlarge': { to: 'Standard_NC4as_T4_v3', note: 'one NVIDIA L4 (24 GB) on AWS, one T4 (16 GB) on Azure' },
    'g5.2xlarge': { to: 'Standard_NC8as_T4_v3', note: 'one A10G on AWS, one T4 on Azure' },
    'g6.2xlarge': { to: 'Standard_NC8as_T4_v3', note: 'one L4 on AWS, one T4 on Azure' },
    'g6e.2xlarge': { to: 'Standard_NC8as_T4_v3', note: 'one L40S (48 GB) on AWS, one T4 on Azure' },
    'ml.g5.xlarge': { to: 'Standard_NC4as_T4_v3', note: 'SageMaker training on A10G; Azure ML compute on T4' },
  },
  azure: {
    Standard_D4s_v5: { to: 'm6i.xlarge' },
    Standard_D8s_v5: { to: 'm6i.2xlarge' },
    Standard_NC4as_T4_v3: { to: 'g4dn.xlarge', note: 'the same GPU (one T4); 16 GiB of memory on AWS, 28 GiB on Azure' },
    Standard_NC8as_T4_v3: { to: 'g4dn.2xlarge', note: 'the same GPU (one T4)' },
    Standard_NC24ads_A100_v4: { to: 'g6e.4xlarge', note: 'AWS has no one-A100 size: one L40S (48 GB), 16 vCPUs, for one A100 (80 GB), 24 vCPUs' },
  },
};

/** Regions where the model has no environment of the other cloud to take one from: the nearest of the other cloud. */
export const REGION_EQUIVALENTS: Readonly<Record<Cloud, Readonly<Record<string, string>>>> = {
  aws: {
    'us-east-1': 'eastus',
    'us-east-2': 'eastus2',
    'us-west-2': 'westus2',
    'eu-west-1': 'northeurope',
    'eu-west-2': 'uksouth',
    'eu-west-3': 'francecentral',
    'eu-central-1': 'germanywestcentral',
    'eu-north-1': 'swedencentral',
  },
  azure: {
    eastus: 'us-east-1',
    eastus2: 'us-east-2',
    westus2: 'us-west-2',
    northeurope: 'eu-west-1',
    westeurope: 'eu-west-1',
    uksouth: 'eu-west-2',
    francecentral: 'eu-west-3',
    germanywestcentral: 'eu-central-1',
    swedencentral: 'eu-north-1',
  },
};

/**
 * What the translation leaves to the other cloud's defaults, and why: each cloud's default is the counterpart the
 * platform was designed with (both are in src/model/workloads).
 */
export const SERVICE_EQUIVALENTS: readonly string[] = [
  'LLM: Bedrock Claude Sonnet and Titan embeddings ↔ Azure OpenAI gpt-5 and text-embedding-3-small (each cloud’s default models)',
  'MLflow database: RDS db.t4g.medium / db.r6g.large ↔ Flexible Server B_Standard_B1ms / GP_Standard_D2ds_v5 (each stage’s default)',
  'queue: SQS (FIFO where set) ↔ Queue Storage (no FIFO mode); table: DynamoDB on demand ↔ Table Storage',
  'object storage: S3 ↔ Blob Storage / ADLS Gen2; ETL: Glue crawler ↔ Data Factory; lakehouse catalog: Glue ↔ Purview (prod)',
  'burst training: SageMaker (the jobs the model names) ↔ Azure ML compute (no jobs from the model), on the equivalent size; SageMaker’s managed Spot is per job, so Azure’s low priority is priced on demand on AWS when no SageMaker job is named',
  'AWS-only settings (Karpenter, EKS add-ons, AMI release, upgrade policy) and waivers are left out',
];
