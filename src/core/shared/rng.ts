/**
 * Seeded randomness for the pure core (STYLE 2.1: randomness is an argument, never Math.random).
 *
 * Generator: sfc32, Chris Doty-Humphrey's "Small Fast Counting" generator (32-bit variant, from the
 * PractRand suite, passes PractRand and BigCrush), period at least 2^32 and about 2^127 on average.
 * Its 128-bit state is filled from the seed with splitmix32 (the 32-bit form of Steele, Lea and
 * Flood's SplitMix finalizer), and the first 12 outputs are discarded, so nearby seeds (0, 1, 2 ...)
 * give unrelated streams. Same seed -> same stream, on every platform: only 32-bit integer ops.
 * Changing any of this changes every seeded result: bump RNG_ALGORITHM instead.
 */
export const RNG_ALGORITHM = 'sfc32-splitmix32@1';

export interface Rng {
  /** A uniform double in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** A uniform integer in [0, n), exactly unbiased (rejection sampling); n an integer in [1, 2^32]. */
  nextInt(n: number): number;
}

const TWO_POW_32 = 4_294_967_296;
const WARM_UP_DRAWS = 12;

/** Creates an sfc32 generator from any finite seed (its integer part; 53 bits are used). */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be a finite number, got ${seed}`);
  const whole = Math.trunc(seed);
  let mix = (whole >>> 0) ^ Math.imul(Math.floor(whole / TWO_POW_32) >>> 0, 0x9e3779b1);
  const splitmix32 = (): number => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  let d = splitmix32();

  /** One sfc32 step: a uniform unsigned 32-bit integer. */
  const nextUint32 = (): number => {
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < WARM_UP_DRAWS; i++) nextUint32();

  return {
    next(): number {
      return nextUint32() / TWO_POW_32;
    },
    nextInt(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
        throw new RangeError(`Rng.nextInt: n must be an integer in [1, 2^32], got ${n}`);
      }
      // Accept only draws below the largest multiple of n, so every residue is equally likely.
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
      let draw = nextUint32();
      while (draw >= limit) draw = nextUint32();
      return draw % n;
    },
  };
}
