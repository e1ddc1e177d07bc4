/** The pinned operator charts exist as their repositories publish them: ../shared/charts holds each release by `<chart>-<version>`. */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { chartVersions, OPERATORS, type OperatorName } from '../../src/model/operators';

/** Each operator with each chart version it pins (one per Kubernetes minor for Cluster Autoscaler). */
const PINNED = (Object.keys(OPERATORS) as OperatorName[]).flatMap((name) => chartVersions(OPERATORS[name]).map((version) => [name, version] as const));

const CHARTS = path.resolve(__dirname, '../../../shared/charts');

(fs.existsSync(CHARTS) ? describe : describe.skip)('pinned operator charts', () => {
  test.each(PINNED)('%s %s: the pinned chart and version are a published release', (name, version) => {
    const { chart } = OPERATORS[name];
    const file = path.join(CHARTS, `${chart}-${version}`, 'Chart.yaml');
    expect({ name, vendored: fs.existsSync(file) }).toEqual({ name, vendored: true });
    const meta = parse(fs.readFileSync(file, 'utf8'));
    expect(meta.name).toBe(chart);
    // Chart.yaml drops the leading v some repositories' indexes carry (knative-operator v1.21.1 is 1.21.1 inside).
    expect(String(meta.version).replace(/^v/, '')).toBe(version.replace(/^v/, ''));
  });

  /** ../shared/charts/SOURCES.md's first table: folder → the repository the release was published to. */
  const published = new Map(
    fs
      .readFileSync(path.join(CHARTS, 'SOURCES.md'), 'utf8')
      .split('\n')
      .map((line) => line.split('|').map((c) => c.trim()))
      .filter((cells) => cells.length > 3 && /^(https|oci):\/\//.test(cells[2]))
      .map((cells) => [cells[1], cells[2]] as const),
  );

  test.each(PINNED)('%s %s: the pinned repository is the one the release was published to', (name, version) => {
    const { chart, repository, oci } = OPERATORS[name];
    const url = oci ? `oci://${repository}/${chart}` : repository;
    expect({ name, url }).toEqual({ name, url: published.get(`${chart}-${version}`) });
  });
});
