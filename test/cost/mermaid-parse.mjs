// Parses Mermaid diagrams with mermaid's own parser (what GitHub draws them with): reads a JSON list of
// diagram sources on stdin, prints a JSON list of errors (null for a diagram that parses). Mermaid is an ES
// module that wants a DOM, so the test runs it here, in its own process, over jsdom.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const source of JSON.parse(input)) {
  try {
    const parsed = await mermaid.parse(source);
    results.push(parsed ? null : 'not a diagram mermaid knows');
  } catch (err) {
    results.push(String(err.message ?? err));
  }
}
process.stdout.write(JSON.stringify(results));
