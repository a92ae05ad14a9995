import { createRng } from '../../src/core/shared/rng.js';

/**
 * Seeded random choices for property tests: a failure names the seed that reproduces it. Built on
 * the product's own generator (sfc32), so every test draws from the same, platform-stable stream.
 */
export class SeededGen {
  private readonly rng;

  constructor(seed: number) {
    this.rng = createRng(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.rng.next();
  }

  /** Uniform integer in [low, high], both inclusive. */
  int(low: number, high: number): number {
    return low + this.rng.nextInt(high - low + 1);
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new Error('empty pick');
    return item;
  }
}

/** A () => number in [0, 1) for tests written against a plain random function. */
export function seededRandom(seed: number): () => number {
  const gen = new SeededGen(seed);
  return () => gen.next();
}
