import { EXIT_BAD_INPUT, loadModelOrExit } from '../../src/cli/toolkit';
import { EKS_ADDON_VERSIONS, KUBERNETES_VERSIONS } from '../../src/model/catalog';
import { findProblems, loadPlatform } from '../../src/model/load';
import { checkVersionSupport, hasCome, supportCheckDate } from '../../src/model/support';
import type { PlatformSpec } from '../../src/model/types';
import { defaultPlatform } from '../../src/platform';

type Spec = any;
const AWS_DEV = 0,
  AZ_DEV = 2;

function spec(mutate: (s: Spec) => void = () => {}): Spec {
  const s: Spec = structuredClone(defaultPlatform);
  mutate(s);
  return s;
}
/** aws-dev (its system pool fixed, so any minor needs no Cluster Autoscaler chart) and azure-dev on `version`. */
const onVersion = (aws: string, azure = aws, extra: (s: Spec) => void = () => {}) =>
  spec((s) => {
    s.environments[AWS_DEV].cluster.kubernetesVersion = aws;
    s.environments[AWS_DEV].cluster.systemPool = { ...s.environments[AWS_DEV].cluster.systemPool, min: 3, max: 3 };
    s.environments[AZ_DEV].cluster.kubernetesVersion = azure;
    extra(s);
  });
const notes = (s: PlatformSpec, today: string) => checkVersionSupport(loadPlatform(s), today);

describe('version catalog', () => {
  it('every offered EKS minor has add-on pins and a release and end-of-standard-support date', () => {
    for (const [cloud, versions] of Object.entries(KUBERNETES_VERSIONS))
      for (const [v, r] of Object.entries(versions)) {
        expect(r.released < r.endOfStandardSupport).toBe(true);
        if (cloud === 'aws') expect(EKS_ADDON_VERSIONS[v]).toBeDefined();
      }
  });

  it('the default model runs a version in standard support on both clouds on 2026-12-02', () => {
    expect(notes(defaultPlatform, '2026-12-02')).toEqual([]);
    for (const env of loadPlatform(defaultPlatform).environments)
      expect(hasCome(KUBERNETES_VERSIONS[env.cloud][env.cluster.kubernetesVersion].endOfStandardSupport, '2026-12-02')).toBe(false);
  });

  it('reads a month as from its first day', () => {
    expect(hasCome('2026-11', '2026-11-01')).toBe(true);
    expect(hasCome('2026-11', '2026-10-31')).toBe(false);
    expect(hasCome('2026-12-02', '2026-12-02')).toBe(true);
    expect(hasCome('2026-12-02', '2026-12-01')).toBe(false);
  });

  it('takes today from PLATFORM_SYNTH_TODAY when set, else the UTC date', () => {
    expect(supportCheckDate({ PLATFORM_SYNTH_TODAY: '2027-01-15' }, new Date('2026-12-02T23:00:00Z'))).toBe('2027-01-15');
    expect(supportCheckDate({}, new Date('2026-12-02T23:00:00Z'))).toBe('2026-12-02');
  });
});

describe('standard support on the day of the check', () => {
  it('refuses an EKS cluster with upgrade policy STANDARD past its end of standard support (EKS would upgrade it itself)', () => {
    expect(notes(onVersion('1.34', '1.35'), '2026-12-02')).toEqual([
      {
        path: 'environments[0].cluster.kubernetesVersion',
        severity: 'error',
        message: expect.stringMatching(/^1\.34 left EKS standard support on 2026-12-02: with upgradePolicy STANDARD.*move to 1\.35/),
      },
    ]);
  });

  it('warns, with the price, where the model chose EXTENDED', () => {
    const s = onVersion('1.33', '1.35', (x) => (x.environments[AWS_DEV].cluster.upgradePolicy = 'EXTENDED'));
    expect(notes(s, '2026-12-02')).toEqual([
      { path: 'environments[0].cluster.kubernetesVersion', severity: 'warning', message: expect.stringMatching(/2026-07-29.*\$0\.60 instead of \$0\.10/) },
    ]);
  });

  it('warns about an AKS version past its end of life, from the first day of the month', () => {
    expect(notes(onVersion('1.35', '1.34'), '2026-11-01')).toEqual([
      {
        path: 'environments[2].cluster.kubernetesVersion',
        severity: 'warning',
        message: expect.stringMatching(/^1\.34 left AKS community support in 2026-11.*move to 1\.35/),
      },
    ]);
    expect(notes(onVersion('1.35', '1.34'), '2026-10-31')).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/^1\.34 ends standard support on 2026-11/) }),
    ]);
  });

  it(`announces the end ${60} days ahead, and not before`, () => {
    // Azure on 1.36 (until 2027-06): only the EKS clusters' 1.35 (until 2027-03-27) is due.
    const s = spec((x) => x.environments.filter((e: Spec) => e.cloud === 'azure').forEach((e: Spec) => (e.cluster.kubernetesVersion = '1.36')));
    expect(notes(s, '2027-01-25')).toEqual([]);
    const soon = notes(s, '2027-01-26');
    expect(soon.map((n) => [n.path, n.severity])).toEqual([
      ['environments[0].cluster.kubernetesVersion', 'warning'],
      ['environments[1].cluster.kubernetesVersion', 'warning'],
    ]);
    expect(soon[0].message).toMatch(/^1\.35 ends standard support on 2027-03-27 \(then EKS upgrades the control plane itself\)/);
  });
});

