/**
 * A construct class for a custom resource written against a small hand-typed spec (the giant CRDs are not
 * generated: DESIGN.md). Every such resource is built the same way: apiVersion, kind, metadata, spec.
 */
import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';

export interface TypedResourceProps<Spec> {
  readonly metadata: ApiObjectMetadata;
  readonly spec: Spec;
}

export function typedResource<Spec>(apiVersion: string, kind: string) {
  return class extends ApiObject {
    /** The kind this class writes, for code that must name it elsewhere (RBAC rules, metrics on it). */
    static readonly gvk = { apiVersion, kind } as const;

    constructor(scope: Construct, id: string, props: TypedResourceProps<Spec>) {
      super(scope, id, { apiVersion, kind, metadata: props.metadata, spec: props.spec });
    }
  };
}
