/** The reward-scheme registry (`agents[i].reward.scheme`). */
import { Registry } from '../core/registry.js';
import { differenceScheme } from './difference.js';
import { kpiLinkedScheme } from './kpi-linked.js';
import { localScheme } from './local.js';
import { mixedScheme } from './mixed.js';
import { potentialScheme } from './potential.js';
import { teamScheme } from './team.js';
import type { RewardSchemeSpec } from './scheme.js';

/** All registered reward schemes, by id. */
export const rewardSchemes = new Registry<RewardSchemeSpec>('reward scheme');

const ALL = [localScheme, teamScheme, mixedScheme, differenceScheme, potentialScheme, kpiLinkedScheme] as unknown as RewardSchemeSpec[];
for (const spec of ALL) rewardSchemes.register(spec.id, spec);
