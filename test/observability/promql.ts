/**
 * A small PromQL parser and evaluator for the subset the platform's alert rules use, so the tests can run the rules
 * against sample series the way `promtool test rules` does. No evaluating PromQL library exists for Node, and
 * @prometheus-io/lezer-promql (the parser of Prometheus's UI) is not installed here, so both halves are written for
 * exactly this subset: vector selectors with label matchers (=, !=, =~, !~), range selectors, number literals,
 * + - * / and the comparison operators (filtering, no `bool`), and/or/unless (matched on all labels),
 * sum/max/min/avg/count [by (...)], rate/increase/delta (extrapolated as Prometheus does), max_over_time, time(),
 * histogram_quantile; for the dashboards also irate, clamp_min, label_replace, topk, and one-to-one or many-to-one
 * vector matching with on()/ignoring() and group_left/group_right. No offset, subqueries, `bool`.
 */

export type Labels = Record<string, string>;
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}
type Series = { labels: Labels; points: { t: number; v: number }[] };
type Value = { kind: 'scalar'; v: number } | { kind: 'vector'; samples: Sample[] } | { kind: 'matrix'; series: Series[]; range: number };

type Matcher = { name: string; op: '=' | '!=' | '=~' | '!~'; value: string };
type Node =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'sel'; name: string; matchers: Matcher[]; range?: number }
  | { t: 'call'; fn: string; args: Node[] }
  | { t: 'agg'; op: string; by: string[]; arg: Node; param?: Node }
  | { t: 'bin'; op: string; l: Node; r: Node; matching?: Matching }
  | { t: 'neg'; arg: Node };

/** `on (a, b)` / `ignoring (a)`, and which side may have many series per match (`group_left` copies `include` from the right). */
type Matching = { on: boolean; labels: string[]; group?: 'left' | 'right'; include: string[] };

const AGGREGATIONS = new Set(['sum', 'max', 'min', 'avg', 'count', 'topk']);
const PRECEDENCE: [string[], number][] = [
  [['or'], 1],
  [['and', 'unless'], 2],
  [['==', '!=', '<=', '>=', '<', '>'], 3],
  [['+', '-'], 4],
  [['*', '/', '%'], 5],
];
const precedenceOf = (op: string) => PRECEDENCE.find(([ops]) => ops.includes(op))?.[1];

/** Seconds of a PromQL duration such as `5m`, `1h30m`. */
export function duration(text: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  const re = /(\d+)(ms|s|m|h|d|w)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text))) {
    total += Number(m[1]) * units[m[2]];
    end = re.lastIndex;
  }
  if (end !== text.length || text.length === 0) throw new Error(`bad duration ${text}`);
  return total;
}

function tokenize(src: string): string[] {
  const re = /\s*(?:("(?:[^"\\]|\\.)*")|(\[[0-9a-z]+\])|(\d+(?:\.\d+)?(?:e[+-]?\d+)?)|([a-zA-Z_:][a-zA-Z0-9_:]*)|(==|!=|<=|>=|=~|!~|[-+*/%<>(){},=]))/y;
  const tokens: string[] = [];
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) throw new Error(`cannot tokenize at ${JSON.stringify(src.slice(i, i + 20))}`);
    tokens.push(m.slice(1).find((g) => g !== undefined)!);
    i = re.lastIndex;
  }
  return tokens;
}

const unquote = (s: string): string => JSON.parse(s) as string;

