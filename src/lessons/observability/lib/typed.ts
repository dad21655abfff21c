// What the learner typed in an exercise, for checks that grade the method as well as the answer (measured, not guessed).
import { ranCommands, type RanCommand } from '../../../engine/checks.js';
import type { LessonContext } from '../../../engine/types.js';

/** The learner's commands that ran without error and match NAME [SUB], oldest first. */
export function typed(ctx: LessonContext, name: string, sub?: string): RanCommand[] {
  return ranCommands(ctx.history).filter((c) => c.name === name && !c.error && (!sub || c.args[1]?.toUpperCase() === sub));
}
