// Streams with consumer groups: the library's consumer splitting a stream between two packers and fanning it out to a
// second group, then exercises creating groups (0 vs $, MKSTREAM) and reading + acknowledging as one consumer.
import { all, custom, ranCommands } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { addToStream, createStreamConsumer, sleep } from '../../patterns/index.js';
import { SHIPMENT_IDS, sid } from './setup.js';
import { consumersOf, groupOf, groupsOf } from './stream-state.js';

const ORDERS = 'messaging:orders';
const SIGNUPS = 'messaging:signups';
const SHIPMENTS = 'messaging:shipments';

async function streamGroups(ctx: LessonContext): Promise<void> {
  const stream = ctx.key('messaging:order-events');
  await ctx.claim([stream]);
  await ctx.unrecorded.unlink(stream);
  for (const [order, total] of [
    ['A-101', '19.90'],
    ['A-102', '5.00'],
    ['A-103', '42.00'],
    ['A-104', '7.50'],
  ])
    await addToStream(ctx.redis, stream, { order: order!, total: total! });
  const packer1 = createStreamConsumer(ctx.redis, { stream, group: 'shipping', consumer: 'packer-1' });
  const packer2 = createStreamConsumer(ctx.redis, { stream, group: 'shipping', consumer: 'packer-2' });
  await packer1.ensureGroup('0');
  const a = await packer1.read(2);
  const b = await packer2.read(2);
  await packer1.ack(a.map((e) => e.id));
  await packer2.ack([b[0]!.id]);
  const pending = await packer1.pending();
  ctx.say(
    `shipping split the stream: packer-1 got ${a.map((e) => e.fields.order).join(', ')}, packer-2 got ` +
      `${b.map((e) => e.fields.order).join(', ')}; packer-2 acked only one, so ${count(pending.count, 'entry', 'entries')} ${pending.count === 1 ? 'stays' : 'stay'} ` +
      `pending (${pending.consumers.map((c) => `${c.consumer}: ${c.count}`).join(', ')})`,
  );
  const invoicer = createStreamConsumer(ctx.redis, { stream, group: 'invoicing', consumer: 'inv-1' });
  await invoicer.ensureGroup('0');
  const all4 = await invoicer.read(10);
  await invoicer.ack(all4.map((e) => e.id));
  ctx.say(
    `a second group reads the same stream independently: invoicing got all ${all4.length} orders; ` +
      'each group has its own last-delivered id and its own pending list',
  );

  // A consumer with nothing to do blocks on a connection of its own, as a worker process would.
  const [conn] = await ctx.clients(1);
  const packer3 = createStreamConsumer(conn!, { stream, group: 'shipping', consumer: 'packer-3' });
  const waiting = packer3.read(1, 2000).then((entries) => ({ entries, at: performance.now() }));
  await sleep(150);
  const addedAt = performance.now();
  await addToStream(ctx.redis, stream, { order: 'A-105', total: '12.00' });
  const { entries, at } = await waiting;
  await packer3.ack(entries.map((e) => e.id));
  ctx.say(
    `packer-3 waited in XREADGROUP … BLOCK 2000 on its own connection and got ${entries[0]?.fields.order ?? 'nothing'} ` +
      `${(at - addedAt).toFixed(1)} ms after the XADD`,
  );
}

