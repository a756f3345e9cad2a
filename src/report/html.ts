/**
 * The HTML report: the figures as JSON, a small stylesheet, a table of contents and one section per
 * figure family. plotly.js (3.5 MB) is either one shared file beside the reports, loaded by a
 * relative <script src> so every report under a results root reuses one cached copy and the page
 * still opens offline from file://, or inlined (`--standalone`: one file to mail around).
 * Figures are drawn lazily as they scroll into view, so a long sweep report opens as fast as a
 * short one; `window.tacitRenderAll()` draws the rest (PNG export, tests).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';
import { escapeHtml } from './figures/comparison.js';
import type { Figure, Section } from './figures/common.js';

let plotlySource: string | undefined;

/** plotly.js-dist-min's bundle, checked safe to inline in a <script> element. */
export function plotlyBundle(): string {
  if (plotlySource !== undefined) return plotlySource;
  const require = createRequire(import.meta.url);
  const path = require.resolve('plotly.js-dist-min/plotly.min.js');
  // A literal "</script" inside the bundle would end the inline script early; escape it defensively.
  plotlySource = readFileSync(path, 'utf8').replace(/<\/script/gi, '<\\/script');
  return plotlySource;
}

/** plotly.js-dist-min's version, which names the shared asset so two versions never clash. */
export function plotlyVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('plotly.js-dist-min/package.json') as { version: string }).version;
}

/**
 * Where the shared plotly.js goes for a report written to `reportPath`: the results root, taken as
 * the outermost ancestor folder named like the default output dir ('results'), else the report's
 * own folder. Copied there once (same name = same bytes); returns the relative src for the page.
 */
export function sharedPlotly(reportPath: string): { file: string; src: string } {
  const dir = dirname(reportPath);
  const parts = dir.split(sep);
  const k = parts.indexOf('results');
  const root = k >= 0 ? parts.slice(0, k + 1).join(sep) || sep : dir;
  const file = join(root, `plotly-${plotlyVersion()}.min.js`);
  if (!existsSync(file) || statSync(file).size === 0) {
    const require = createRequire(import.meta.url);
    mkdirSync(root, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    copyFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), tmp);
    // Atomic for concurrent sweeps writing reports under the same root.
    renameSync(tmp, file);
  }
  const src = relative(dir, file).split(sep).join('/');
  return { file, src: src || basename(file) };
}

const CSS = `
:root { --fg:#1f2328; --muted:#656d76; --line:#d8dee4; --bg:#f6f8fa; --accent:#0072B2; --best:#b76e00; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
header { background:#fff; border-bottom:1px solid var(--line); padding:20px 32px 12px; }
header h1 { margin:0 0 4px; font-size:22px; font-weight:650; }
header .sub { color:var(--muted); }
nav { margin-top:10px; display:flex; flex-wrap:wrap; gap:6px 14px; }
nav a { color:var(--accent); text-decoration:none; font-size:13px; }
nav a:hover { text-decoration:underline; }
main { padding:8px 32px 48px; max-width:1600px; margin:0 auto; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 20px; margin:18px 0; }
section h2 { margin:0 0 4px; font-size:18px; }
section > p.intro { margin:0 0 12px; color:var(--muted); }
.grid { display:grid; grid-template-columns:repeat(auto-fit, minmax(560px, 1fr)); gap:16px; }
figure { margin:0; border:1px solid #eef0f2; border-radius:6px; padding:6px; min-width:0; }
figure .plot { width:100%; }
.plot:not([data-drawn]) { background: repeating-linear-gradient(90deg,#fafbfc,#fafbfc 8px,#f3f5f7 8px,#f3f5f7 16px); border-radius:4px; }
.fulldata { font-size:12px; }
figcaption { color:var(--muted); font-size:12px; padding:2px 6px 4px; }
.unavailable { padding:14px 16px; border:1px dashed var(--line); border-radius:6px; color:var(--muted); background:#fafbfc; }
.table-wrap { overflow-x:auto; }
table { border-collapse:collapse; margin:8px 0 12px; font-size:13px; }
th, td { border-bottom:1px solid #eaeef2; padding:5px 10px; text-align:right; white-space:nowrap; }
th { background:#f6f8fa; font-weight:600; }
th:first-child, td.variant, td:first-child, table.text th, table.text td { text-align:left; }
td.best { color:var(--best); font-weight:600; }
ul.findings { list-style:none; padding:0; margin:4px 0 12px; }
ul.findings > li { border-left:3px solid var(--line); padding:4px 10px; margin:6px 0; }
ul.findings > li[data-outcome=fired] { border-color:#d62728; }
ul.findings > li[data-outcome=untested] { border-color:#b76e00; background:#fffaf0; }
.outcome-fired { color:#b3261e; } .outcome-clear { color:#1a7f37; } .outcome-untested { color:#9a6700; }
.letters { color:var(--muted); font-size:11px; }
.star { color:var(--best); }
.note, .muted { color:var(--muted); font-size:12px; }
details { margin:6px 0; }
summary { cursor:pointer; }
pre { background:#f6f8fa; padding:10px; border-radius:6px; overflow:auto; max-height:420px; font-size:12px; }
code { font-size:12px; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:16px; }
`;

