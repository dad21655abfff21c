// Trimming a stream: MAXLEN and MINID, exact and ~, and what trimming does to entries still pending in a group; then an
// exercise that trims exactly what every group has finished with.
import { all, custom, ranCommands, writtenOnlyBy } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { EVENT_IDS, sid } from './setup.js';
import { entryIds, listing, pendingOf } from './stream-state.js';

const EVENTS = 'messaging:events';
const CLICKS = '{ns}messaging:clicks';

export const trimmingSteps: StepSpec[] = [
  {
    id: 'trimming',
    kind: 'run',
    commands: [
      `UNLINK ${CLICKS}`,
      ...['/home', '/lamps', '/lamps/brass', '/cart', '/checkout'].map((page, i) => `XADD ${CLICKS} ${sid(i + 1)} page ${page}`),
      `XGROUP CREATE ${CLICKS} stats 0`,
      `XREADGROUP GROUP stats c1 COUNT 2 STREAMS ${CLICKS} >`,
      `XTRIM ${CLICKS} MAXLEN 3`,
      `XPENDING ${CLICKS} stats`,
      `XREADGROUP GROUP stats c1 STREAMS ${CLICKS} 0`,
      `XACK ${CLICKS} stats ${sid(1)} ${sid(2)}`,
      `XADD ${CLICKS} MAXLEN ~ 1000 * page /thanks`,
      `XTRIM ${CLICKS} MINID ${sid(4)}`,
      `XRANGE ${CLICKS} - +`,
    ],
  },
  {
    id: 'trim-acked',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [EVENTS], async (k) => {
        const key = k(EVENTS);
        for (const [i, id] of EVENT_IDS.entries()) await ctx.unrecorded.xadd(key, id, 'event', `e-${i + 1}`);
        for (const [group, consumer, delivered, acked] of [
          ['billing', 'b1', 8, 6],
          ['analytics', 'a1', 6, 4],
        ] as const) {
          await ctx.unrecorded.xgroup('CREATE', key, group, '0');
          await ctx.unrecorded.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', delivered, 'STREAMS', key, '>');
          await ctx.unrecorded.xack(key, group, ...EVENT_IDS.slice(0, acked));
        }
      }),
    check: expanded(
      all(
        custom(`{ns}${EVENTS} holds ${EVENT_IDS[4]} … ${EVENT_IDS[9]}: everything a group still needs, nothing more`, async (ctx) => {
          const key = ctx.key(EVENTS);
          if ((await ctx.unrecorded.type(key)) !== 'stream') return { pass: false, actual: `${key} is gone (type :reset)` };
          const ids = await entryIds(ctx, key);
          const needed = EVENT_IDS.slice(4);
          const lost = needed.filter((id) => !ids.includes(id));
          if (lost.length) {
            const held = new Map([
              ...[...(await pendingOf(ctx, key, 'billing'))].map(([id]) => [id, 'billing'] as const),
              ...[...(await pendingOf(ctx, key, 'analytics'))].map(([id]) => [id, 'analytics'] as const),
            ]);
            const why = lost.map(
              (id) =>
                `${id} (${held.has(id) ? `pending in ${held.get(id)}: its consumer gets nil for it` : 'not yet delivered to analytics'})`,
            );
            return { pass: false, actual: `trimmed too far: ${listing(why)} (type :reset to start over)` };
          }
          const extra = ids.filter((id) => !needed.includes(id));
          if (extra.length) {
            const approx = ranCommands(ctx.history).some((c) => c.name === 'XTRIM' && c.args.includes('~'));
            return {
              pass: false,
              actual:
                `${listing(extra)} ${extra.length === 1 ? 'is' : 'are'} still there, though both groups acknowledged ${extra.length === 1 ? 'it' : 'them'}` +
                (approx ? ' (~ removes only whole internal nodes, up to 100 entries each: on a stream this small it removes nothing)' : ''),
            };
          }
          return { pass: true, actual: `${key} starts at ${ids[0]}, ${ids.length} entries` };
        }),
        custom('both pending lists as they were (billing: 7, 8; analytics: 5, 6)', async (ctx) => {
          const key = ctx.key(EVENTS);
          const billing = [...(await pendingOf(ctx, key, 'billing')).keys()];
          const analytics = [...(await pendingOf(ctx, key, 'analytics')).keys()];
          const ok = billing.join() === EVENT_IDS.slice(6, 8).join() && analytics.join() === EVENT_IDS.slice(4, 6).join();
          return {
            pass: ok,
            actual: ok
              ? 'pending lists untouched'
              : `billing pending: ${billing.join(', ') || 'none'}; analytics pending: ${analytics.join(', ') || 'none'}: acknowledging another service's work drops it (type :reset to start over)`,
          };
        }),
        writtenOnlyBy(
          EVENTS,
          'KEY trimmed by one XTRIM',
          (c) => c.name === 'XTRIM',
          (c) =>
            c.name === 'XDEL'
              ? `${c.command} deletes the ids you list, one by one: XTRIM … MINID drops every entry before an id in one command, however many there are`
              : `you changed it with ${c.command}`,
        ),
      ),
    ),
    hints: [
      'An entry can go once every group has had it delivered and acknowledged. XPENDING key group shows the oldest pending id of each group (and XINFO GROUPS how far each has been delivered); everything before the oldest of those can go.',
      'XTRIM key MINID id   removes every entry with a smaller id (exact unless you add ~)',
    ],
    solution: [
      'XPENDING {ns}messaging:events billing',
      'XPENDING {ns}messaging:events analytics',
      `XTRIM {ns}messaging:events MINID ${EVENT_IDS[4]}`,
    ],
    wrong: [
      // Keep "the last few": the pending entries of both groups lose their payload.
      ['XTRIM {ns}messaging:events MAXLEN 2'],
      // Looked at one group only: analytics' pending 5 and 6 go.
      ['XPENDING {ns}messaging:events billing', `XTRIM {ns}messaging:events MINID ${EVENT_IDS[6]}`],
      // Approximate: cheap, and on 10 entries it trims nothing.
      ['XTRIM {ns}messaging:events MAXLEN ~ 6'],
      // The right entries, one id at a time.
      [`XDEL {ns}messaging:events ${EVENT_IDS.slice(0, 4).join(' ')}`],
    ],
  },
];