export const streamSteps: StepSpec[] = [
  { id: 'stream-groups', kind: 'code', run: streamGroups },
  {
    id: 'create-group',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(ctx, [ORDERS, SIGNUPS], async (k) => {
        for (const [i, order] of ['A-1', 'A-2', 'A-3'].entries()) await ctx.unrecorded.xadd(k(ORDERS), sid(i + 1), 'order', order);
      }),
    check: expanded(
      all(
        custom('{ns}messaging:orders with a group billing that will deliver the 3 orders already there', async (ctx) => {
          const key = ctx.key(ORDERS);
          const g = await groupOf(ctx, key, 'billing');
          if (!g) {
            const names = (await groupsOf(ctx, key)).map((x) => x.name);
            return { pass: false, actual: names.length ? `${key} has groups ${names.join(', ')}, no billing` : `${key} has no group yet` };
          }
          if (g.lastDeliveredId !== '0-0') {
            return {
              pass: false,
              actual: `billing starts after ${g.lastDeliveredId}: $ means "only entries added from now on", so the 3 orders already in the stream would never be billed`,
            };
          }
          return { pass: true, actual: 'billing starts at 0-0: the 3 orders will be delivered' };
        }),
        custom('{ns}messaging:signups: an empty stream with a group welcome', async (ctx) => {
          const key = ctx.key(SIGNUPS);
          const type = await ctx.unrecorded.type(key);
          if (type === 'none') {
            return {
              pass: false,
              actual: `${key} does not exist: XGROUP CREATE refuses a missing stream unless you add MKSTREAM`,
            };
          }
          if (type !== 'stream') return { pass: false, actual: `${key} is a ${type}` };
          const len = await ctx.unrecorded.xlen(key);
          if (len > 0) {
            return {
              pass: false,
              actual: `${key} holds ${count(len, 'entry', 'entries')} nobody signed up with: MKSTREAM creates the stream empty`,
            };
          }
          const g = await groupOf(ctx, key, 'welcome');
          return g ? { pass: true, actual: `${key} is empty, with group welcome` } : { pass: false, actual: `${key} has no group welcome` };
        }),
      ),
    ),
    hints: [
      'The id you give XGROUP CREATE is the last entry the group counts as already delivered: 0 means "before everything", $ means "the newest entry now". A group on a stream that does not exist yet needs an option that creates the stream.',
      'XGROUP CREATE key group 0   and   XGROUP CREATE key group $ MKSTREAM',
    ],
    solution: ['XGROUP CREATE {ns}messaging:orders billing 0', 'XGROUP CREATE {ns}messaging:signups welcome $ MKSTREAM'],
    wrong: [
      // $ on a stream that already has entries: those are never delivered to the group.
      ['XGROUP CREATE {ns}messaging:orders billing $', 'XGROUP CREATE {ns}messaging:signups welcome $ MKSTREAM'],
      // No MKSTREAM: "ERR The XGROUP subcommand requires the key to exist", and nothing is created.
      ['XGROUP CREATE {ns}messaging:orders billing 0', 'XGROUP CREATE {ns}messaging:signups welcome $'],
      // Creating the stream with a dummy entry: the first "signup" is fake.
      [
        'XGROUP CREATE {ns}messaging:orders billing 0',
        'XADD {ns}messaging:signups * init 1',
        'XGROUP CREATE {ns}messaging:signups welcome $',
      ],
    ],
  },
  {
    id: 'read-ack',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [SHIPMENTS], async (k) => {
        for (const [i, id] of SHIPMENT_IDS.entries()) await ctx.unrecorded.xadd(k(SHIPMENTS), id, 'order', `A-${201 + i}`);
        await ctx.unrecorded.xgroup('CREATE', k(SHIPMENTS), 'warehouse', '0');
      }),
    check: expanded(
      custom(`group warehouse: the first 2 shipments delivered to c1 and acknowledged, the other 2 not yet delivered`, async (ctx) => {
        const key = ctx.key(SHIPMENTS);
        const g = await groupOf(ctx, key, 'warehouse');
        if (!g) return { pass: false, actual: `${key} has no group warehouse (the setup made it: type :reset)` };
        const delivered = SHIPMENT_IDS.indexOf(g.lastDeliveredId) + 1;
        if (delivered === 0) {
          const ran = ranCommands(ctx.history);
          const why = ran.some((c) => c.name === 'XREAD')
            ? ': XREAD reads without a group and records no delivery; XREADGROUP … > hands out new entries'
            : ran.some((c) => c.name === 'XREADGROUP' && c.args.at(-1) !== '>')
              ? ": with an id other than >, XREADGROUP returns the consumer's own pending entries (c1 has none yet); > asks for new ones"
              : '';
          return { pass: false, actual: `nothing was delivered to the group yet${why}` };
        }
        if (delivered !== 2) {
          return {
            pass: false,
            actual: `${count(delivered, 'entry', 'entries')} delivered to the group, the task was 2 (COUNT 2) (type :reset to start over)`,
          };
        }
        const rows = (await ctx.unrecorded.call('XPENDING', key, 'warehouse', '-', '+', 10)) as [string, string][];
        if (!(await consumersOf(ctx, key, 'warehouse')).includes('c1'))
          return { pass: false, actual: 'no consumer c1 in the group: read as GROUP warehouse c1' };
        if (rows.length) {
          return {
            pass: false,
            actual: `${rows.map(([id, who]) => `${id} (${who})`).join(', ')} delivered and not acknowledged: until XACK they stay in the pending list, and a recovery would deliver them again`,
          };
        }
        return { pass: true, actual: `last-delivered-id ${g.lastDeliveredId}, nothing pending` };
      }),
    ),
    hints: [
      'XREADGROUP with the special id > asks for entries never delivered to anyone in the group; COUNT limits how many. The reply shows their ids: acknowledge those.',
      'XREADGROUP GROUP warehouse c1 COUNT 2 STREAMS key >   then   XACK key warehouse id [id …]',
    ],
    solution: [
      'XREADGROUP GROUP warehouse c1 COUNT 2 STREAMS {ns}messaging:shipments >',
      `XACK {ns}messaging:shipments warehouse ${SHIPMENT_IDS[0]} ${SHIPMENT_IDS[1]}`,
    ],
    wrong: [
      // Reads the entries, but outside the group: nothing is delivered, nothing can be acknowledged.
      ['XREAD COUNT 2 STREAMS {ns}messaging:shipments 0', `XACK {ns}messaging:shipments warehouse ${SHIPMENT_IDS[0]} ${SHIPMENT_IDS[1]}`],
      // Read and never acknowledged: both stay pending.
      ['XREADGROUP GROUP warehouse c1 COUNT 2 STREAMS {ns}messaging:shipments >'],
      // ID 0 reads c1's own pending entries (none yet), not new ones.
      [
        'XREADGROUP GROUP warehouse c1 COUNT 2 STREAMS {ns}messaging:shipments 0',
        `XACK {ns}messaging:shipments warehouse ${SHIPMENT_IDS[0]} ${SHIPMENT_IDS[1]}`,
      ],
    ],
  },
];
