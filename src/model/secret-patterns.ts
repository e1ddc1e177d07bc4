/**
 * What a credential looks like in text: read by the secret scan of the output (src/validate/secrets.ts) and by
 * the model's load, which refuses a secret in any string of the model before it is copied into many files.
 */
export interface SecretPattern {
  readonly rule: string;
  readonly what: string;
  readonly re: RegExp;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { rule: 'secret-aws-key', what: 'an AWS access key id', re: /\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/ },
  { rule: 'secret-aws-key', what: 'an AWS secret access key', re: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}\b/i },
  { rule: 'secret-azure-key', what: 'an Azure storage account key', re: /AccountKey=[A-Za-z0-9+/]{60,}={0,2}/ },
  { rule: 'secret-azure-key', what: 'an Azure connection string with a key', re: /(SharedAccessKey|SharedAccessSignature|sig)=[A-Za-z0-9%+/]{20,}/ },
  { rule: 'secret-azure-key', what: 'an Entra ID client secret', re: /\b[a-zA-Z0-9_~.-]{3}\dQ~[a-zA-Z0-9_~.-]{31,34}\b/ },
  { rule: 'secret-private-key', what: 'a private key', re: /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/ },
  { rule: 'secret-git-token', what: 'a GitHub token', re: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/ },
  { rule: 'secret-git-token', what: 'a GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/ },
  // user:password@ in a URL (a `$(VAR)` or `${…}` placeholder is a reference, not a password).
  { rule: 'secret-url-credentials', what: 'credentials in a URL (user:password@)', re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:"']+:(?!\$[({])[^\s/@"']+@/i },
];
