/**
 * Whether each cluster's Kubernetes version is in standard support on a given day. The day is an argument:
 * the commands pass today's date (or PLATFORM_SYNTH_TODAY) and only print what this returns, so the output
 * never depends on when it was synthesized; the same model gives the same bytes on any machine and day.
 */
import { ownEntry } from './lookup';
import { KUBERNETES_VERSIONS, offeredVersions } from './catalog';
import type { Platform } from './types';

/** A version that ends standard support within this many days is announced before it does. */
export const SUPPORT_NOTICE_DAYS = 60;

export interface SupportNote {
  readonly path: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/** A calendar date `YYYY-MM-DD` or month `YYYY-MM` has come on `today` (`YYYY-MM-DD`): a month counts from its first day. */
export function hasCome(date: string, today: string): boolean {
  return today.slice(0, date.length) >= date;
}

function daysBetween(from: string, to: string): number {
  const day = (d: string) => Date.parse(`${d.length === 7 ? `${d}-01` : d}T00:00:00Z`);
  return Math.round((day(to) - day(from)) / 86_400_000);
}

/** Today's date as the support check reads it: PLATFORM_SYNTH_TODAY (to reproduce a run), else the UTC date. */
export function supportCheckDate(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): string {
  const forced = env.PLATFORM_SYNTH_TODAY;
  if (forced !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(forced)) return forced;
  return now.toISOString().slice(0, 10);
}

/**
 * Versions out of standard support (or about to be) on `today`. An error only where applying would change the
 * cluster without review: an EKS cluster with upgrade policy STANDARD past its end of standard support is
 * upgraded by EKS itself. Everything else warns: a cluster steps up one minor at a time and may pass through
 * a version that is already out of standard support.
 */
export function checkVersionSupport(platform: Platform, today: string): SupportNote[] {
  const notes: SupportNote[] = [];
  platform.environments.forEach((env, i) => {
    const path = `environments[${i}].cluster.kubernetesVersion`;
    const version = env.cluster.kubernetesVersion;
    const release = ownEntry(KUBERNETES_VERSIONS[env.cloud], version);
    if (!release) return; // validate.ts refuses it
    const end = release.endOfStandardSupport;
    const minor = (v: string) => Number(v.split('.')[1]);
    const supported = offeredVersions(env.cloud).filter(
      (v) => minor(v) > minor(version) && !hasCome(KUBERNETES_VERSIONS[env.cloud][v].endOfStandardSupport, today),
    );
    const upgradeTo = supported.length > 0 ? `; move to ${supported[0]} (one minor at a time)` : '';
    if (hasCome(end, today)) {
      if (env.cloud === 'aws' && env.cluster.upgradePolicy === 'STANDARD')
        notes.push({
          path,
          severity: 'error',
          message:
            `${version} left EKS standard support on ${end}: with upgradePolicy STANDARD, EKS upgrades the control plane itself${upgradeTo}, ` +
            `or set cluster.upgradePolicy "EXTENDED" to stay on it for a while ($0.60 instead of $0.10 per cluster hour)`,
        });
      else
        notes.push({
          path,
          severity: 'warning',
          message:
            env.cloud === 'aws'
              ? `${version} left EKS standard support on ${end}: the cluster runs on extended support ($0.60 instead of $0.10 per cluster hour)${upgradeTo}`
              : `${version} left AKS community support in ${end}: only platform support remains${upgradeTo}`,
        });
    } else if (daysBetween(today, end) <= SUPPORT_NOTICE_DAYS) {
      notes.push({
        path,
        severity: 'warning',
        message:
          `${version} ends standard support on ${end}` +
          (env.cloud === 'aws' && env.cluster.upgradePolicy === 'STANDARD' ? ' (then EKS upgrades the control plane itself)' : '') +
          `: plan the upgrade${upgradeTo}`,
      });
    }
  });
  return notes;
}
