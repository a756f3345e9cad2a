/**
 * The report's config-and-provenance section: which variants were compared and how they differ,
 * which run folders went in (status, code version, commit, Node, start, duration, command), and each
 * variant's fully resolved config.
 */
import { relative } from 'node:path';
import { escapeHtml } from './figures/comparison.js';
import type { Section } from './figures/common.js';
import type { Variant } from './variants.js';

function cell(v: unknown): string {
  if (v === null || v === undefined || v === '') return '<span class="muted">–</span>';
  return escapeHtml(typeof v === 'string' ? v : JSON.stringify(v));
}

/** Config and provenance as HTML tables and collapsible config blocks. */
export function provenanceSection(variants: readonly Variant[], reportDir: string): Section {
  const rel = (p: string): string => relative(reportDir, p) || '.';
  const variantRows = variants
    .map(
      (v) =>
        `<tr><td class="variant">${cell(v.label)}</td><td>${cell(v.experiment)}</td><td>${cell(v.envId)}</td><td>${cell(v.seeds.map((s) => s.seed).join(', '))}</td><td>${cell(
          Object.entries(v.fields)
            .map(([k, x]) => `${k} = ${typeof x === 'string' ? x : JSON.stringify(x)}`)
            .join('; '),
        )}</td><td><code>${escapeHtml(v.key)}</code></td></tr>`,
    )
    .join('');
  const runs = variants.flatMap((v) => v.runs.map((r) => ({ v, r })));
  const runRows = runs
    .map(({ v, r }) => {
      const commit = typeof r.run['gitCommit'] === 'string' ? `${(r.run['gitCommit'] as string).slice(0, 10)}${r.run['gitDirty'] ? ' (dirty)' : ''}` : null;
      const dur = typeof r.run['durationSeconds'] === 'number' ? `${(r.run['durationSeconds'] as number).toFixed(1)} s` : null;
      return `<tr><td><code>${escapeHtml(rel(r.dir))}</code></td><td class="variant">${cell(v.label)}</td><td>${cell(r.run['status'])}</td><td>${cell(r.run['tacitVersion'])}</td><td><code>${cell(commit)}</code></td><td>${cell(r.run['node'])}</td><td>${cell(r.run['startedAt'])}</td><td>${cell(dur)}</td><td><code>${cell(r.run['command'])}</code></td></tr>`;
    })
    .join('');
  const configs = variants
    .map(
      (v) =>
        `<details><summary>${escapeHtml(v.label)} — resolved config</summary><pre>${escapeHtml(JSON.stringify(v.runs[0]!.config, null, 2))}</pre></details>`,
    )
    .join('\n');
  const html = [
    '<h3>Variants</h3>',
    `<div class="table-wrap"><table class="text"><thead><tr><th>variant</th><th>experiment</th><th>world</th><th>seeds</th><th>differing config fields</th><th>config hash</th></tr></thead><tbody>${variantRows}</tbody></table></div>`,
    `<h3>Run folders (${runs.length})</h3>`,
    `<div class="table-wrap"><table class="text"><thead><tr><th>folder</th><th>variant</th><th>status</th><th>tacit</th><th>commit</th><th>node</th><th>started</th><th>duration</th><th>command</th></tr></thead><tbody>${runRows}</tbody></table></div>`,
    '<h3>Resolved configs</h3>',
    configs,
  ].join('\n');
  return {
    id: 'provenance',
    title: 'Config and provenance',
    intro: 'What was run, from which code, and how the variants differ.',
    figures: [],
    unavailable: null,
    html,
  };
}
