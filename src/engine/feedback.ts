// How an exercise talks to the learner: hint costs, the meta-command help, feedback lines wrapped to the terminal.
import { terminalWidth } from '../ui/theme.js';
import { plural } from '../util/plural.js';
import { wrap } from './render.js';

/** How much of an exercise's points survive the hints used: none, a nudge, the syntax, the solution. */
const HINT_FACTOR = [1, 0.75, 0.5, 0];

/** Points an exercise is worth after `hints` hints: every hint costs at least a point while any are left; the solution leaves none. */
export function pointsAfterHints(points: number, hints: number): number {
  if (hints <= 0) return points;
  if (hints >= 3) return 0;
  return Math.max(0, Math.min(Math.floor(points * HINT_FACTOR[hints]!), points - hints));
}

export function pts(n: number): string {
  return plural(n, 'pt');
}

export const META_HELP = ':hint  next hint · :solution  show it · :check  expected vs actual · :reset  start over · :skip · :quit';

/** The learner's input ended (Ctrl-D, a pipe closing) or they quit: the run stops, progress is kept. */
export class EndOfInput extends Error {}

/** A feedback line wrapped to the terminal, indented by two, its continuation lines by four. */
export function indented(text: string): string {
  return wrap(text, Math.min(terminalWidth(), 100) - 6)
    .split('\n')
    .map((line, i) => `${i === 0 ? '  ' : '    '}${line}`)
    .join('\n');
}
