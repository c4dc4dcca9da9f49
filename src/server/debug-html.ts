import { CHART_STYLE, renderCallsChart } from './debug-chart.js';
import type { MethodReport, ServerReport, ServiceReport } from './server-stats.js';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * escapeHtml makes any string safe as HTML text or as a quoted attribute
 * value: it replaces `& < > " '` with character references. Every string
 * that comes from users (service and method names, type strings) goes
 * through it before it reaches the page.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** formatCount writes a count with thousands separators: `12,345`. */
function formatCount(n: number): string {
  return integer.format(n);
}

/**
 * formatLatency writes a duration in ms with a precision that suits its
 * size: `840 µs`, `3.42 ms`, `118.5 ms`, `2.31 s`.
 */
export function formatLatency(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** formatUptime writes a duration for people: `4.2 s`, `3m 07s`, `5h 02m`, `2d 03h`. */
export function formatUptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${pad(h)}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  return `${m}m ${pad(s % 60)}s`;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f7f7f5;--card:#fff;--fg:#1d1f21;--muted:#6b7075;--line:#e3e3df;--head:#f0f0ec;--accent:#00758f;--bad:#b3261e;--bad-bg:#fdecea}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--card:#1d2024;--fg:#e6e6e3;--muted:#9aa0a6;--line:#30343a;--head:#24282d;--accent:#4fc3dc;--bad:#ff8a80;--bad-bg:#3a1f1f}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:28px 20px 40px}
header h1{margin:0;font-size:22px;font-weight:650}
header h1 span{color:var(--accent)}
header p{margin:4px 0 0;color:var(--muted);font-size:13px}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;margin:20px 0 28px;padding:0}
.summary div{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.summary dt{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.summary dd{margin:2px 0 0;font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.summary dd.bad{color:var(--bad)}
section{margin:0 0 26px}
h2{font-size:17px;margin:0 0 8px;font-weight:650}
h2 small{color:var(--muted);font-weight:400;font-size:13px;margin-left:6px}
.table{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;min-width:720px;table-layout:fixed}
col:nth-child(1){width:17%}col:nth-child(2),col:nth-child(3){width:25%}col:nth-child(4),col:nth-child(5){width:7%}col:nth-child(6),col:nth-child(7){width:9.5%}
th,td{padding:7px 12px;text-align:left;border-bottom:1px solid var(--line);vertical-align:top}
tbody tr:last-child td{border-bottom:0}
thead th{background:var(--head);font-size:12px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;white-space:nowrap}
th.num,td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.method{font-weight:600;overflow-wrap:anywhere}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.undeclared{color:var(--muted);font-style:italic;font-size:13px}
.dim{color:var(--muted)}
td.bad{color:var(--bad);background:var(--bad-bg);font-weight:600}
.empty{color:var(--muted);background:var(--card);border:1px dashed var(--line);border-radius:8px;padding:16px}
footer{color:var(--muted);font-size:13px;border-top:1px solid var(--line);padding-top:12px}
a{color:var(--accent)}
`;

function typeCell(field: 'args' | 'reply', type: string | undefined): string {
  if (type === undefined) return `<td data-field="${field}"><span class="undeclared">not declared</span></td>`;
  return `<td data-field="${field}"><code>${escapeHtml(type)}</code></td>`;
}

function numberCell(field: string, value: number, text: string, extra = '', title?: string): string {
  const cls = `num${extra ? ` ${extra}` : ''}`;
  const t = title === undefined ? '' : ` title="${escapeHtml(title)}"`;
  return `<td class="${cls}" data-field="${field}" data-value="${value}"${t}>${text}</td>`;
}

function methodRow(service: string, m: MethodReport): string {
  const full = escapeHtml(`${service}.${m.name}`);
  const window = m.samples === 0 ? 'no calls yet' : `over the last ${formatCount(m.samples)} calls`;
  const rate = m.calls === 0 ? undefined : `${((m.errors / m.calls) * 100).toFixed(1)}% of calls`;
  const latency = (field: 'meanMs' | 'p99Ms'): string =>
    m.samples === 0
      ? numberCell(field, 0, '<span class="dim">—</span>', '', window)
      : numberCell(field, m[field], formatLatency(m[field]), '', window);
  return [
    `<tr data-method="${full}">`,
    `<td class="method" data-field="name">${escapeHtml(m.name)}</td>`,
    typeCell('args', m.args),
    typeCell('reply', m.reply),
    numberCell('calls', m.calls, formatCount(m.calls)),
    numberCell('errors', m.errors, formatCount(m.errors), m.errors > 0 ? 'bad' : '', rate),
    latency('meanMs'),
    latency('p99Ms'),
    '</tr>',
  ].join('');
}

function serviceSection(s: ServiceReport): string {
  const name = escapeHtml(s.name);
  const calls = s.methods.reduce((n, m) => n + m.calls, 0);
  const count = s.methods.length;
  return `<section data-service="${name}">
<h2>${name}<small>${count} method${count === 1 ? '' : 's'} · ${formatCount(calls)} call${calls === 1 ? '' : 's'}</small></h2>
<div class="table"><table>
<colgroup><col><col><col><col><col><col><col></colgroup>
<thead><tr><th>Method</th><th>Argument type</th><th>Reply type</th><th class="num">Calls</th><th class="num">Errors</th><th class="num">Mean</th><th class="num">p99</th></tr></thead>
<tbody>
${s.methods.map((m) => methodRow(s.name, m)).join('\n')}
</tbody>
</table></div>
</section>`;
}

function summaryItem(field: string, label: string, value: number | string, text: string, title?: string, bad = false): string {
  const t = title === undefined ? '' : ` title="${escapeHtml(title)}"`;
  const cls = bad ? ' class="bad"' : '';
  return `<div><dt>${label}</dt><dd${cls} data-field="${field}" data-value="${escapeHtml(String(value))}"${t}>${text}</dd></div>`;
}

/**
 * renderDebugHtml renders a ServerReport as one self-contained HTML page
 * (inline CSS, no scripts, no external assets): a summary (uptime, open
 * connections, services, calls, errors), then one table per service with
 * each method's argument and reply types ("not declared" when absent),
 * calls, errors, mean and p99 latency. Every user-provided string is
 * escaped. Machine-readable hooks are stable: each service is a
 * `<section data-service="S">`, each method a `<tr data-method="S.M">`
 * whose cells carry `data-field` (`name`, `args`, `reply`, `calls`,
 * `errors`, `meanMs`, `p99Ms`) and, for numbers, the raw `data-value`;
 * the summary values carry `data-field` `uptimeMs`, `connections`,
 * `services`, `calls`, `errors` (and `workers` for a merged report). With
 * a history the page shows calls per second as an inline SVG chart (see
 * renderCallsChart). `jsonHref` is the link to the JSON form.
 */
export function renderDebugHtml(report: ServerReport, jsonHref: string): string {
  const methods = report.services.reduce((n, s) => n + s.methods.length, 0);
  const calls = report.services.reduce((n, s) => n + s.methods.reduce((k, m) => k + m.calls, 0), 0);
  const errors = report.services.reduce((n, s) => n + s.methods.reduce((k, m) => k + m.errors, 0), 0);
  const generatedAt = new Date(Date.parse(report.startedAt) + report.uptimeMs).toISOString();
  const body =
    report.services.length === 0
      ? '<p class="empty">No services registered.</p>'
      : report.services.map(serviceSection).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>netrpc · services</title>
<style>${STYLE}${CHART_STYLE}</style>
</head>
<body>
<main>
<header>
<h1><span>netrpc</span> services</h1>
<p>Started <time datetime="${escapeHtml(report.startedAt)}">${escapeHtml(report.startedAt)}</time> · page generated <time datetime="${generatedAt}">${generatedAt}</time></p>
</header>
<dl class="summary">
${summaryItem('uptimeMs', 'Uptime', report.uptimeMs, formatUptime(report.uptimeMs), `since ${report.startedAt}`)}
${summaryItem('connections', 'Open connections', report.connections, formatCount(report.connections))}
${summaryItem('services', 'Services', report.services.length, formatCount(report.services.length), `${methods} methods`)}
${summaryItem('calls', 'Calls', calls, formatCount(calls))}
${summaryItem('errors', 'Errors', errors, formatCount(errors), undefined, errors > 0)}
${report.workers === undefined ? '' : summaryItem('workers', 'Workers', report.workers, formatCount(report.workers))}
</dl>
${report.history ? renderCallsChart(report.history) : ''}
${body}
<footer>Latency is the handler's time, mean and 99th percentile over each method's most recent calls (up to 1,024). Counts run since the server started. Also as <a href="${escapeHtml(jsonHref)}">JSON</a>.</footer>
</main>
</body>
</html>
`;
}
