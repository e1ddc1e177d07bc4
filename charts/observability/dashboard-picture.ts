/**
 * A picture of a dashboard's layout for the README: every panel at its place on Grafana's 24-column grid, with its
 * title, kind and number of queries, as SVG (GitHub renders it in the page). It is drawn from the dashboard itself:
 * `npm run dashboard-picture` writes docs/dashboard-<name>.svg, and a test keeps the committed file equal to it.
 */
import type { Dashboard, Panel } from './dashboards';

const COLUMN = 40;
const ROW = 12;
const HEADER = 44;
const GAP = 4;
/** Roughly the width of a 13 px sans-serif character: titles longer than their panel are cut. */
const CHAR = 7;

const FILL: Readonly<Record<string, string>> = { timeseries: '#e8f1fb', stat: '#e9f6e9', table: '#fcf2e2', text: '#f1f1f1' };

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fit(text: string, width: number): string {
  const max = Math.max(4, Math.floor((width - 20) / CHAR));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function panel(p: Panel): string {
  const { x, y, w, h } = p.gridPos;
  const left = x * COLUMN + GAP;
  const top = HEADER + y * ROW + GAP;
  const width = w * COLUMN - 2 * GAP;
  const height = h * ROW - 2 * GAP;
  const queries = p.targets?.length ?? 0;
  const kind = p.type === 'text' ? 'text' : `${p.type} · ${queries} ${queries === 1 ? 'query' : 'queries'}`;
  return [
    `  <rect x="${left}" y="${top}" width="${width}" height="${height}" rx="6" fill="${FILL[p.type] ?? '#ffffff'}" stroke="#8a8f98"/>`,
    `  <text x="${left + 10}" y="${top + 22}" font-size="13" font-weight="600">${escape(fit(p.title, width))}</text>`,
    `  <text x="${left + 10}" y="${top + height - 10}" font-size="11" fill="#555b66">${escape(fit(kind, width))}</text>`,
  ].join('\n');
}

/** The SVG of `d`'s layout: the same dashboard, the same bytes. */
export function dashboardLayoutSvg(d: Dashboard): string {
  const panels = d.json.panels;
  const rows = Math.max(0, ...panels.map((p) => p.gridPos.y + p.gridPos.h));
  const width = 24 * COLUMN;
  const height = HEADER + rows * ROW + GAP;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `  <rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `  <text x="${GAP + 6}" y="28" font-size="18" font-weight="700">${escape(d.title)}</text>`,
    `  <text x="${width - GAP - 6}" y="28" font-size="12" fill="#555b66" text-anchor="end">${escape(d.uid)} · ${panels.length} panels</text>`,
    ...panels.map(panel),
    '</svg>',
    '',
  ].join('\n');
}
