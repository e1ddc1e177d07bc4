/** What a user may write under `workloads.mlops`; checked against MlopsSpec at compile time. */
import { bool, int, list, map, obj, oneOf, opt, req, str, strings } from '../../shape';
import type { MlopsSpec } from './spec';

export const MLOPS_SHAPE = obj<MlopsSpec>({
  enabled: req(bool),
  mlflow: opt(obj({ image: req(str), cpu: opt(str), memory: opt(str), replicas: opt(int), metrics: opt(bool) })),
  database: opt(obj({ instanceClass: opt(str), sku: opt(str), storageGb: opt(int), version: opt(str) })),
  training: opt(
    list(
      obj({
        name: req(str),
        image: req(str),
        runOn: opt(oneOf({ cluster: true, sagemaker: true })),
        pool: opt(str),
        gpus: opt(int),
        schedule: opt(str),
        command: opt(strings),
        activeDeadlineSeconds: opt(int),
        backoffLimit: opt(int),
        checkpointSize: opt(str),
        sagemaker: opt(
          obj({
            instanceType: opt(str),
            instanceCount: opt(int),
            volumeSizeGb: opt(int),
            capacity: opt(oneOf({ spot: true, 'on-demand': true })),
            maxWaitSeconds: opt(int),
            hyperParameters: opt(map(str)),
            run: opt(int),
          }),
        ),
      }),
    ),
  ),
  models: opt(
    list(
      obj({
        name: req(str),
        framework: req(oneOf({ sklearn: true, xgboost: true, lightgbm: true, pytorch: true, tensorflow: true, onnx: true })),
        path: req(str),
        canaryPercent: opt(int),
        minReplicas: opt(int),
        maxReplicas: opt(int),
        cpu: opt(str),
        memory: opt(str),
        abTest: opt(obj({ challengerPath: req(str), challengerPercent: req(int) })),
      }),
    ),
  ),
  servingDomain: opt(str),
  burst: opt(obj({ enabled: req(bool), instanceType: opt(str), vmSize: opt(str), maxNodes: opt(int), lowPriority: opt(bool), networkIsolation: opt(bool) })),
});
