/**
 * The detector verdicts of every seed as a table: fired, clear or untested (with why and what
 * would make it testable), and goodhart's policy-swap attribution when there is one. Untested is
 * shown as untested, never as a blank or a clear result.
 */
import { outcomeOf } from '../../detectors/types.js';
import type { Variant } from '../variants.js';
import type { Section } from './common.js';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const LABEL = { fired: 'fired', clear: 'clear', untested: 'untested' } as const;

/** The verdicts section. */
export function verdictSection(variants: readonly Variant[]): Section {
  const rows: string[] = [];
  for (const v of variants)
    for (const s of v.seeds) {
      const verdicts = (s.summary.verdicts ?? {}) as Record<string, { summary?: string; untestedReason?: string; toTest?: string }>;
      for (const [name, verdict] of Object.entries(verdicts)) {
        const o = outcomeOf(verdict);
        const text = o === 'untested' && verdict.untestedReason ? `${verdict.untestedReason}. To test: ${verdict.toTest ?? '—'}` : (verdict.summary ?? '');
        rows.push(
          `<tr><td class="variant">${escapeHtml(v.label)}</td><td>${s.seed}</td><td>${escapeHtml(name)}</td><td class="outcome-${o ?? 'unknown'}">${o ? LABEL[o] : 'unknown'}</td><td>${escapeHtml(text)}</td></tr>`,
        );
      }
    }
  return {
    id: 'verdicts',
    title: 'Detector verdicts',
    intro:
      'Each seed’s verdict per detector: fired, clear (tested, nothing found) or untested (the detector could not run its test; not a negative), with the reason and the setting that would make it testable. A goodhart finding on a learning agent carries the policy-swap attribution: what the learned policy gains the agent and costs the team against its initial policy.',
    figures: [],
    unavailable: rows.length ? null : 'Not available for these runs: their summaries hold no detector verdicts.',
    ...(rows.length
      ? {
          html: `<div class="table-wrap"><table><thead><tr><th>variant</th><th>seed</th><th>detector</th><th>outcome</th><th>summary</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`,
        }
      : {}),
  };
}
