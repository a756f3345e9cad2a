/** The reward-scheme registry (`agents[i].reward.scheme`). */
import { createRegistry } from '../core/registry.js';
import { differenceScheme } from './difference.js';
import { kpiLinkedScheme } from './kpi-linked.js';
import { localScheme } from './local.js';
import { mixedScheme } from './mixed.js';
import { potentialScheme } from './potential.js';
import { teamScheme } from './team.js';
import type { RewardSchemeSpec } from './scheme.js';

const ALL: RewardSchemeSpec[] = [localScheme, teamScheme, mixedScheme, differenceScheme, potentialScheme, kpiLinkedScheme];

/** All registered reward schemes, by id (the `reward.scheme` of configs). */
export const rewardSchemes = createRegistry('reward scheme', ALL);
