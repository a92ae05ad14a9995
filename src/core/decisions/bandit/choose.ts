import type { Rng } from '../../shared/rng.js';
import type { Vector } from './linalg.js';
import type { BanditChoice, LinearBanditState } from './linear-arms.js';
import { chooseLinTs } from './lin-ts.js';
import { chooseLinUcb } from './linucb.js';

/** Chooses with whichever linear bandit `state` holds (LinUCB or linear Thompson sampling). */
export function choose(state: LinearBanditState, eligible: readonly string[], x: Vector, rng: Rng): BanditChoice {
  return state.kind === 'linucb' ? chooseLinUcb(state, eligible, x, rng) : chooseLinTs(state, eligible, x, rng);
}
