import type { CallHistorySnapshot } from './call-history.js';

const WIDTH = 1000;
const HEIGHT = 170;
const LEFT = 52;
const BOTTOM = 22;
const TOP = 8;

/** CHART_STYLE is the chart's CSS, for the debug page's stylesheet (colours from the page's variables). */
export const CHART_STYLE = `
figure.chart{margin:0 0 26px;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px 6px}
figure.chart figcaption{font-size:13px;color:var(--muted);margin:0 0 4px}
figure.chart svg{display:block;width:100%;height:auto}
.chart .calls{fill:var(--accent)}
.chart .errs{fill:var(--bad)}
.chart .grid{stroke:var(--line);stroke-width:1}
.chart text{fill:var(--muted);font:11px system-ui,sans-serif}
`;

/** niceCeiling rounds a positive rate up to 1, 2 or 5 times a power of ten (1 for no traffic). */
function niceCeiling(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function rateText(v: number): string {
  return v >= 100 ? String(Math.round(v)) : String(Number(v.toPrecision(2)));
}

/**
 * renderCallsChart draws a history as inline SVG (no script, no external
 * reference): one bar per bucket for calls per second, the part that
 * failed drawn over it in the error colour, a y axis in calls per second
 * and a time axis from "-5 min" to "now". Each bar is a
 * `<rect class="calls" data-bucket="i" data-value="calls in the bucket">`
 * (errors: `class="errs"`), so tests can read the numbers behind it.
 */
export function renderCallsChart(history: CallHistorySnapshot): string {
  const n = history.calls.length;
  const seconds = history.bucketMs / 1000;
  const peak = niceCeiling(Math.max(0, ...history.calls) / seconds);
  const plotW = WIDTH - LEFT - 8;
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = plotW / n;
  const y = (rate: number): number => TOP + plotH - (rate / peak) * plotH;
  const bars: string[] = [];
  for (let i = 0; i < n; i++) {
    const calls = history.calls[i] ?? 0;
    const errors = history.errors[i] ?? 0;
    if (calls === 0) continue;
    const x = (LEFT + i * slot + slot * 0.12).toFixed(1);
    const w = (slot * 0.76).toFixed(1);
    const top = y(calls / seconds);
    bars.push(`<rect class="calls" data-bucket="${i}" data-value="${calls}" x="${x}" y="${top.toFixed(1)}" width="${w}" height="${(TOP + plotH - top).toFixed(1)}"><title>${calls} calls (${rateText(calls / seconds)}/s)</title></rect>`);
    if (errors > 0) {
      const etop = y(errors / seconds);
      bars.push(`<rect class="errs" data-bucket="${i}" data-value="${errors}" x="${x}" y="${etop.toFixed(1)}" width="${w}" height="${(TOP + plotH - etop).toFixed(1)}"><title>${errors} errors</title></rect>`);
    }
  }
  const grid = [0, 0.5, 1]
    .map((f) => {
      const gy = y(peak * f).toFixed(1);
      return `<line class="grid" x1="${LEFT}" x2="${WIDTH - 8}" y1="${gy}" y2="${gy}"/><text x="${LEFT - 6}" y="${gy}" dy="4" text-anchor="end">${rateText(peak * f)}</text>`;
    })
    .join('');
  const span = Math.round((n * history.bucketMs) / 60_000);
  const axis =
    `<text x="${LEFT}" y="${HEIGHT - 6}">-${span} min</text>` +
    `<text x="${LEFT + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">-${(span / 2).toString()} min</text>` +
    `<text x="${WIDTH - 8}" y="${HEIGHT - 6}" text-anchor="end">now</text>`;
  const total = history.calls.reduce((a, b) => a + b, 0);
  return `<figure class="chart" data-field="history" data-value="${total}">
<figcaption>Calls per second over the last ${span} minutes (${seconds} s bars; errors in red)</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Calls per second over the last ${span} minutes">${grid}${bars.join('')}${axis}</svg>
</figure>`;
}
