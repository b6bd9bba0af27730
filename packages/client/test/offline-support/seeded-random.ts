/**
 * A small seeded pseudo-random generator (mulberry32) for randomized tests: the same seed
 * gives the same sequence of choices, so a failing run can be replayed.
 *
 * @example
 * const random = createRandom(seedOf('SYNCLINE_SEED', 42));
 * if (random.chance(0.2)) random.pick(['a', 'b']);
 */
export interface Random {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A key of `weights`, drawn in proportion to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  /** A generator for one actor, independent of how many draws the others make. */
  fork(salt: number): Random;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick(items) {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    weighted(weights) {
      const entries = Object.entries(weights) as [keyof typeof weights, number][];
      let roll = next() * entries.reduce((sum, [, weight]) => sum + weight, 0);
      for (const [key, weight] of entries) {
        roll -= weight;
        if (roll < 0) return key;
      }
      const last = entries.at(-1);
      if (last === undefined) throw new Error('weighted from no weights');
      return last[0];
    },
    fork: (salt) => createRandom((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(salt + 1, 0xc2b2ae35)) >>> 0),
  };
  return random;
}

/**
 * The seeds to run: the one in the environment variable `name` (a failing seed, replayed), else `defaults`.
 *
 * @example
 * for (const seed of seedsFrom('SYNCLINE_SEED', [1, 2, 3])) …
 */
export function seedsFrom(name: string, defaults: readonly number[]): readonly number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return defaults;
  const seeds = raw.split(',').map((part) => Number(part.trim()));
  if (seeds.some((seed) => !Number.isSafeInteger(seed) || seed < 0)) throw new Error(`${name} must be a comma-separated list of non-negative integers, got ${JSON.stringify(raw)}`);
  return seeds;
}
