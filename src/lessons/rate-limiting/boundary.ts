// The four algorithms side by side at a window's edge, on real time: one request opens the windows at t0, a burst
// arrives just before t0 + 1 s and another just after. The fixed window admits about twice its limit in those 350 ms.
import type { StepSpec } from '../../engine/prose.js';
import { createRateLimiter, type RateLimitAlgorithm, type RateLimiter } from '../../patterns/index.js';
import { alignToServerWindow, EDGE_EARLY_MS, EDGE_LATE_MS, EDGE_LIMIT, EDGE_WINDOW_MS, sleep } from './shared.js';

export const EDGE_ALGORITHMS: readonly RateLimitAlgorithm[] = ['fixed-window', 'sliding-log', 'sliding-counter', 'token-bucket'];
/** Where t0 falls in the sliding counter's (clock-aligned) window. */
const EDGE_OFFSET_MS = 50;
const ID = 'user-7';

/** What each algorithm admitted at t0, in the late burst and in the early one (the test reads it back from the table). */
export interface EdgeCounts {
  algorithm: RateLimitAlgorithm;
  first: number;
  late: number;
  early: number;
}

async function burst(limiter: RateLimiter, n: number): Promise<number> {
  const replies = await Promise.all(Array.from({ length: n }, () => limiter.allow(ID)));
  return replies.filter((r) => r.allowed).length;
}

export const boundarySteps: StepSpec[] = [
  {
    id: 'window-boundary',
    kind: 'code',
    async run(ctx) {
      const limiters = EDGE_ALGORITHMS.map((algorithm) =>
        createRateLimiter(ctx.redis, {
          algorithm,
          limit: EDGE_LIMIT,
          windowMs: EDGE_WINDOW_MS,
          prefix: ctx.key(`rate-limiting:edge:${algorithm}:`),
        }),
      );
      const keys = limiters.map((l) => l.keyFor(ID));
      await ctx.claim(keys);
      await ctx.unrecorded.unlink(...keys);
      // t0 a little after a window of the server's clock begins: the sliding counter aligns its windows there.
      const t0 = await alignToServerWindow(ctx.unrecorded, EDGE_WINDOW_MS, EDGE_OFFSET_MS);
      const first = await Promise.all(limiters.map((l) => burst(l, 1)));
      await sleep(t0 + EDGE_LATE_MS - Date.now());
      const lateAt = Math.round(Date.now() - t0);
      const late = await Promise.all(limiters.map((l) => burst(l, EDGE_LIMIT)));
      await sleep(t0 + EDGE_EARLY_MS - Date.now());
      const earlyAt = Math.round(Date.now() - t0);
      const early = await Promise.all(limiters.map((l) => burst(l, EDGE_LIMIT)));
      const counts: EdgeCounts[] = EDGE_ALGORITHMS.map((algorithm, i) => ({
        algorithm,
        first: first[i]!,
        late: late[i]!,
        early: early[i]!,
      }));
      ctx.table(
        ['algorithm', 't0: 1 request', `t0+${lateAt} ms: ${EDGE_LIMIT}`, `t0+${earlyAt} ms: ${EDGE_LIMIT}`, 'both bursts'],
        counts.map((c) => [c.algorithm, c.first, c.late, c.early, c.late + c.early]),
      );
      const fixed = counts[0]!;
      const log = counts[1]!;
      ctx.say(
        `Limit ${EDGE_LIMIT} per ${EDGE_WINDOW_MS} ms. The fixed window let ${fixed.late + fixed.early} requests through in ` +
          `${earlyAt - lateAt} ms: the window t0 opened ended at t0+${EDGE_WINDOW_MS} ms, and the next one started empty. ` +
          `The sliding log let ${log.late + log.early}: at t0+${earlyAt} ms only the request from t0 had left its window.`,
      );
      ctx.say(
        `The sliding counter estimated about the same as the log (its count depends on the millisecond the burst lands); ` +
          `the token bucket spent a full bucket before the edge and then what dripped back in, one token per ` +
          `${EDGE_WINDOW_MS / EDGE_LIMIT} ms.`,
      );
    },
  },
];
