// Quiz topic: Streams at depth.
import { custom, learnerReply } from '../../engine/checks.js';
import type { Topic } from '../types.js';

/** Stream `{ns}orders` with entries 1-0, 2-0, 3-0; consumer c1 of group `workers` read 1-0 and 2-0 and never acknowledged. */
const C1_HOLDS_TWO = [
  'XADD {ns}orders 1-0 item lamp',
  'XADD {ns}orders 2-0 item desk',
  'XADD {ns}orders 3-0 item chair',
  'XGROUP CREATE {ns}orders workers 0',
  'XREADGROUP GROUP workers c1 COUNT 2 STREAMS {ns}orders >',
];

/** Every string in a reply, depth first: entry IDs, field names and values, consumer names. */
function strings(reply: unknown): string[] {
  if (Array.isArray(reply)) return reply.flatMap(strings);
  if (reply === null || reply === undefined) return [];
  return [Buffer.isBuffer(reply) ? reply.toString() : String(reply)];
}

/** The extended XPENDING rows of group `workers` on `{ns}orders`: id → [owner, delivery count]. */
async function pendingRows(ctx: Parameters<Parameters<typeof custom>[1]>[0]): Promise<Map<string, [string, number]>> {
  const rows = (await ctx.unrecorded.call('XPENDING', ctx.key('orders'), 'workers', '-', '+', '100')) as [string, string, number, number][];
  return new Map(rows.map((r) => [String(r[0]), [String(r[1]), Number(r[3])]]));
}

