// Counted nouns in output: "1 card", "3 cards", "1 query", "2 queries" — never "1 cards" or "card(s)".

/**
 * `n` and the noun, singular for exactly 1 (and -1), plural otherwise. The plural defaults to the noun plus "s";
 * pass it for irregular nouns (`plural(n, 'entry', 'entries')`).
 */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${n} ${Math.abs(n) === 1 ? noun : pluralNoun}`;
}

/** The noun alone, in the form that goes with `n` (for "3 questions asked" built around other words). */
export function nounFor(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return Math.abs(n) === 1 ? noun : pluralNoun;
}
