/**
 * The Spark identity (charts/lib/identity.ts explains both mechanisms): AWS role
 * `<prefix>-lakehouse-spark` through IRSA (LAKEHOUSE_AWS_IDENTITY: S3A's web-identity provider);
 * Azure identity with the `lakehouse` stack's `lakehouse_spark_client_id`, which ABFS's OAuth
 * settings name too.
 */
import { LAKEHOUSE_AWS_IDENTITY, LAKEHOUSE_OUTPUTS, LAKEHOUSE_STACK } from '../../src/model/naming';
import type { IdentitySource } from '../lib/identity';

export const SPARK_IDENTITY: IdentitySource<'lakehouse'> = {
  aws: (ctx) => ({ roleName: ctx.names.lakehouse.aws.sparkRoleName, mechanism: LAKEHOUSE_AWS_IDENTITY }),
  azure: () => ({ stack: LAKEHOUSE_STACK, output: LAKEHOUSE_OUTPUTS.sparkClientId }),
};