export function parse(src: string): Node {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const expect = (tok: string) => {
    if (tokens[pos] !== tok) throw new Error(`expected ${tok} at token ${pos} (${tokens[pos]}) in ${src}`);
    pos++;
  };
  const labelList = (): string[] => {
    expect('(');
    const names: string[] = [];
    while (peek() !== ')') {
      names.push(next());
      if (peek() === ',') next();
    }
    expect(')');
    return names;
  };
  const matchers = (): Matcher[] => {
    const out: Matcher[] = [];
    expect('{');
    while (peek() !== '}') {
      const name = next();
      const op = next() as Matcher['op'];
      out.push({ name, op, value: unquote(next()) });
      if (peek() === ',') next();
    }
    expect('}');
    return out;
  };
  const primary = (): Node => {
    const tok = next();
    if (tok === '(') {
      const e = expr(0);
      expect(')');
      return e;
    }
    if (tok === '-') return { t: 'neg', arg: primary() };
    if (/^\d/.test(tok)) return { t: 'num', v: Number(tok) };
    if (tok.startsWith('"')) return { t: 'str', v: unquote(tok) };
    if (AGGREGATIONS.has(tok)) {
      let by: string[] = [];
      if (peek() === 'by') {
        next();
        by = labelList();
      }
      expect('(');
      const param = tok === 'topk' ? expr(0) : undefined;
      if (param) expect(',');
      const arg = expr(0);
      expect(')');
      if (peek() === 'by') {
        next();
        by = labelList();
      }
      return param ? { t: 'agg', op: tok, by, arg, param } : { t: 'agg', op: tok, by, arg };
    }
    if (peek() === '(') {
      next();
      const args: Node[] = [];
      while (peek() !== ')') {
        args.push(expr(0));
        if (peek() === ',') next();
      }
      expect(')');
      return { t: 'call', fn: tok, args };
    }
    if (tok === '{') {
      pos--;
      return selector('');
    }
    return selector(tok);
  };
  const selector = (name: string): Node => {
    const ms = peek() === '{' ? matchers() : [];
    const node: Node = { t: 'sel', name, matchers: ms };
    if (peek()?.startsWith('[')) node.range = duration(next().slice(1, -1));
    return node;
  };
  const expr = (minPrec: number): Node => {
    let left = primary();
    for (;;) {
      const op = peek();
      const prec = op === undefined ? undefined : precedenceOf(op);
      if (prec === undefined || prec < minPrec) break;
      next();
      let matching: Matching | undefined;
      if (peek() === 'on' || peek() === 'ignoring') {
        const on = next() === 'on';
        matching = { on, labels: labelList(), include: [] };
        if (peek() === 'group_left' || peek() === 'group_right') {
          matching.group = next() === 'group_left' ? 'left' : 'right';
          if (peek() === '(') matching.include = labelList();
        }
      }
      const right = expr(prec + 1);
      left = matching ? { t: 'bin', op, l: left, r: right, matching } : { t: 'bin', op, l: left, r: right };
    }
    return left;
  };
  const tree = expr(0);
  if (pos !== tokens.length) throw new Error(`unexpected ${tokens[pos]} in ${src}`);
  return tree;
}

/** Sample series: every point a (time in seconds, value) pair. */
export type SeriesSet = readonly { readonly labels: Labels; readonly points: readonly { readonly t: number; readonly v: number }[] }[];

const LOOKBACK = 300;

const signature = (labels: Labels, only?: readonly string[]): string =>
  JSON.stringify(
    Object.entries(labels)
      .filter(([k]) => k !== '__name__' && (only === undefined || only.includes(k)))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
const withoutName = (labels: Labels): Labels => Object.fromEntries(Object.entries(labels).filter(([k]) => k !== '__name__'));

function matches(labels: Labels, m: Matcher): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test(v);
    case '!~':
      return !new RegExp(`^(?:${m.value})$`).test(v);
  }
}

function compare(op: string, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
  }
  throw new Error(`not a comparison: ${op}`);
}

function arithmetic(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
  }
  throw new Error(`not arithmetic: ${op}`);
}