export const topic: Topic = {
  id: 'streams',
  title: 'Streams at depth',
  intro:
    'Streams beyond the basics: consumer groups after a restart, blocking reads and their gaps, lag and entries-read, ' +
    'trimming past unprocessed entries, NOACK, delivery counts and claiming, the new consumer-group-aware deletion of ' +
    'Redis 8.2, how a stream is laid out in memory, and splitting a hot stream.',
  questions: [
    {
      id: 'streams-reread-own-pending',
      kind: 'command',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'Consumer `c1` of group `workers` on `{ns}orders` read entries 1-0 and 2-0, then its process restarted before ' +
        'acknowledging them. 3-0 has not been delivered yet. Still as `c1`, and with XREADGROUP, read back the entries ' +
        'that were delivered to you but never acknowledged, so you can finish them before taking new work.',
      setup: C1_HOLDS_TWO,
      check: learnerReply('an XREADGROUP reply with 1-0 and 2-0 (the pending entries of c1) and not 3-0', (reply, args) => {
        if (String(args[0]).toUpperCase() !== 'XREADGROUP') return false;
        const s = strings(reply);
        return s.includes('1-0') && s.includes('2-0') && !s.includes('3-0');
      }),
      answer: ['XREADGROUP GROUP workers c1 STREAMS {ns}orders 0'],
      wrong: ['XREADGROUP GROUP workers c1 STREAMS {ns}orders >'],
      explanation:
        'XREADGROUP has two modes. With the special ID `>` it returns entries never delivered to anyone in the group ' +
        "and adds them to the reader's pending entries list (PEL). With any other ID, such as `0`, it reads nothing new: " +
        "it returns the caller's own PEL from that ID on, the history of what it was given and has not acknowledged. The " +
        'usual worker loop therefore starts with ID 0 after every (re)start, processes and XACKs what comes back, and ' +
        'switches to `>` once that reply is empty. Re-reading counts as a new delivery: the delivery count of each ' +
        'returned entry goes up by one. The consumer name must be stable across restarts (a host name or pod name, not a ' +
        'random UUID), or the old PEL is orphaned and only XAUTOCLAIM from another consumer recovers it.',
      proof: [
        ...C1_HOLDS_TWO,
        'XREADGROUP GROUP workers c1 STREAMS {ns}orders 0',
        'XREADGROUP GROUP workers c1 STREAMS {ns}orders >',
        'XPENDING {ns}orders workers - + 10',
      ],
    },
    {
      id: 'streams-xread-dollar',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question: 'The stream already holds three entries and nobody adds more. What does the blocking read reply after its 100 ms timeout?',
      setup: ['XADD {ns}ticks 1-0 price 10', 'XADD {ns}ticks 2-0 price 11', 'XADD {ns}ticks 3-0 price 12'],
      commands: ['XREAD BLOCK 100 STREAMS {ns}ticks $'],
      answer: '(nil)',
      explanation:
        '`$` means "the last ID in the stream at the moment this call starts": the read waits for entries added after ' +
        'it, and the three existing ones are never returned. When the timeout passes with nothing new, XREAD replies ' +
        'with a null. To read existing entries pass an ID (0 for everything, or the last ID you processed); `+` (7.4+) ' +
        'returns the last entry.',
      proof: ['XADD {ns}ticks 1-0 price 10', 'XREAD BLOCK 100 STREAMS {ns}ticks $', 'XREAD COUNT 10 STREAMS {ns}ticks 0'],
    },
    {
      id: 'streams-xread-gap',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'A dashboard tails a stream with a loop: `XREAD BLOCK 5000 STREAMS events $`, handle the reply, repeat. Under ' +
        'load it misses some events. Why, and what is the fix?',
      options: [
        {
          text: 'Every call starts again from the newest entry, so entries added while the client handled the previous reply fall in the gap; pass the ID of the last entry received instead of `$` on every call after the first',
          correct: true,
          why: '`$` is resolved when each call starts. Passing the last seen ID makes the reads contiguous: XREAD returns everything after it at once, blocking only when there is nothing new.',
        },
        {
          text: 'BLOCK drops entries that arrive while the client is blocked; use a smaller timeout',
          correct: false,
          why: 'Entries that arrive during the block are what wakes the client; the loss happens between calls, and a shorter timeout only makes more calls and more gaps.',
        },
        {
          text: 'XREAD returns one entry per call; add COUNT 1000',
          correct: false,
          why: 'Without COUNT, XREAD returns everything newer than the ID. COUNT bounds a reply, it does not close the gap.',
        },
        {
          text: 'Streams cap the number of readers; use a consumer group',
          correct: false,
          why: 'Any number of clients may XREAD a stream. A group is the fix only if the readers should share the work; each group then tracks its own position with last-delivered-id.',
        },
      ],
      explanation:
        'XREAD keeps no state on the server: the client owns its position. Use `$` only for the very first call (or ' +
        'start from a stored ID after a restart), then always pass the ID of the last entry you got. Consumer groups ' +
        'keep the position on the server instead (last-delivered-id), which is why `>` has no such gap.',
      proof: [
        'XADD {ns}events 1-0 type a',
        'XADD {ns}events 2-0 type b',
        'XREAD COUNT 100 STREAMS {ns}events 1-0',
        'XREAD BLOCK 100 STREAMS {ns}events 2-0',
      ],
    },
    {
      id: 'streams-group-from-now',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'A new service needs a consumer group `audit` on `{ns}events` that only sees events added from now on. The ' +
        'producer has not written anything yet, so the stream does not exist. Create the group in one command.',
      setup: [],
      check: custom('stream {ns}events exists with a group named audit', async (ctx) => {
        const key = ctx.key('events');
        if ((await ctx.unrecorded.type(key)) !== 'stream') return { pass: false, actual: `${key} is not a stream` };
        const groups = (await ctx.unrecorded.call('XINFO', 'GROUPS', key)) as unknown[][];
        const names = groups.map((g) => String(g[1]));
        return { pass: names.includes('audit'), actual: names.length ? `groups: ${names.join(', ')}` : 'no groups' };
      }),
      answer: ['XGROUP CREATE {ns}events audit $ MKSTREAM'],
      wrong: ['XGROUP CREATE {ns}events audit $'],
      explanation:
        'XGROUP CREATE needs an existing stream unless you add MKSTREAM, which creates an empty one; without it the ' +
        'server replies with an error. The ID sets where the group starts: `$` means after the current last entry (new ' +
        'events only), `0` means the whole history. Creating groups at deploy time with MKSTREAM avoids a race with the ' +
        'first producer; a BUSYGROUP error on redeploy just means the group already exists.',
      proof: ['XGROUP CREATE {ns}events audit $ MKSTREAM', 'XINFO GROUPS {ns}events'],
    },
    {
      id: 'streams-lag-entries-read',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'Since Redis 7.0, `XINFO GROUPS` reports `entries-read` and `lag` for each group. Which statements are true? (Pick all that apply.)',
      options: [
        {
          text: '`lag` is how many entries the group has not had delivered yet: roughly entries-added of the stream minus entries-read of the group',
          correct: true,
          why: 'It is computed from two counters, so reading it costs O(1) however long the stream is.',
        },
        {
          text: '`lag` becomes null when Redis cannot compute it cheaply, for example after XDEL removed an entry the group has not read yet',
          correct: true,
          why: 'A deleted entry ahead of the group breaks the counter arithmetic; the value comes back once the group has read past it.',
        },
        {
          text: '`lag` counts the entries delivered but not acknowledged',
          correct: false,
          why: 'That is `pending` (the size of the PEL). A group can have lag 0 and thousands of pending entries whose consumers died.',
        },
        {
          text: '`entries-read` is the number of entries the group has acknowledged',
          correct: false,
          why: 'It counts entries delivered to the group (its logical position in the stream), acknowledged or not; it is null when unknown, for example for a group just created with `$`.',
        },
      ],
      explanation:
        'Monitor both numbers: `lag` tells you consumers are falling behind the producers, `pending` tells you entries ' +
        'were handed out and not finished (crashed consumers, poison messages). Before 7.0 the only way to estimate lag ' +
        'was comparing last-delivered-id with the last entry ID. Trimming can make the number approximate: on Redis ' +
        '7.0 and Valkey 8.1 a group whose unread entries were trimmed away still counts them in `lag`, while Redis 8.0 ' +
        'counts only what is left. `XINFO STREAM key FULL` shows the same per-group data plus every PEL entry and consumer, so limit it with ' +
        'COUNT on big streams.',
      proof: [
        'XADD {ns}s 1-0 a 1',
        'XADD {ns}s 2-0 a 2',
        'XADD {ns}s 3-0 a 3',
        'XGROUP CREATE {ns}s g 0',
        'XREADGROUP GROUP g c1 COUNT 1 STREAMS {ns}s >',
        'XINFO GROUPS {ns}s',
        'XDEL {ns}s 3-0',
        'XINFO GROUPS {ns}s',
      ],
    },
    {
      id: 'streams-xpending-idle',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question:
        'c1 has just read two entries and not acknowledged them. A recovery job asks for pending entries idle for more ' +
        'than a minute. What does it get?',
      setup: C1_HOLDS_TWO,
      commands: ['XPENDING {ns}orders workers IDLE 60000 - + 10'],
      answer: '(empty array)',
      explanation:
        'The extended form of XPENDING lists pending entries with owner, milliseconds since the last delivery, and ' +
        'delivery count; the IDLE filter (6.2+) keeps only entries idle at least that long. The entries were delivered ' +
        'milliseconds ago, so none qualifies. That is the point of the filter: a recovery job must not steal work a ' +
        'healthy consumer is still doing, so it claims only entries idle longer than the longest normal processing time. ' +
        'The summary form (`XPENDING key group`) gives the count, the smallest and largest pending IDs, and the count per consumer.',
      proof: [...C1_HOLDS_TWO, 'XPENDING {ns}orders workers', 'XPENDING {ns}orders workers IDLE 0 - + 10 c1'],
    },
    {
      id: 'streams-claim-vs-autoclaim',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'XCLAIM or XAUTOCLAIM? Which statements are true? (Pick all that apply.)',
      options: [
        {
          text: 'XAUTOCLAIM (6.2+) scans the PEL from a start ID and returns a cursor to continue from, so one call per batch replaces an XPENDING plus an XCLAIM',
          correct: true,
          why: 'It takes entries idle at least min-idle-time, up to COUNT (100 by default), and replies with the next start ID; 0-0 means the scan is complete.',
        },
        {
          text: 'Both take a min-idle-time, and an entry whose idle time is below it is left alone, so two recovery workers racing for the same entry cannot both win',
          correct: true,
          why: 'Claiming resets the idle time, so the second claimer finds the entry no longer idle enough.',
        },
        {
          text: 'Since 7.0, pending entries that no longer exist in the stream are dropped from the PEL, and XAUTOCLAIM lists their IDs in a third element of its reply',
          correct: true,
          why: 'Before 7.0 such entries came back as nil and stayed pending forever.',
        },
        {
          text: 'XCLAIM can only take entries from a consumer that has been deleted',
          correct: false,
          why: 'It moves pending entries from any consumer; deleting a consumer with XGROUP DELCONSUMER discards its pending entries instead.',
        },
      ],
      explanation:
        'XCLAIM takes the IDs you name (typically found with XPENDING … IDLE), with options to set IDLE, TIME or ' +
        'RETRYCOUNT, FORCE to create PEL entries, and JUSTID to return IDs only. XAUTOCLAIM does the scan for you and is ' +
        'what recovery loops use today. Both increment the delivery count unless JUSTID is given, and both make the ' +
        'claiming consumer the new owner.',
      proof: [
        ...C1_HOLDS_TWO,
        'XAUTOCLAIM {ns}orders workers c2 0 0-0 COUNT 1',
        'XAUTOCLAIM {ns}orders workers c2 0 2-0 COUNT 1',
        'XCLAIM {ns}orders workers c3 0 1-0 JUSTID',
      ],
    },
    {
      id: 'streams-claim-justid',
      kind: 'command',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'c1 holds entries 1-0 and 2-0 of group `workers` on `{ns}orders`. You are rebalancing, not retrying: move only ' +
        'entry 2-0 to consumer `c2` without counting it as another delivery attempt, since your dead-letter rule uses ' +
        'the delivery count. Use a min-idle-time of 0 here.',
      setup: C1_HOLDS_TWO,
      check: custom('2-0 pending on c2 with delivery count 1, 1-0 still on c1', async (ctx) => {
        const rows = await pendingRows(ctx);
        const moved = rows.get('2-0');
        const kept = rows.get('1-0');
        const pass = moved?.[0] === 'c2' && moved[1] === 1 && kept?.[0] === 'c1';
        const actual = [...rows].map(([id, [owner, n]]) => `${id} on ${owner} (${n} deliveries)`).join(', ');
        return { pass, actual: actual || 'nothing pending' };
      }),
      answer: ['XCLAIM {ns}orders workers c2 0 2-0 JUSTID'],
      wrong: ['XCLAIM {ns}orders workers c2 0 2-0'],
      explanation:
        'Each XREADGROUP delivery, each re-read of the PEL and each XCLAIM or XAUTOCLAIM increments the delivery count, ' +
        'except with JUSTID, which transfers ownership and replies with IDs only. The new owner then reads the entry ' +
        'from its own PEL (XREADGROUP with ID 0), which counts as the delivery. XCLAIM also accepts RETRYCOUNT to set the ' +
        'counter explicitly.',
      proof: [...C1_HOLDS_TWO, 'XCLAIM {ns}orders workers c2 0 2-0 JUSTID', 'XPENDING {ns}orders workers - + 10'],
    },
    {
      id: 'streams-delivery-count',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'Your dead-letter rule moves an entry to `orders:dead` once its delivery count (the fourth field of extended ' +
        'XPENDING) exceeds 5. Which operations increase that count? (Pick all that apply.)',
      options: [
        {
          text: 'XREADGROUP with `>` delivering the entry for the first time',
          correct: true,
          why: 'The entry enters the PEL with a count of 1.',
        },
        {
          text: 'XREADGROUP with ID 0, a consumer re-reading its own pending entries after a restart',
          correct: true,
          why: 'A re-read is a delivery: the count rises and the idle time resets. A consumer that crashes on an entry and restarts therefore drives its count up too.',
        },
        {
          text: 'XCLAIM or XAUTOCLAIM without JUSTID',
          correct: true,
          why: 'Claiming hands the entry out again.',
        },
        {
          text: 'XPENDING, when it lists the entry',
          correct: false,
          why: 'XPENDING only reads the PEL.',
        },
        {
          text: 'XACK',
          correct: false,
          why: 'XACK removes the entry from the PEL, count and all.',
        },
      ],
      explanation:
        'The delivery count lives in the PEL entry and measures how many times the entry was handed out, which makes ' +
        'it the natural poison-message signal. The dead-letter step copies the entry (XRANGE id id, then XADD to the ' +
        'dead-letter stream) and XACKs it, ideally in a MULTI or a script so a crash between the two cannot lose or ' +
        'duplicate it. Keep the threshold above the retries a transient outage needs.',
      proof: [
        ...C1_HOLDS_TWO,
        'XREADGROUP GROUP workers c1 STREAMS {ns}orders 0',
        'XAUTOCLAIM {ns}orders workers c2 0 0-0',
        'XPENDING {ns}orders workers - + 10',
      ],
    },
    {
      id: 'streams-trim-pending',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'c1 holds entries 1-0 and 2-0 unacknowledged. A maintenance job trims the stream to its newest entry. What does ' +
        'the XPENDING summary reply now?',
      setup: C1_HOLDS_TWO,
      commands: ['XTRIM {ns}orders MAXLEN 1', 'XPENDING {ns}orders workers'],
      answer: '1) (integer) 2 2) "1-0" 3) "2-0" 4) 1) 1) "c1" 2) "2"',
      explanation:
        'MAXLEN and MINID know nothing about consumer groups: they drop old entries whether or not they were delivered ' +
        'or acknowledged. The PEL keeps the IDs, which now point at nothing, so pending counts lie and the data is gone ' +
        'for good. Since 7.0, XCLAIM and XAUTOCLAIM drop such dangling IDs from the PEL (XAUTOCLAIM lists them in a ' +
        'third reply element) instead of returning nils. Size MAXLEN or MINID to keep far more than consumers can fall ' +
        'behind, alert on lag, or on Redis 8.2+ trim with the ACKED option, which only removes entries every group has ' +
        'acknowledged.',
      proof: [...C1_HOLDS_TWO, 'XTRIM {ns}orders MAXLEN 1', 'XPENDING {ns}orders workers', 'XAUTOCLAIM {ns}orders workers c2 0 0-0'],
    },
    {
      id: 'streams-noack',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question: 'A consumer reads both entries of the stream with NOACK. What does the XPENDING summary reply?',
      setup: ['XADD {ns}metrics 1-0 cpu 40', 'XADD {ns}metrics 2-0 cpu 42', 'XGROUP CREATE {ns}metrics graphs 0'],
      commands: ['XREADGROUP GROUP graphs c1 NOACK STREAMS {ns}metrics >', 'XPENDING {ns}metrics graphs'],
      answer: '1) (integer) 0 2) (nil) 3) (nil) 4) (nil)',
      explanation:
        'NOACK delivers entries without adding them to the PEL: they count as acknowledged the moment they are read. ' +
        'That saves the XACK round trip and the PEL memory, at the price of at-most-once delivery: if the consumer dies ' +
        'mid-batch, those entries are never redelivered. It suits data where the next entry supersedes the last ' +
        '(metrics, positions), not orders or payments.',
      proof: [
        'XADD {ns}metrics 1-0 cpu 40',
        'XGROUP CREATE {ns}metrics graphs 0',
        'XREADGROUP GROUP graphs c1 NOACK STREAMS {ns}metrics >',
        'XPENDING {ns}metrics graphs',
      ],
    },
    {
      id: 'streams-delconsumer',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question: 'A cleanup job removes consumer c1, which still holds two unacknowledged entries. What does XGROUP DELCONSUMER reply?',
      setup: C1_HOLDS_TWO,
      commands: ['XGROUP DELCONSUMER {ns}orders workers c1'],
      answer: '(integer) 2',
      explanation:
        'The reply is the number of pending entries the consumer had, and they are discarded with it: they leave the ' +
        'PEL and will never be redelivered, although they are still in the stream. Before deleting idle consumers ' +
        '(XINFO CONSUMERS shows `idle`, and since 7.2 `inactive`), claim their entries with XAUTOCLAIM and delete only ' +
        'consumers whose pending count is 0. Consumers are created implicitly by XREADGROUP and XCLAIM, so fleets with ' +
        'random consumer names accumulate dead ones.',
      proof: [
        ...C1_HOLDS_TWO,
        'XINFO CONSUMERS {ns}orders workers',
        'XAUTOCLAIM {ns}orders workers c2 0 0-0',
        'XGROUP DELCONSUMER {ns}orders workers c1',
      ],
    },
    {
      id: 'streams-redis82-ackdel',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 8.2+ (not in Valkey 8)',
      question:
        'Redis 8.2 added XACKDEL, XDELEX and the KEEPREF / DELREF / ACKED options of XADD and XTRIM. What problems do they solve? (Pick all that apply.)',
      options: [
        {
          text: 'XACKDEL acknowledges entries in one group and deletes them from the stream atomically, for streams used as a work queue',
          correct: true,
          why: 'Before, that took an XACK plus an XDEL (two commands, or a script).',
        },
        {
          text: 'Trimming with ACKED removes only entries that every consumer group has read and acknowledged, so trimming no longer destroys unprocessed work',
          correct: true,
          why: 'Plain MAXLEN or MINID ignore groups; ACKED makes the trim group-aware.',
        },
        {
          text: 'DELREF also removes the deleted entries from every group’s PEL, so no dangling pending IDs remain',
          correct: true,
          why: 'KEEPREF, the default, keeps the old behaviour: entries leave the stream, references stay in the PELs.',
        },
        {
          text: 'They make streams exactly-once',
          correct: false,
          why: 'Delivery is still at-least-once; consumers must still be idempotent.',
        },
        {
          text: 'They are available in every server since Redis 7.0',
          correct: false,
          why: 'They need Redis 8.2; Redis 8.0 and Valkey 8 reply with an unknown-command error.',
        },
      ],
      explanation:
        'Until 8.2, a stream shared by several groups could only be trimmed by count or age, which either keeps too much ' +
        'or drops entries some group still needs, and XDEL left PEL references behind. The 8.2 options make deletion ' +
        'aware of consumer groups; XACKDEL and XDELEX reply with one code per ID. Check the server version before relying on ' +
        'them: client libraries expose them only against 8.2+, and Valkey 8 does not have them.',
    },
    {
      id: 'streams-clock-behind',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'A migration copied entries with explicit IDs, the last one `9999999999999-0`, which is in the far future. What ' +
        'ID does the next auto-generated XADD get?',
      setup: ['XADD {ns}log 9999999999999-0 event migrated'],
      commands: ['XADD {ns}log * event live'],
      answer: '"9999999999999-1"',
      explanation:
        'An auto-generated ID is the current Unix time in milliseconds, unless the last ID of the stream is already ' +
        'higher: then Redis keeps that millisecond part and increments the sequence. IDs therefore always increase even ' +
        'when the clock goes backwards (a failover to a replica with a slower clock, an NTP step), but a stream whose ' +
        'top ID is in the future stops reflecting time: MINID trimming and time-range XRANGE no longer mean what you ' +
        'expect. Never write explicit IDs from an untrusted clock.',
      proof: ['XADD {ns}log 9999999999999-0 event migrated', 'XADD {ns}log * event live', 'XINFO STREAM {ns}log'],
    },
    {
      id: 'streams-deleted-top-id',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question: 'The newest entry 2-0 is deleted, then a producer retries writing 2-0 with an explicit ID. What does XADD reply?',
      setup: ['XADD {ns}audit 1-0 user ada', 'XADD {ns}audit 2-0 user bob', 'XDEL {ns}audit 2-0'],
      commands: ['XADD {ns}audit 2-0 user bob'],
      answer: '(error) ERR The ID specified in XADD is equal or smaller than the target stream top item',
      explanation:
        'A stream remembers its last generated ID separately from its entries: deleting or trimming the top entry does ' +
        'not lower it, so XADD cannot reuse an ID (XINFO STREAM shows `last-generated-id` and, since 7.0, ' +
        '`max-deleted-entry-id`). That is what keeps consumers that store "last seen ID" correct: an ID they saw can ' +
        'never come back with other content. For idempotent producers, deduplicate on a business key instead of ' +
        'relying on explicit IDs being rejected.',
      proof: ['XADD {ns}audit 1-0 user ada', 'XADD {ns}audit 2-0 user bob', 'XDEL {ns}audit 2-0', 'XINFO STREAM {ns}audit'],
    },
    {
      id: 'streams-nomkstream',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question:
        'A producer appends to a per-user activity stream only if the user still has one (it is deleted when the account ' +
        'closes). The stream does not exist. What does this XADD reply?',
      commands: ['XADD {ns}activity:42 NOMKSTREAM * action login'],
      answer: '(nil)',
      explanation:
        'XADD normally creates the stream. NOMKSTREAM (6.2+) makes it a no-op on a missing key, replying with a null ' +
        'instead of an ID, so a late producer cannot resurrect a stream you deleted on purpose (and with it, an ' +
        'untrimmed key nobody reads). It combines with MAXLEN or MINID trimming in the same call.',
      proof: ['XADD {ns}activity:42 NOMKSTREAM * action login', 'EXISTS {ns}activity:42'],
    },
    {
      id: 'streams-memory-layout',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question: 'How is a stream stored in memory, and what follows from it? (Pick all that apply.)',
      options: [
        {
          text: 'A radix tree whose nodes are listpacks holding up to `stream-node-max-entries` (100) entries or `stream-node-max-bytes` (4096) bytes each',
          correct: true,
          why: 'Entries are packed densely, and lookups by ID walk the radix tree to the right node.',
        },
        {
          text: 'Entries with the same field names as the first entry of their node store only their values, so uniform field sets save a lot of memory',
          correct: true,
          why: 'The first entry of each node is the master entry; later entries with the same fields are flagged and skip the names. IDs are stored as deltas too.',
        },
        {
          text: 'XDEL only marks an entry deleted; the memory comes back when every entry of its node is gone',
          correct: true,
          why: 'That is why trimming with `~` removes whole nodes: it is cheap and frees memory at once.',
        },
        {
          text: 'Each entry is a separate hash key, so a stream of a million entries is a million keys',
          correct: false,
          why: 'A stream is one key. That is also why a single stream lives on a single node of a cluster.',
        },
      ],
      explanation:
        'A stream is a compact log: many entries per listpack node, field names shared with the master entry, IDs ' +
        'delta-encoded. Producers that vary their field sets from entry to entry lose the field sharing. Consumer groups ' +
        'add a PEL per group (a radix tree keyed by ID) plus one per consumer, so millions of unacknowledged entries cost ' +
        'memory too. `MEMORY USAGE key` samples nodes, so pass SAMPLES 0 for an exact figure on a small stream.',
      proof: [
        'CONFIG GET stream-node-max-entries',
        'CONFIG GET stream-node-max-bytes',
        'XADD {ns}mem * a 1 b 2',
        'XADD {ns}mem * a 3 b 4',
        'MEMORY USAGE {ns}mem SAMPLES 0',
      ],
    },
    {
      id: 'streams-split-hot-stream',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'One `orders` stream takes 150,000 XADDs per second and its node in the cluster is saturated, while other nodes ' +
        'idle. How do you scale it, and what do you give up?',
      keyPoints: [
        'A stream is one key, so it lives in one hash slot on one primary: no cluster can spread it. Split it into N streams (orders:0 … orders:N-1) with no shared hash tag, so they land in different slots and nodes.',
        'Route each producer by a stable partition key (hash of the order or customer ID modulo N), so all events of one entity stay in one stream and keep their order.',
        'Run the same consumer group on every partition and assign partitions to consumers; ordering holds within a partition, not across them.',
        'Pick N generously up front: changing N moves keys to other partitions and breaks per-key ordering during the switch, as with Kafka partitions.',
        'Trim, monitor lag and pending, and XAUTOCLAIM per partition; one XREADGROUP can read several streams only if they share a slot, so consumers read per node.',
      ],
      explanation:
        'Scaling a stream means partitioning it by key, exactly like a Kafka topic: throughput grows with the number of ' +
        'partitions, ordering is per partition, and consumers are assigned partitions. Before splitting, check cheaper ' +
        'wins: pipelining the XADDs, batching several events per entry, approximate trimming (`MAXLEN ~`), and the I/O ' +
        'threads of newer servers. If a few keys dominate (one giant customer), a hash partition still concentrates ' +
        'them, so measure the distribution.',
    },
  ],
};
