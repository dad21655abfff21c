// Notifications: a stream that keeps them and pub/sub that pushes the live copy (timed, then missed with nobody
// listening), and an exercise that appends and trims in one XADD.
import { all, custom, keysWrittenBy, ranCommands } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { pushNotification, readNotificationsSince, subscribeChannel } from '../../patterns/index.js';

export const notificationSteps: StepSpec[] = [
  {
    id: 'notifications',
    kind: 'code',
    async run(ctx) {
      const stream = ctx.key('notifications:user-42');
      const channel = ctx.key('live:user-42');
      await ctx.claim([stream]);
      await ctx.redis.unlink(stream);
      const [subscriber] = await ctx.clients(1);
      const sub = await subscribeChannel(subscriber!, channel);
      let lastSeen = '0';
      try {
        const t0 = performance.now();
        const sent = await pushNotification(ctx.redis, stream, channel, { type: 'order_shipped', order: '1001' }, 1000);
        const got = await sub.next(2000);
        if (got) {
          lastSeen = (JSON.parse(got.message) as { id: string }).id;
          ctx.say(`subscriber received ${got.message} ${(got.at - t0).toFixed(2)} ms after the push (PUBLISH reached ${sent.receivers})`);
        } else {
          ctx.say('no message arrived within 2 s (a very busy server?)');
        }
      } finally {
        await sub.close();
      }
      const missed = await pushNotification(ctx.redis, stream, channel, { type: 'price_drop', product: 'PROD-7' }, 1000);
      ctx.say(
        `pushed again after the tab closed: PUBLISH reached ${count(missed.receivers, 'subscriber')}; that live message is gone for good`,
      );
      const catchUp = await readNotificationsSince(ctx.redis, stream, lastSeen);
      ctx.say(
        `the tab comes back and reads the stream after ${lastSeen}: ${catchUp.map((n) => `${n.id} ${JSON.stringify(n.fields)}`).join('; ')}`,
      );
    },
  },
  {
    id: 'notify-stream',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(ctx, ['notifications:user-7'], async (k) => {
        for (let n = 1; n <= 5; n++) await ctx.unrecorded.xadd(k('notifications:user-7'), '*', 'type', 'promo', 'n', String(n));
      }),
    check: expanded(
      all(
        custom('{ns}notifications:user-7: 5 entries, oldest n=2, newest type=shipped order=1001', async (ctx) => {
          const key = ctx.key('notifications:user-7');
          if ((await ctx.unrecorded.type(key)) !== 'stream') return { pass: false, actual: `${key} is not a stream` };
          const len = await ctx.unrecorded.xlen(key);
          const [first] = await ctx.unrecorded.xrange(key, '-', '+', 'COUNT', 1);
          const [last] = await ctx.unrecorded.xrevrange(key, '+', '-', 'COUNT', 1);
          const fields = (e: [string, string[]] | undefined) => {
            const o: Record<string, string> = {};
            for (let i = 0; e && i < e[1].length; i += 2) o[e[1][i]!] = e[1][i + 1]!;
            return o;
          };
          const f = fields(first);
          const l = fields(last);
          const pass = len === 5 && f.n === '2' && l.type === 'shipped' && l.order === '1001';
          const why =
            len > 5
              ? ranCommands(ctx.history).some((c) => c.name === 'XADD' && c.args.includes('~'))
                ? ': ~ trims only whole internal nodes, so nothing went'
                : ': nothing trimmed it'
              : '';
          return { pass, actual: `${count(len, 'entry', 'entries')}, oldest ${JSON.stringify(f)}, newest ${JSON.stringify(l)}${why}` };
        }),
        custom('the append and the trim in the same XADD (MAXLEN 5)', (ctx) =>
          Promise.resolve().then(() => {
            const key = ctx.key('notifications:user-7');
            const writes = ranCommands(ctx.history).filter((c) => keysWrittenBy(c).includes(key));
            const lastAdd = writes.findLastIndex((c) => c.name === 'XADD');
            const add = writes[lastAdd];
            if (!add) return { pass: false, actual: 'no XADD yet' };
            const trim = writes.slice(lastAdd + 1).find((c) => c.name === 'XTRIM');
            if (trim || !add.args.some((a) => /^(MAXLEN|MINID)$/i.test(a))) {
              return {
                pass: false,
                actual: `${trim ? `${trim.command} trimmed in a second command` : `${add.command} does not trim`}: XADD … MAXLEN 5 appends and trims in one, so no reader and no crash ever finds the stream over its cap`,
              };
            }
            return { pass: true, actual: add.command };
          }),
        ),
      ),
    ),
    hints: ['XADD can trim the stream in the same command, before the id.', 'XADD key MAXLEN 5 * field value [field value …]'],
    solution: ['XADD {ns}notifications:user-7 MAXLEN 5 * type shipped order 1001'],
    wrong: [
      // Approximate trimming keeps whole nodes: all six entries stay.
      ['XADD {ns}notifications:user-7 MAXLEN ~ 5 * type shipped order 1001'],
      // The right state in two commands.
      ['XADD {ns}notifications:user-7 * type shipped order 1001', 'XTRIM {ns}notifications:user-7 MAXLEN 5'],
      ['XADD {ns}notifications:user-7 * type shipped order 1001'],
    ],
  },
];