/** Prometheus's extrapolatedRate (promql/functions.go), for rate, increase and delta. */
function extrapolated(s: Series, range: number, at: number, isCounter: boolean, isRate: boolean): number | undefined {
  const pts = s.points;
  if (pts.length < 2) return undefined;
  const rangeStart = at - range;
  const first = pts[0];
  const last = pts[pts.length - 1];
  let result = last.v - first.v;
  if (isCounter) {
    let prev = first.v;
    for (const p of pts.slice(1)) {
      if (p.v < prev) result += prev;
      prev = p.v;
    }
  }
  let durationToStart = first.t - rangeStart;
  const durationToEnd = at - last.t;
  const sampled = last.t - first.t;
  const average = sampled / (pts.length - 1);
  if (isCounter && result > 0 && first.v >= 0) {
    const durationToZero = sampled * (first.v / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = average * 1.1;
  let interval = sampled;
  interval += durationToStart < threshold ? durationToStart : average / 2;
  interval += durationToEnd < threshold ? durationToEnd : average / 2;
  let factor = interval / sampled;
  if (isRate) factor /= range;
  return result * factor;
}

/** Prometheus's bucketQuantile (promql/quantile.go) over cumulative buckets. */
function bucketQuantile(q: number, buckets: { le: number; count: number }[]): number {
  buckets.sort((a, b) => a.le - b.le);
  if (buckets.length < 2 || buckets[buckets.length - 1].le !== Infinity) return NaN;
  const total = buckets[buckets.length - 1].count;
  if (total === 0) return NaN;
  const rank = q * total;
  const b = buckets.findIndex((x) => x.count >= rank);
  if (b === buckets.length - 1) return buckets[buckets.length - 2].le;
  if (b === 0 && buckets[0].le <= 0) return buckets[0].le;
  let start = 0;
  const end = buckets[b].le;
  let count = buckets[b].count;
  let r = rank;
  if (b > 0) {
    start = buckets[b - 1].le;
    count -= buckets[b - 1].count;
    r -= buckets[b - 1].count;
  }
  return start + (end - start) * (r / count);
}

export function evaluate(src: string | Node, data: SeriesSet, at: number): Value {
  const node = typeof src === 'string' ? parse(src) : src;
  const ev = (n: Node): Value => evalNode(n, data, at);
  return ev(node);
}

function vectorOf(v: Value, what: string): Sample[] {
  if (v.kind !== 'vector') throw new Error(`${what}: expected an instant vector`);
  return v.samples;
}

function evalNode(n: Node, data: SeriesSet, at: number): Value {
  const ev = (x: Node) => evalNode(x, data, at);
  switch (n.t) {
    case 'num':
      return { kind: 'scalar', v: n.v };
    case 'str':
      throw new Error('string literal outside a function');
    case 'neg': {
      const v = ev(n.arg);
      if (v.kind === 'scalar') return { kind: 'scalar', v: -v.v };
      return { kind: 'vector', samples: vectorOf(v, '-').map((s) => ({ labels: withoutName(s.labels), value: -s.value })) };
    }
    case 'sel': {
      const all: Matcher[] = n.name ? [{ name: '__name__', op: '=', value: n.name }, ...n.matchers] : n.matchers;
      const chosen = data.filter((s) => all.every((m) => matches(s.labels, m)));
      if (n.range !== undefined) {
        const range = n.range;
        const series = chosen
          .map((s) => ({ labels: { ...s.labels }, points: s.points.filter((p) => p.t > at - range && p.t <= at) }))
          .filter((s) => s.points.length > 0);
        return { kind: 'matrix', series, range };
      }
      const samples: Sample[] = [];
      for (const s of chosen) {
        const p = [...s.points].reverse().find((x) => x.t <= at && x.t > at - LOOKBACK);
        if (p) samples.push({ labels: { ...s.labels }, value: p.v });
      }
      return { kind: 'vector', samples };
    }
    case 'call': {
      if (n.fn === 'time') return { kind: 'scalar', v: at };
      if (n.fn === 'histogram_quantile') {
        const q = ev(n.args[0]);
        if (q.kind !== 'scalar') throw new Error('histogram_quantile: quantile must be a scalar');
        const groups = new Map<string, { labels: Labels; buckets: { le: number; count: number }[] }>();
        for (const s of vectorOf(ev(n.args[1]), 'histogram_quantile')) {
          const labels = withoutName(s.labels);
          const le = labels.le;
          delete labels.le;
          const key = signature(labels);
          if (!groups.has(key)) groups.set(key, { labels, buckets: [] });
          groups.get(key)!.buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: s.value });
        }
        return { kind: 'vector', samples: [...groups.values()].map((g) => ({ labels: g.labels, value: bucketQuantile(q.v, g.buckets) })) };
      }
      if (n.fn === 'clamp_min') {
        const min = ev(n.args[1]);
        if (min.kind !== 'scalar') throw new Error('clamp_min: the minimum must be a scalar');
        return { kind: 'vector', samples: vectorOf(ev(n.args[0]), n.fn).map((s) => ({ labels: withoutName(s.labels), value: Math.max(s.value, min.v) })) };
      }
      if (n.fn === 'label_replace') {
        const [dst, replacement, src, regex] = n.args.slice(1).map((a) => {
          if (a.t !== 'str') throw new Error('label_replace: expected string arguments');
          return a.v;
        });
        const re = new RegExp(`^(?:${regex})$`);
        return {
          kind: 'vector',
          samples: vectorOf(ev(n.args[0]), n.fn).map((s) => {
            const m = re.exec(s.labels[src] ?? '');
            if (!m) return s;
            const value = replacement.replace(/\$(\d+)/g, (_, i: string) => m[Number(i)] ?? '');
            const labels = { ...s.labels };
            if (value === '') delete labels[dst];
            else labels[dst] = value;
            return { labels, value: s.value };
          }),
        };
      }
      const arg = ev(n.args[0]);
      if (arg.kind !== 'matrix') throw new Error(`${n.fn}: expected a range vector`);
      const fns: Record<string, (s: Series) => number | undefined> = {
        rate: (s) => extrapolated(s, arg.range, at, true, true),
        increase: (s) => extrapolated(s, arg.range, at, true, false),
        delta: (s) => extrapolated(s, arg.range, at, false, false),
        max_over_time: (s) => Math.max(...s.points.map((p) => p.v)),
        // The last two samples, per second (a reset counts from zero).
        irate: (s) => {
          if (s.points.length < 2) return undefined;
          const [a, b] = s.points.slice(-2);
          return (b.v < a.v ? b.v : b.v - a.v) / (b.t - a.t);
        },
      };
      const fn = fns[n.fn];
      if (!fn) throw new Error(`function ${n.fn} is not in the subset`);
      const samples: Sample[] = [];
      for (const s of arg.series) {
        const value = fn(s);
        if (value !== undefined) samples.push({ labels: withoutName(s.labels), value });
      }
      return { kind: 'vector', samples };
    }
    case 'agg': {
      if (n.op === 'topk') {
        const k = n.param ? ev(n.param) : undefined;
        if (k?.kind !== 'scalar') throw new Error('topk: k must be a scalar');
        const byGroup = new Map<string, Sample[]>();
        for (const s of vectorOf(ev(n.arg), n.op)) {
          const key = signature(s.labels, n.by);
          byGroup.set(key, [...(byGroup.get(key) ?? []), s]);
        }
        return { kind: 'vector', samples: [...byGroup.values()].flatMap((g) => [...g].sort((a, b) => b.value - a.value).slice(0, k.v)) };
      }
      const groups = new Map<string, { labels: Labels; values: number[] }>();
      for (const s of vectorOf(ev(n.arg), n.op)) {
        const labels = Object.fromEntries(n.by.filter((k) => s.labels[k] !== undefined && s.labels[k] !== '').map((k) => [k, s.labels[k]]));
        const key = signature(labels);
        if (!groups.has(key)) groups.set(key, { labels, values: [] });
        groups.get(key)!.values.push(s.value);
      }
      const reduce: Record<string, (v: number[]) => number> = {
        sum: (v) => v.reduce((a, b) => a + b, 0),
        max: (v) => Math.max(...v),
        min: (v) => Math.min(...v),
        avg: (v) => v.reduce((a, b) => a + b, 0) / v.length,
        count: (v) => v.length,
      };
      return { kind: 'vector', samples: [...groups.values()].map((g) => ({ labels: g.labels, value: reduce[n.op](g.values) })) };
    }
    case 'bin':
      return binary(n.op, ev(n.l), ev(n.r), n.matching);
  }
}

