// A seeded PRNG (mulberry32): reproducible quiz order (`quiz --seed N`) and deterministic lesson data.

export type Random = () => number;

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for rounds without --seed; printed in --json so any round can be replayed. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/** Fisher–Yates on a copy. */
export function shuffle<T>(items: readonly T[], rand: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * A 32-bit seed derived from several parts (FNV-1a over their text): one question's option order comes from the
 * round's seed and the question id, so it does not depend on where the question falls in the round.
 */
export function mixSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
