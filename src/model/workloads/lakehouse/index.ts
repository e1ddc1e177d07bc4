/** The lakehouse: Spark operator jobs over bronze/silver/gold in object storage and the cloud's catalog. */
import type { Workload } from '../workload';
import { lakehouseFlows, lakehouseScrapes } from './flows';
import { lakehouseNames } from './names';
import { resolveLakehouse } from './resolve';
import { validateLakehouse, checkLakehouseCatalogs } from './rules';
import { LAKEHOUSE_SHAPE } from './shape';

export const LAKEHOUSE: Workload<'lakehouse'> = {
  shape: LAKEHOUSE_SHAPE,
  validate: validateLakehouse,
  validateAcross: checkLakehouseCatalogs,
  resolve: resolveLakehouse,
  podSecurity: { level: 'restricted' },
  names: lakehouseNames,
  // Iceberg's catalog is Glue: table commits stay inside the VPC.
  platformNeeds: () => ({ awsInterfaceEndpoints: ['glue'], postgres: false }),
  flows: lakehouseFlows,
  scrapes: lakehouseScrapes,
  // Its tables live in the object store; Spark spills to the node: no claims.
  volumes: () => [],
  operators: () => ['spark-operator'],
};
