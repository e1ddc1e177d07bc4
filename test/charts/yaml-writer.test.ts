import { stringify } from 'yaml';
import { toYaml } from '../../charts/lib/render';

// toYaml writes plain maps and lists itself; every result must be what the yaml package writes.
const OPTIONS = { version: '1.1', lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false } as const;

const SCALARS: unknown[] = [
  ...[
    '',
    ' a',
    'a ',
    'yes',
    'No',
    'ON',
    'off',
    'y',
    'Y',
    'n',
    '~',
    'null',
    'Null',
    'true',
    'False',
    '0',
    '012',
    '0x1F',
    '0b11',
    '1e3',
    '1_000',
    '1:20',
    '190:20:30',
  ],
  ...['2001-12-14', '.inf', '-.5', '.NaN', '- a', 'a: b', 'a #b', '#a', '@a', '`a', '%a', '&a', '*a', '!a', '|a', '>a', "'a'", '"a"', 'a"b', "a'b"],
  ...[
    'a\tb',
    'é',
    '\u0001',
    '[a]',
    '{a}',
    'a,b',
    '?a',
    '? a',
    'a:',
    ':a',
    '---',
    '...',
    '<<',
    '=',
    'x\ny',
    'x\n',
    ' x\ny',
    'app.kubernetes.io/name',
    '10.0.0.0/16',
    '100m',
  ],
  // Multi-line strings (block scalars at every depth), and single-line ones the writer spells without the package.
  ...['a\n\nb', 'a\nb\n', 'a\nb\n\n', '\na', '\n\na\n', 'a\n  b\n c', '  a\nb', ' \na', 'a \nb', 'a\n \nb', 'a\n#b', 'a\n---\nb', '---\na', 'a\n...', 'a\t\nb'],
  ...['arn:aws:iam::123:role/x', 'https://a.b/c?d', 'a:b', 'a::', 'a=b+c', 'a@b', 'Yes.', 'On:off', 'nULL', 'img.io/a/b:1.0', 'a-', 'a.', 'a/'],
  ...[0, -0, 1, -1, 1.5, 1e21, 2 ** 60, Number.NaN, Infinity, true, false, null],
];

describe('the YAML writer', () => {
  it.each(SCALARS.map((s) => [JSON.stringify(s) ?? String(s), s]))('writes %s as the yaml package does as a key, a value and a list item', (_, s) => {
    for (const doc of [{ k: s }, { k: [s] }, { k: { v: s } }, { k: [[s]] }, { k: [{ v: s, w: [s] }] }, { [String(s)]: 1 }])
      expect(toYaml(doc)).toBe(stringify(doc, OPTIONS));
  });

  it('writes nesting and empty collections as the yaml package does', () => {
    for (const doc of [
      { a: [], b: {}, c: [[]], d: [{}], e: [[1, 2], [3]], f: [{ a: 1, b: [1, { c: 'd' }] }], g: { h: { i: [{ j: { k: 'l' } }] } } },
      {},
      { u: undefined, v: 1 },
    ])
      expect(toYaml(doc)).toBe(stringify(doc, OPTIONS));
  });
});