describe('model rules for versions and node images', () => {
  const problems = (mutate: (s: Spec) => void) => findProblems(spec(mutate));

  it('refuses a minor the catalog does not offer, e.g. one past extended support', () => {
    expect(problems((s) => (s.environments[AWS_DEV].cluster.kubernetesVersion = '1.32'))).toContainEqual({
      path: 'environments[0].cluster.kubernetesVersion',
      message: '"1.32" is not a supported EKS version (1.33, 1.34, 1.35)',
    });
  });

  it('refuses an AMI release the catalog lacks, or one without a release_version for the minor', () => {
    expect(problems((s) => (s.environments[AWS_DEV].cluster.amiRelease = 'v20990101'))).toEqual([
      { path: 'environments[0].cluster.amiRelease', message: expect.stringMatching(/^"v20990101" is not an AMI release of the catalog/) },
    ]);
  });

  it('refuses a Karpenter AL2023 alias on another release than the node groups', () => {
    expect(problems((s) => (s.environments[AWS_DEV].cluster.karpenter = { amiAlias: 'al2023@v20250807' }))).toEqual([
      { path: 'environments[0].cluster.karpenter.amiAlias', message: expect.stringMatching(/another AL2023 release than the node groups \(v20260714\)/) },
    ]);
    expect(problems((s) => (s.environments[AWS_DEV].cluster.karpenter = { amiAlias: 'al2023@v20260714' }))).toEqual([]);
    expect(problems((s) => (s.environments[AWS_DEV].cluster.karpenter = { amiAlias: 'bottlerocket@v1.50.0' }))).toEqual([]);
  });

  it('refuses the EKS-only settings on Azure', () => {
    expect(
      problems((s) => {
        s.environments[AZ_DEV].cluster.upgradePolicy = 'EXTENDED';
        s.environments[AZ_DEV].cluster.amiRelease = 'v20260714';
      }).map((p) => p.path),
    ).toEqual(['environments[2].cluster.upgradePolicy', 'environments[2].cluster.amiRelease']);
  });

  it('checks the upgrade policy value', () => {
    expect(problems((s) => (s.environments[AWS_DEV].cluster.upgradePolicy = 'NEVER')).map((p) => p.path)).toEqual(['environments[0].cluster.upgradePolicy']);
  });
});

describe('the commands print the support check and never let it change the output', () => {
  const run = (today: string) => {
    const err: string[] = [];
    const saved = process.env.PLATFORM_SYNTH_TODAY;
    process.env.PLATFORM_SYNTH_TODAY = today;
    try {
      const result = loadModelOrExit(undefined, { out: () => {}, err: (line: string) => err.push(line) });
      return { result, err };
    } finally {
      if (saved === undefined) delete process.env.PLATFORM_SYNTH_TODAY;
      else process.env.PLATFORM_SYNTH_TODAY = saved;
    }
  };

  it('warns on stderr and loads the same model', () => {
    const { result, err } = run('2027-02-01');
    expect(typeof result).toBe('object');
    expect(err.filter((l) => l.startsWith('warning: environments[0].cluster.kubernetesVersion: 1.35 ends standard support on 2027-03-27'))).toHaveLength(1);
  });

  it('refuses with exit code 2 once EKS would upgrade a STANDARD cluster itself', () => {
    const { result, err } = run('2027-03-27');
    expect(result).toBe(EXIT_BAD_INPUT);
    expect(err.join('\n')).toMatch(/environments\[1\]\.cluster\.kubernetesVersion: 1\.35 left EKS standard support on 2027-03-27/);
  });
});