/** The labels two series are matched on: all but the name, only `on`'s, or all but `ignoring`'s. */
function matchKey(labels: Labels, matching?: Matching): string {
  if (!matching) return signature(labels);
  if (matching.on) return signature(labels, matching.labels);
  return signature(Object.fromEntries(Object.entries(labels).filter(([k]) => !matching.labels.includes(k))));
}

function binary(op: string, l: Value, r: Value, matching?: Matching): Value {
  const isComparison = precedenceOf(op) === 3;
  const key = (s: Sample) => matchKey(s.labels, matching);
  if (op === 'and' || op === 'or' || op === 'unless') {
    const left = vectorOf(l, op);
    const right = vectorOf(r, op);
    const rightKeys = new Set(right.map(key));
    if (op === 'and') return { kind: 'vector', samples: left.filter((s) => rightKeys.has(key(s))) };
    if (op === 'unless') return { kind: 'vector', samples: left.filter((s) => !rightKeys.has(key(s))) };
    const leftKeys = new Set(left.map(key));
    return { kind: 'vector', samples: [...left, ...right.filter((s) => !leftKeys.has(key(s)))] };
  }
  if (l.kind === 'scalar' && r.kind === 'scalar') {
    if (isComparison) throw new Error('comparison between scalars needs bool, which the subset leaves out');
    return { kind: 'scalar', v: arithmetic(op, l.v, r.v) };
  }
  if (l.kind === 'matrix' || r.kind === 'matrix') throw new Error(`${op}: range vector operand`);
  const apply = (s: Sample, a: number, b: number): Sample | undefined =>
    isComparison ? (compare(op, a, b) ? s : undefined) : { labels: withoutName(s.labels), value: arithmetic(op, a, b) };
  const keep = (x: Sample | undefined): x is Sample => x !== undefined;
  if (r.kind === 'scalar')
    return {
      kind: 'vector',
      samples: vectorOf(l, op)
        .map((s) => apply(s, s.value, r.v))
        .filter(keep),
    };
  if (l.kind === 'scalar') {
    return {
      kind: 'vector',
      samples: vectorOf(r, op)
        .map((s) => (isComparison ? (compare(op, l.v, s.value) ? s : undefined) : apply(s, l.v, s.value)))
        .filter(keep),
    };
  }
  if (matching?.group) {
    // Many-to-one: each series of the "many" side takes its value pair from the one series of the other side that
    // matches it, keeps its own labels (the result's labels, as Prometheus does) and copies `include` from the "one" side.
    const [many, one] = matching.group === 'left' ? [l.samples, r.samples] : [r.samples, l.samples];
    const ones = new Map<string, Sample>();
    for (const s of one) {
      if (ones.has(key(s))) throw new Error(`${op}: many-to-many matching on the "one" side`);
      ones.set(key(s), s);
    }
    return {
      kind: 'vector',
      samples: many
        .map((s) => {
          const m = ones.get(key(s));
          if (!m) return undefined;
          const [a, b] = matching.group === 'left' ? [s.value, m.value] : [m.value, s.value];
          const out = isComparison ? (compare(op, a, b) ? s : undefined) : { labels: withoutName(s.labels), value: arithmetic(op, a, b) };
          if (!out) return undefined;
          const labels = { ...out.labels };
          for (const k of matching.include) {
            if (m.labels[k] !== undefined) labels[k] = m.labels[k];
          }
          return { labels, value: out.value };
        })
        .filter(keep),
    };
  }
  const right = new Map<string, Sample>();
  for (const s of r.samples) {
    if (right.has(key(s))) throw new Error(`${op}: many-to-many matching needs group_left or group_right`);
    right.set(key(s), s);
  }
  // Prometheus refuses two left series matching one right series without group_left, as it refuses the reverse.
  const leftKeys = l.samples.map(key);
  if (new Set(leftKeys.filter((k) => right.has(k))).size !== leftKeys.filter((k) => right.has(k)).length)
    throw new Error(`${op}: many-to-one matching needs group_left`);
  return {
    kind: 'vector',
    samples: l.samples
      .map((s) => {
        const m = right.get(key(s));
        if (!m) return undefined;
        const out = apply(s, s.value, m.value);
        // With on()/ignoring() the result keeps only the matched labels (Prometheus's resultMetric for one-to-one).
        if (!out || !matching || isComparison) return out;
        const labels = matching.on
          ? Object.fromEntries(Object.entries(out.labels).filter(([k]) => matching.labels.includes(k)))
          : Object.fromEntries(Object.entries(out.labels).filter(([k]) => !matching.labels.includes(k)));
        return { labels, value: out.value };
      })
      .filter(keep),
  };
}

