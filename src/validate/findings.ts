/** What every validator (schemas, policy pack, secret scan) reports. */
export type Severity = 'error' | 'warning';

export interface Finding {
  /** Path relative to the directory being validated, e.g. `aws-dev/kubernetes/edw/deployment-consumer.yaml`. */
  readonly file: string;
  /** The object: `Deployment edw/consumer`, `aws_s3_bucket.documents`, `provider aws`, `terraform`. */
  readonly resource: string;
  /** Rule id, e.g. `k8s-schema`, `tf-schema`, `s3-public-access-blocked`. */
  readonly rule: string;
  readonly severity: Severity;
  /** What is wrong, naming the field where there is one (e.g. `spec.template.spec.containers[0].image: …`). */
  readonly message: string;
}

/** Stable order for reports and tests: file, resource, rule, message. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const key = (f: Finding) => [f.file, f.resource, f.rule, f.message].join('\u0000');
  return [...findings].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
