/** YAML as upstream projects publish it, read the way Go's parser (kubectl, helm, the API server) reads it. */

/**
 * Go's YAML parser (which kubectl and the API server use) accepts a single-quoted scalar whose continuation
 * lines are no deeper than its key; YAML 1.2, and so the `yaml` package, does not. Some upstream CRDs are
 * written so (Knative Operator v1.21.1's `description: 'Number of seconds…` lines): such continuation lines
 * are indented under their key, which changes no value (a quoted scalar's line breaks fold the same way).
 */
export function indentQuotedContinuations(text: string): string {
  const lines = text.split('\n');
  let open: { indent: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (open) {
      const indent = line.length - line.trimStart().length;
      if (line.trim() !== '' && indent <= open.indent) lines[i] = ' '.repeat(open.indent + 2 - indent) + line;
      if (oddQuotes(line)) open = undefined;
      continue;
    }
    const opening = /^(\s*)(?:- )?[^\s'"#][^:]*:\s+'(.*)$/.exec(line);
    if (opening && oddQuotes(`'${opening[2]}`)) open = { indent: opening[1].length };
  }
  return lines.join('\n');
}

/** An odd number of single quotes once `''` (an escaped quote) is removed: the line opens or closes a quoted scalar. */
const oddQuotes = (s: string): boolean => (s.replace(/''/g, '').match(/'/g) ?? []).length % 2 === 1;