/** The metric names a query selects, each once, in order of appearance. */
export function metricNames(src: string | Node): string[] {
  const out: string[] = [];
  const walk = (n: Node): void => {
    if (n.t === 'sel') {
      if (n.name && !out.includes(n.name)) out.push(n.name);
    } else if (n.t === 'call') n.args.forEach(walk);
    else if (n.t === 'agg') {
      if (n.param) walk(n.param);
      walk(n.arg);
    } else if (n.t === 'bin') {
      walk(n.l);
      walk(n.r);
    } else if (n.t === 'neg') walk(n.arg);
  };
  walk(typeof src === 'string' ? parse(src) : src);
  return out;
}

/** promtool's series notation: `0+1x3` → 0 1 2 3; `5x2` → 5 5 5; `_` a missing sample; plain numbers. */
export function expandValues(notation: string): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const part of notation.trim().split(/\s+/)) {
    const m = /^(-?[\d.e+]+?)(?:([+-])([\d.]+))?x(\d+)$/.exec(part);
    if (part === '_') out.push(undefined);
    else if (/^_x\d+$/.test(part)) out.push(...Array<undefined>(Number(part.slice(2))).fill(undefined));
    else if (m) {
      const start = Number(m[1]);
      const step = m[2] ? (m[2] === '+' ? 1 : -1) * Number(m[3]) : 0;
      for (let i = 0; i <= Number(m[4]); i++) out.push(start + step * i);
    } else out.push(Number(part));
  }
  return out;
}

