// Which questions a round asks, in what order: due cards only for --review, otherwise a seeded shuffle.
import type { CardState, Progress } from '../progress/store.js';
import { bankEntries, filterEntries, type BankEntry, type ValidFilter } from './bank.js';
import { isMissedCard } from './missed.js';
import { mulberry32, shuffle } from '../util/random.js';
import { isDue } from './scheduler.js';
import type { Topic } from './types.js';

export type RoundItem =
  { type: 'question'; entry: BankEntry; /** a card that was due */ due: boolean } | { type: 'missed'; id: string; card: CardState };

export interface SelectOptions {
  filter: ValidFilter;
  count: number;
  review?: boolean;
  seed: number;
  now?: Date;
  topics?: readonly Topic[];
}

export function selectRound(p: Progress, opts: SelectOptions): RoundItem[] {
  const now = opts.now ?? new Date();
  const entries = filterEntries(bankEntries(opts.topics), opts.filter);
  const byId = new Map(entries.map((e) => [e.question.id, e]));
  const cards = p.quiz.cards;
  const rand = mulberry32(opts.seed);
  const shuffled = shuffle(entries, rand);

  if (opts.review) {
    const filtered = Boolean(opts.filter.topic || opts.filter.level);
    const due = Object.entries(cards)
      .filter(([, card]) => isDue(card, now))
      .sort(([a, x], [b, y]) => x.due.localeCompare(y.due) || a.localeCompare(b));
    const items: RoundItem[] = [];
    for (const [id, card] of due) {
      const entry = byId.get(id);
      if (entry) items.push({ type: 'question', entry, due: true });
      // Missed exercises belong to no topic or level, so a filtered review leaves them out.
      else if (!filtered && isMissedCard(id, card)) items.push({ type: 'missed', id, card });
    }
    // A review asks due cards only: with nothing due it is empty, and the caller says when the next card is due
    // instead of quietly starting an ordinary round.
    return items.slice(0, opts.count);
  }

  // Unseen and due questions before ones already scheduled for later; the seed fixes the order within each group.
  const fresh = shuffled.filter((e) => !cards[e.question.id] || isDue(cards[e.question.id]!, now));
  const later = shuffled.filter((e) => cards[e.question.id] && !isDue(cards[e.question.id]!, now));
  return [...fresh, ...later]
    .slice(0, opts.count)
    .map((entry) => ({ type: 'question', entry, due: Boolean(cards[entry.question.id]) && isDue(cards[entry.question.id]!, now) }));
}
