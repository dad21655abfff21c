// Pub/sub is fire-and-forget: a subscriber whose connection drops misses what is published meanwhile, counted live next
// to a stream consumer group that catches up on every entry when it comes back.
import type { Redis } from 'ioredis';
import { count } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { addToStream, createStreamConsumer, publishMessage, subscribeChannel, type ChannelSubscription } from '../../patterns/index.js';
import { PER_PHASE } from './setup.js';

/** Waits until the server has noticed the subscriber is gone (its socket closes asynchronously). */
async function untilNoSubscriber(ctx: LessonContext, channel: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const [, n] = (await ctx.unrecorded.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
    if (Number(n) === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Takes `n` messages from the subscription, waiting up to a second for each; returns how many came. */
async function receive(sub: ChannelSubscription, n: number): Promise<number> {
  let got = 0;
  for (let i = 0; i < n; i++) if (await sub.next(1000)) got++;
  return got;
}

export const pubsubSteps: StepSpec[] = [
  {
    id: 'pubsub-away',
    kind: 'code',
    async run(ctx) {
      const channel = ctx.key('messaging:prices');
      const stream = ctx.key('messaging:price-log');
      await ctx.claim([stream]);
      await ctx.unrecorded.unlink(stream);
      const tab = createStreamConsumer(ctx.redis, { stream, group: 'dashboard', consumer: 'tab-1' });
      await tab.ensureGroup('$');

      const conns: Redis[] = [];
      const connect = async () => {
        const [conn] = await ctx.sb.extraClients(1);
        conns.push(conn!);
        return subscribeChannel(conn!, channel);
      };
      let price = 4990;
      let sent = 0;
      let live = 0;
      let caughtUp = 0;
      const publishPhase = async () => {
        let reached = 0;
        for (let i = 0; i < PER_PHASE; i++) {
          price -= 100;
          const update = { sku: 'PROD-7', price: (price / 100).toFixed(2) };
          // The record first, then the live push: a stream entry is what a reader that was away can still find.
          await addToStream(ctx.redis, stream, update);
          reached += await publishMessage(ctx.redis, channel, JSON.stringify(update));
          sent++;
        }
        return reached;
      };
      const readStream = async () => {
        const entries = await tab.read(100);
        await tab.ack(entries.map((e) => e.id));
        caughtUp += entries.length;
        return entries.length;
      };

      try {
        let sub = await connect();
        ctx.say(`a subscriber (its own connection) listens on ${channel}; the consumer group "dashboard" reads ${stream}`);
        await publishPhase();
        live += await receive(sub, PER_PHASE);
        await readStream();
        ctx.say(`both are here: the subscriber received ${live} of ${sent}, the consumer group read ${caughtUp} of ${sent}`);

        conns[0]!.disconnect();
        await untilNoSubscriber(ctx, channel);
        ctx.say("the subscriber's connection drops (a deploy, a network blip, a laptop lid closing); the consumer stops reading");
        const reachedWhileAway = await publishPhase();
        ctx.say(`${count(PER_PHASE, 'update')} published while it is away: PUBLISH reached ${count(reachedWhileAway, 'subscriber')}`);

        sub = await connect();
        const missedBack = sub.drain().length;
        const back = await readStream();
        ctx.say(
          `both come back: the new subscription gets ${count(missedBack, 'old message')} (pub/sub keeps nothing); ` +
            `XREADGROUP … > hands the consumer the ${count(back, 'entry', 'entries')} it has not been given yet`,
        );
        await publishPhase();
        live += await receive(sub, PER_PHASE);
        await readStream();
      } finally {
        for (const c of conns) c.disconnect();
      }
      ctx.table(
        ['reader', 'published', 'received', 'missed'],
        [
          ['pub/sub subscriber', sent, live, sent - live],
          ['stream consumer group', sent, caughtUp, sent - caughtUp],
        ],
      );
    },
  },
];