/** Parses `metric{a="b"}` into labels (with __name__). */
export function seriesLabels(text: string): Labels {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?(\{.*\})?$/.exec(text.trim());
  if (!m) throw new Error(`bad series ${text}`);
  const labels: Labels = m[1] ? { __name__: m[1] } : {};
  const body = m[2]?.slice(1, -1) ?? '';
  for (const pair of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
  return labels;
}

/** Input series in promtool's form: `{ 'metric{a="b"}': '0+1x10' }`, one sample per interval from t = 0. */
export function series(input: Readonly<Record<string, string>>, intervalSeconds = 60): SeriesSet {
  return Object.entries(input).map(([text, values]) => ({
    labels: seriesLabels(text),
    points: expandValues(values).flatMap((v, i) => (v === undefined ? [] : [{ t: i * intervalSeconds, v }])),
  }));
}

export interface Alert {
  readonly labels: Labels;
}

/**
 * The alerts of a rule firing at `at`, as promtool evaluates them: the expression at every evaluation interval from
 * t = 0, each result series pending from its first evaluation and firing once it has held for `for`.
 */
export function firingAlerts(
  rule: { readonly alert: string; readonly expr: string; readonly for: string; readonly labels: Readonly<Labels> },
  data: SeriesSet,
  at: number,
  evaluationInterval = 60,
): Alert[] {
  const tree = parse(rule.expr);
  const forSeconds = rule.for === '0' ? 0 : duration(rule.for);
  const activeSince = new Map<string, { since: number; labels: Labels }>();
  for (let t = 0; t <= at; t += evaluationInterval) {
    const v = evalNode(tree, data, t);
    const samples = vectorOf(v, rule.alert);
    const now = new Map(samples.map((s) => [signature(s.labels), withoutName(s.labels)]));
    for (const key of [...activeSince.keys()]) if (!now.has(key)) activeSince.delete(key);
    for (const [key, labels] of now) if (!activeSince.has(key)) activeSince.set(key, { since: t, labels });
  }
  return [...activeSince.values()]
    .filter((a) => at - a.since >= forSeconds)
    .map((a) => ({ labels: { ...a.labels, alertname: rule.alert, ...rule.labels } }))
    .sort((a, b) => (signature(a.labels) < signature(b.labels) ? -1 : 1));
}