/** JSON safe to place inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)).replace(/</g, '\\u003c');
}

function sectionHtml(s: Section): string {
  const figures = s.figures
    // The placeholder takes the figure's height so lazy drawing does not shift the page.
    .map(
      (f) =>
        `<figure><div class="plot" id="${escapeHtml(f.id)}" data-figure="${escapeHtml(f.title)}" style="min-height:${Number(f.layout['height'] ?? 420)}px"></div><figcaption>${escapeHtml(f.caption)}</figcaption></figure>`,
    )
    .join('\n');
  return [
    `<section id="${s.id}">`,
    `<h2>${escapeHtml(s.title)}</h2>`,
    `<p class="intro">${escapeHtml(s.intro)}</p>`,
    s.unavailable ? `<div class="unavailable" data-unavailable="${s.id}">${escapeHtml(s.unavailable)}</div>` : '',
    figures ? `<div class="grid">${figures}</div>` : '',
    s.html ?? '',
    '</section>',
  ].join('\n');
}

/**
 * The boot script: draw figures as they come within a screen of the viewport (IntersectionObserver),
 * mark the body data-rendered once the first screen is drawn, and expose tacitRenderAll().
 */
const BOOT = `
(function () {
  var figs = JSON.parse(document.getElementById('tacit-figures').textContent);
  var byId = {};
  figs.forEach(function (f) { byId[f.id] = f; });
  window.tacitFigureIds = figs.map(function (f) { return f.id; });
  if (typeof Plotly === 'undefined') {
    var msg = 'tacit report: plotly.js did not load from ' + document.getElementById('tacit-plotly').getAttribute('src') + ' (moved or deleted?); rewrite the report with tacit report --standalone for a single self-contained file';
    document.body.insertAdjacentHTML('afterbegin', '<div class="unavailable" style="margin:12px 32px">' + msg + '</div>');
    document.body.setAttribute('data-rendered', 'error');
    console.error(msg);
    return;
  }
  var config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ['select2d', 'lasso2d'] };
  var drawn = {};
  function draw(id) {
    if (!drawn[id]) {
      var f = byId[id];
      drawn[id] = Plotly.newPlot(id, f.data, f.layout, config).then(function () { document.getElementById(id).setAttribute('data-drawn', 'true'); });
    }
    return drawn[id];
  }
  function failed(err) { document.body.setAttribute('data-rendered', 'error'); console.error('tacit report: a figure failed to render', err); }
  window.tacitRenderAll = function () { return Promise.all(figs.map(function (f) { return draw(f.id); })); };
  window.tacitDrawnCount = function () { return Object.keys(drawn).length; };
  var near = 400;
  var first = figs.filter(function (f) { var r = document.getElementById(f.id).getBoundingClientRect(); return r.top < window.innerHeight + near && r.bottom > -near; });
  if ('IntersectionObserver' in window) {
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) { io.unobserve(e.target); draw(e.target.id).catch(failed); } });
    }, { rootMargin: near + 'px 0px' });
    figs.forEach(function (f) { io.observe(document.getElementById(f.id)); });
  } else first = figs;
  Promise.all(first.map(function (f) { return draw(f.id); }))
    .then(function () { if (document.body.getAttribute('data-rendered') !== 'error') document.body.setAttribute('data-rendered', 'true'); })
    .catch(failed);
})();
`;

/** Options of renderHtml. */
export interface PageOptions {
  readonly title: string;
  readonly subtitle: string;
  /** Footer line (generation time, tacit version). */
  readonly footer: string;
  /** plotly.js: inlined, or a relative src to the shared copy (see sharedPlotly). */
  readonly plotly: { readonly inline: true } | { readonly src: string };
}

/** The complete HTML page for these sections. */
export function renderHtml(allSections: readonly Section[], options: PageOptions): string {
  // A section with no data for these runs is left out (the CLI lists them): an empty box saying
  // 'not available' tells a warehouse reader nothing about markets.
  const sections = allSections.filter((s) => !s.unavailable || s.figures.length > 0 || s.html);
  const figures: Figure[] = sections.flatMap((s) => [...s.figures, ...(s.inlineFigures ?? [])]);
  const nav = sections.map((s) => `<a href="#${s.id}">${escapeHtml(s.title)}</a>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${CSS}</style>
${'src' in options.plotly ? `<script id="tacit-plotly" src="${escapeHtml(options.plotly.src)}"></script>` : `<script id="tacit-plotly">${plotlyBundle()}</script>`}
</head>
<body>
<header>
<h1>${escapeHtml(options.title)}</h1>
<div class="sub">${escapeHtml(options.subtitle)}</div>
<nav>${nav}</nav>
</header>
<main>
${sections.map(sectionHtml).join('\n')}
</main>
<footer>${escapeHtml(options.footer)}</footer>
<script id="tacit-figures" type="application/json">${scriptJson(figures.map((f) => ({ id: f.id, data: f.data, layout: f.layout })))}</script>
<script>${BOOT}</script>
</body>
</html>
`;
}
