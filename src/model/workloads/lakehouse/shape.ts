/** What a user may write under `workloads.lakehouse`; checked against LakehouseSpec at compile time. */
import { bool, int, list, obj, oneOf, opt, req, str, strings } from '../../shape';
import type { LakehouseSpec, MedallionLayer, SparkPodSpec } from './spec';

const sparkPodShape = obj<SparkPodSpec>({ cores: opt(int), memory: opt(str) });
const layer = oneOf<MedallionLayer>({ bronze: true, silver: true, gold: true });

export const LAKEHOUSE_SHAPE = obj<LakehouseSpec>({
  enabled: req(bool),
  layers: opt(list(layer)),
  tableFormat: opt(oneOf({ iceberg: true, delta: true })),
  spark: opt(obj({ image: req(str), version: opt(str) })),
  jobs: opt(
    list(
      obj({
        name: req(str),
        mainApplicationFile: req(str),
        mainClass: opt(str),
        arguments: opt(strings),
        layer: opt(layer),
        schedule: opt(str),
        driver: opt(sparkPodShape),
        executor: opt(sparkPodShape),
        executors: opt(int),
        dynamicAllocation: opt(obj({ minExecutors: req(int), maxExecutors: req(int) })),
        retries: opt(int),
      }),
    ),
  ),
  retentionDays: opt(int),
  purview: opt(bool),
});
