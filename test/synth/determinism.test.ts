import { withoutBudgetStart } from '../stacks/helpers';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO, RUN_TS, synthOnce, tempDir, treeDigest } from './helpers';

describe('determinism', () => {
  const firstDir = synthOnce('det-a');

  it('gives byte-identical output from another process, working directory and time zone', () => {
    const second = path.join(tempDir('det-b'), 'out');
    const result = spawnSync(process.execPath, [...RUN_TS, path.join(REPO, 'src/cli.ts'), '--out', second, '--quiet'], {
      cwd: os.tmpdir(),
      env: { ...process.env, TZ: 'Pacific/Kiritimati', LANG: 'de_DE.UTF-8', NODE_OPTIONS: '' },
      encoding: 'utf8',
    });
    // Only the model's legacy-model warnings (src/model/ai-models.ts), nothing else.
    expect(result.stderr.split('\n').filter((l) => l && !/^warning: environments\[\d+\]\.workloads\.rag\./.test(l))).toEqual([]);
    expect(result.status).toBe(0);
    expect(treeDigest(second)).toEqual(treeDigest(firstDir()));
  });

  it('contains no absolute paths, host names, timestamps or tool versions that churn', () => {
    // The temp directories this test synthesized into, not any "/tmp" (a pod may mount one).
    const forbidden = [REPO, path.join(os.tmpdir(), 'platform-synth-'), os.hostname(), os.homedir()].filter((s) => s.length > 3);
    for (const rel of Object.keys(treeDigest(firstDir()))) {
      const text = fs.readFileSync(path.join(firstDir(), rel), 'utf8');
      for (const s of forbidden) expect({ rel, found: text.includes(s) ? s : undefined }).toEqual({ rel, found: undefined });
      expect({ rel, timestamp: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(withoutBudgetStart(text)) }).toEqual({ rel, timestamp: false });
      expect({ rel, cdktfMeta: /"\/\/"|cdktf_version|"version": "0\.21/.test(text) }).toEqual({ rel, cdktfMeta: false });
    }
  });

  it('uses logical IDs and object names chosen by the model, never construct hashes', () => {
    for (const rel of Object.keys(treeDigest(firstDir()))) {
      const text = fs.readFileSync(path.join(firstDir(), rel), 'utf8');
      if (rel.endsWith('.json')) {
        const json = JSON.parse(text);
        for (const block of ['resource', 'data']) {
          for (const byName of Object.values<Record<string, unknown>>(json[block] ?? {})) {
            for (const id of Object.keys(byName)) expect({ rel, id, hashed: /_[0-9A-F]{8}$/.test(id) }).toEqual({ rel, id, hashed: false });
          }
        }
      } else {
        // One-off Jobs named by their spec hash (specHash, 8 hex digits) are the model's choice; cdk8s hashes are `-c` + 7.
        const names = text.split('\n').filter((l) => !/name: (edw-producer|mlflow-db-user)-[0-9a-f]{8}$/.test(l.trim()));
        expect({ rel, hashed: /name: .*-c[0-9a-f]{7}$/m.test(names.join('\n')) }).toEqual({ rel, hashed: false });
      }
    }
  });
});
