/** What synth writes in each environment's output folder, dist/<env>/: what it recognizes as its own there. */

/** The folders: Terraform stacks, Kubernetes apps, GitOps objects. */
export const ENVIRONMENT_SUBDIRECTORIES = ['gitops', 'kubernetes', 'terraform'] as const;
/** The environment page (src/synth/environment-page.ts): GitHub shows a folder's README.md below its listing. */
export const ENVIRONMENT_PAGE = 'README.md';
/** The cost estimate (src/cost/estimate.ts), which `npm run diff` compares. */
export const COST_FILE = 'cost.json';
export const ENVIRONMENT_FILES = [ENVIRONMENT_PAGE, COST_FILE] as const;
