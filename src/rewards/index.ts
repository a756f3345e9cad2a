/** The reward-scheme registry (`agents[i].reward.scheme`). */
import { Registry } from '../core/registry.js';
import { localScheme } from './local.js';
import type { RewardSchemeSpec } from './scheme.js';

/** All registered reward schemes, by id. */
export const rewardSchemes = new Registry<RewardSchemeSpec>('reward scheme');

const ALL: RewardSchemeSpec[] = [localScheme as unknown as RewardSchemeSpec];
for (const spec of ALL) rewardSchemes.register(spec.id, spec);
