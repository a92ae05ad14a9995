/**
 * Deterministic, versioned traffic splitting (hash v1).
 *
 * bucket = fmix32(FNV-1a32(length-delimited ['assign', experimentKey, 'v' + version, salt, unitId])) / 2^32
 *
 * Why this is stable across platforms and runtimes: the input is the sequence of UTF-16 code units
 * of the strings (String.prototype.charCodeAt, defined exactly by ECMAScript, no locale, no
 * normalization), and every step is 32-bit integer arithmetic (Math.imul, xor, unsigned shifts)
 * whose result ECMAScript defines bit for bit. The only floating-point step divides an integer
 * below 2^32 by 2^32, which is exact. A port to another language must hash the same UTF-16 code
 * units (not UTF-8 bytes) to reproduce the buckets; experiments.golden.json pins buckets computed by
 * an independent Python implementation (scripts/gen-golden-experiments.py), non-BMP text included.
 * FNV-1a alone mixes the last characters poorly into the high bits (ids 'u1', 'u2' ... land close
 * together); the murmur3 fmix32 finalizer gives every input bit an avalanche onto every output bit.
 * The parts are length-delimited (src/core/shared/hash.ts), so ('ab', 'c') never equals ('a', 'bc').
 *
 * What stays stable:
 * - the same (experimentKey, version, salt, unitId) always gives the same bucket and arm;
 * - a new version (or salt, or experiment key) reshuffles every unit independently of the old split;
 * - changing the arms under the same version keeps a unit in its arm exactly when its bucket lies
 *   in both the old and the new interval of that arm: arms are laid out on [0, 1) in the order given,
 *   with widths proportional to their weights. Appending an arm shrinks the others towards 0, so
 *   the first arm keeps everyone below its new end; ramping a two-arm test from 10/90 to 50/50
 *   moves only the units between 0.1 and 0.5. Reordering arms reshuffles: do not.
 * - the global holdout hashes under its own namespace ('holdout'), independent of every experiment.
 */
import { hashParts } from '../shared/hash.js';

export const ASSIGNMENT_HASH_VERSION = 1;
const TWO_POW_32 = 4_294_967_296;

export interface ArmWeight {
  readonly key: string;
  readonly weight: number;
}

/** The murmur3 32-bit finalizer: full avalanche of a 32-bit word. */
export function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A stable uniform number in [0, 1) for the parts. */
export function unitHash(parts: readonly string[]): number {
  return fmix32(hashParts(parts)) / TWO_POW_32;
}

/** The unit's bucket in [0, 1) for this experiment version. */
export function assignmentBucket(experimentKey: string, version: number, unitId: string, salt = ''): number {
  return unitHash(['assign', experimentKey, `v${version}`, salt, unitId]);
}

/** Which arm the bucket falls in: arms laid out on [0, 1) in order, widths proportional to weight. */
export function armForBucket(bucket: number, arms: readonly ArmWeight[]): string {
  if (arms.length === 0) throw new RangeError('armForBucket: no arms');
  let total = 0;
  for (const arm of arms) {
    if (!(arm.weight >= 0) || !Number.isFinite(arm.weight)) throw new RangeError(`arm ${arm.key}: weight must be finite and >= 0, got ${arm.weight}`);
    total += arm.weight;
  }
  if (!(total > 0)) throw new RangeError('armForBucket: the weights sum to 0');
  let cumulative = 0;
  let last: string | undefined;
  for (const arm of arms) {
    if (arm.weight === 0) continue;
    cumulative += arm.weight;
    last = arm.key;
    if (bucket < cumulative / total) return arm.key;
  }
  return last as string; // rounding: cumulative / total may land a hair under 1
}

/** Deterministic, versioned arm of a unit. */
export function assignArm(experimentKey: string, version: number, unitId: string, arms: readonly ArmWeight[], salt = ''): string {
  return armForBucket(assignmentBucket(experimentKey, version, unitId, salt), arms);
}

/** Whether the unit is in the global holdout (never personalized), independent of experiments. */
export function inHoldout(unitId: string, holdoutShare: number, salt = ''): boolean {
  if (!(holdoutShare >= 0 && holdoutShare <= 1)) throw new RangeError(`holdoutShare must be in [0, 1], got ${holdoutShare}`);
  return unitHash(['holdout', salt, unitId]) < holdoutShare;
}
