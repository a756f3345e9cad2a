/**
 * The pages of `tacit ui`: the runs list (kept live by server-sent events) and the side-by-side
 * comparison of selected runs. Plain HTML with a little inline script; no client framework.
 */
import type { UiRun } from './scan.js';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
body { margin:0; font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:#1f2328; background:#f6f8fa; }
header { background:#fff; border-bottom:1px solid #d8dee4; padding:14px 28px; display:flex; align-items:baseline; gap:18px; }
header h1 { margin:0; font-size:20px; } header .root { color:#656d76; font-size:12px; }
main { padding:12px 28px 40px; }
table { border-collapse:collapse; background:#fff; border:1px solid #d8dee4; width:100%; font-size:13px; }
th, td { border-bottom:1px solid #eaeef2; padding:5px 10px; text-align:left; white-space:nowrap; }
th { background:#f6f8fa; }
.bar { display:inline-block; width:120px; height:8px; background:#eaeef2; border-radius:4px; vertical-align:middle; }
.bar > span { display:block; height:8px; background:#0072B2; border-radius:4px; }
.status-running { color:#0072B2; font-weight:600; } .status-complete { color:#1a7f37; } .status-failed, .status-interrupted { color:#b3261e; }
.fired { color:#b3261e; } .untested { color:#9a6700; } .clear { color:#1a7f37; }
button { font:inherit; padding:4px 12px; }
a { color:#0072B2; }
h2 { font-size:16px; margin:18px 0 8px; }
.muted { color:#656d76; }
`;

/** The runs list page; the script renders /api/runs and re-renders on every SSE 'runs' event. */
export function indexPage(root: string, queue: boolean): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tacit ui</title><style>${CSS}</style></head>
<body><header><h1>tacit</h1><span class="root">results root: ${esc(root)}${queue ? " · with the queue's runs table" : ''}</span></header>
<main>
<div><button id="compare" disabled>Compare selected</button> <span class="muted" id="live">connecting…</span></div>
<h2>Sweeps</h2><div id="sweeps" class="muted">none</div>
<h2>Runs</h2><div id="runs" class="muted">none</div>
${queue ? '<h2>Queue</h2><div id="queue" class="muted">none</div>' : ''}
</main>
<script>
(function () {
  var selected = {};
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; }); }
  function fmt(x) { return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(4); }
  function bar(r) {
    if (r.total === null || r.done === null) return '';
    var pct = Math.min(100, Math.floor(100 * r.done / Math.max(1, r.total)));
    return '<span class="bar"><span style="width:' + pct + '%"></span></span> <span class="pct">' + pct + '%</span>';
  }
  function render(data) {
    var runs = data.runs;
    document.getElementById('runs').innerHTML = runs.length === 0 ? 'no runs under the results root yet' :
      '<table><thead><tr><th></th><th>run</th><th>experiment</th><th>status</th><th>progress</th><th>KPIs</th><th>verdicts</th><th>report</th></tr></thead><tbody>' +
      runs.map(function (r) {
        var kpis = Object.keys(r.kpis).slice(0, 3).map(function (k) { return esc(k) + ' ' + fmt(r.kpis[k]); }).join(', ');
        var verdicts = Object.keys(r.verdicts).map(function (k) { var o = r.verdicts[k]; return '<span class="' + esc(o.split(' ')[0]) + '">' + esc(k) + ': ' + esc(o) + '</span>'; }).join(' ');
        return '<tr data-run="' + esc(r.id) + '" data-status="' + esc(r.status) + '"><td><input type="checkbox" ' + (selected[r.id] ? 'checked' : '') + ' data-id="' + esc(r.id) + '"></td><td>' + esc(r.id) + '</td><td>' + esc(r.experiment) +
          '</td><td class="status-' + esc(r.status) + '">' + esc(r.status) + '</td><td>' + bar(r) + '</td><td>' + kpis + '</td><td>' + verdicts + '</td><td>' +
          (r.hasReport ? '<a class="report" href="/files/' + r.id.split('/').map(encodeURIComponent).join('/') + '/report.html">report</a>' : '') + '</td></tr>';
      }).join('') + '</tbody></table>';
    document.getElementById('sweeps').innerHTML = data.sweeps.length === 0 ? 'none' :
      '<table><thead><tr><th>sweep</th><th>runs complete</th><th>report</th></tr></thead><tbody>' + data.sweeps.map(function (s) {
        return '<tr><td>' + esc(s.name) + ' <span class="muted">' + esc(s.id) + '</span></td><td>' + s.complete + ' / ' + s.runs + '</td><td>' + (s.hasReport ? '<a href="/files/' + s.id.split('/').map(encodeURIComponent).join('/') + '/report.html">report</a>' : '') + '</td></tr>';
      }).join('') + '</tbody></table>';
    var q = document.getElementById('queue');
    if (q && data.queue) q.innerHTML = data.queue.length === 0 ? 'the runs table is empty' : '<table><thead><tr><th>sweep</th><th>variant</th><th>seed</th><th>status</th><th>worker</th><th>seconds</th></tr></thead><tbody>' +
      data.queue.map(function (r) { return '<tr><td>' + esc(r.sweep) + '</td><td>' + esc(r.variant) + '</td><td>' + r.seed + '</td><td class="status-' + esc(r.status) + '">' + esc(r.status) + '</td><td>' + esc(r.worker || '') + '</td><td>' + (r.seconds === null ? '' : r.seconds.toFixed(1)) + '</td></tr>'; }).join('') + '</tbody></table>';
  }
  document.addEventListener('change', function (e) {
    var id = e.target.getAttribute && e.target.getAttribute('data-id');
    if (!id) return;
    if (e.target.checked) selected[id] = true; else delete selected[id];
    document.getElementById('compare').disabled = Object.keys(selected).length < 2;
  });
  document.getElementById('compare').addEventListener('click', function () {
    location.href = '/compare?' + Object.keys(selected).map(function (id) { return 'run=' + encodeURIComponent(id); }).join('&');
  });
  fetch('/api/runs').then(function (r) { return r.json(); }).then(render);
  var es = new EventSource('/api/events');
  es.addEventListener('runs', function (e) { render(JSON.parse(e.data)); document.getElementById('live').textContent = 'live'; document.body.setAttribute('data-live', 'true'); });
})();
</script></body></html>`;
}

/** Selected runs side by side: status, KPIs and verdicts in columns, each with its report. */
export function comparePage(runs: readonly UiRun[], missing: readonly string[]): string {
  const kpis = [...new Set(runs.flatMap((r) => Object.keys(r.kpis)))];
  const detectors = [...new Set(runs.flatMap((r) => Object.keys(r.verdicts)))];
  const head = runs.map((r) => `<th>${esc(r.id)}</th>`).join('');
  const row = (label: string, cells: string[]): string => `<tr><th>${esc(label)}</th>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  const fmt = (x: number | undefined): string => (x === undefined ? '–' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(4));
  const rows = [
    row(
      'experiment',
      runs.map((r) => esc(r.experiment)),
    ),
    row(
      'status',
      runs.map((r) => `<span class="status-${esc(r.status)}">${esc(r.status)}</span>`),
    ),
    row(
      'seeds',
      runs.map((r) => String(r.seeds)),
    ),
    ...kpis.map((k) =>
      row(
        k,
        runs.map((r) => fmt(r.kpis[k])),
      ),
    ),
    ...detectors.map((d) =>
      row(
        `detector ${d}`,
        runs.map((r) => (r.verdicts[d] ? `<span class="${esc(r.verdicts[d]!.split(' ')[0]!)}">${esc(r.verdicts[d]!)}</span>` : '–')),
      ),
    ),
    row(
      'report',
      runs.map((r) => (r.hasReport ? `<a href="/files/${r.id.split('/').map(encodeURIComponent).join('/')}/report.html">open</a>` : '–')),
    ),
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tacit ui — compare</title><style>${CSS}</style></head>
<body><header><h1><a href="/">tacit</a> · compare ${runs.length} runs</h1></header><main>
${missing.length ? `<p class="fired">not found under the results root: ${missing.map(esc).join(', ')}</p>` : ''}
<table id="compare-table"><thead><tr><th></th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="muted">Single numbers per run (means across its seeds). For intervals and tests across variants use tacit compare or tacit report on these folders.</p>
</main></body></html>`;
}
