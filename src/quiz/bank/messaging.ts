// Quiz topic "messaging": Pub/Sub (classic, pattern, sharded), list queues, streams and consumer groups, keyspace notifications.
import { all, custom, listEquals } from '../../engine/checks.js';
import type { Topic } from '../types.js';

/** A stream with three orders and a group in which consumer c1 read two of them and never acknowledged. */
const CRASHED_CONSUMER = [
  'XADD {ns}orders 1-0 item lamp',
  'XADD {ns}orders 2-0 item desk',
  'XADD {ns}orders 3-0 item chair',
  'XGROUP CREATE {ns}orders workers 0',
  'XREADGROUP GROUP workers c1 COUNT 2 STREAMS {ns}orders >',
];

export const topic: Topic = {
  id: 'messaging',
  title: 'Messaging: Pub/Sub, queues and streams',
  intro:
    'Redis offers three ways to move messages: Pub/Sub (fire-and-forget broadcast), lists (simple work queues) and ' +
    'streams (an append-only log with consumer groups, acknowledgements and replay). Interviews test whether you can ' +
    'match the tool to the delivery guarantee you need and run it safely: what happens when a consumer is offline or ' +
    'crashes, how to bound memory, and how to recover messages that got stuck.',
  questions: [
    {
      id: 'messaging-pubsub-offline',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'A subscriber to channel `orders` is disconnected for 10 seconds while 50 messages are published. What happens to them?',
      options: [
        {
          text: 'That subscriber never gets them: Pub/Sub keeps no copy and only delivers to clients connected at publish time',
          correct: true,
          why: 'Pub/Sub is at-most-once delivery with no storage.',
        },
        {
          text: 'Redis buffers them and delivers them when the subscriber reconnects',
          correct: false,
          why: 'There is no backlog that survives a disconnect. If consumers must catch up, use a stream.',
        },
        {
          text: 'PUBLISH blocks until the subscriber is back',
          correct: false,
          why: 'PUBLISH returns at once with the number of clients that received the message.',
        },
        {
          text: 'They are stored in a key named `orders`',
          correct: false,
          why: 'Channels are not keys; nothing is written to the keyspace.',
        },
      ],
      explanation:
        'Pub/Sub forwards each message to the subscribers connected at that moment and forgets it. Even connected ' +
        'subscribers can lose messages: one that reads too slowly is disconnected when its output buffer passes ' +
        '`client-output-buffer-limit pubsub` (32 MB at once, or 8 MB for 60 seconds, by default). Use Pub/Sub for ' +
        'ephemeral signals such as cache invalidation or live UI updates, and streams when messages must not be lost.',
      proof: ['PUBLISH {ns}orders "order 42 created"'],
    },
    {
      id: 'messaging-pattern-twice',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.0+ · Valkey 7.2+',
      question:
        'One connection runs `SUBSCRIBE news.sports` and `PSUBSCRIBE news.*`. Someone publishes to `news.sports`. What ' +
        'does that connection receive?',
      options: [
        {
          text: 'Two messages: a `message` for the channel subscription and a `pmessage` for the pattern',
          correct: true,
          why: 'Redis delivers once per matching subscription, and PUBLISH counts both deliveries in its reply.',
        },
        {
          text: 'One message: Redis deduplicates per connection',
          correct: false,
          why: 'There is no deduplication; the client must handle the duplicate.',
        },
        {
          text: 'Only the pattern message, because patterns take precedence',
          correct: false,
          why: 'Neither kind takes precedence; both fire.',
        },
        {
          text: 'An error: a connection cannot mix channel and pattern subscriptions',
          correct: false,
          why: 'Mixing them is allowed.',
        },
      ],
      explanation:
        'A client subscribed to a channel and to a pattern matching it, or to several matching patterns, receives the ' +
        'message once per match. Patterns also cost CPU on every PUBLISH, since each message is checked against every ' +
        'pattern subscription. On RESP2 (7.0+) a subscribed connection may only run (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, ' +
        'RESET and QUIT, which is why clients use a dedicated connection for subscriptions; RESP3 lifts that limit.',
      proof: ['PUBSUB NUMSUB news.sports', 'PUBSUB NUMPAT', 'PUBLISH {ns}news.sports goal'],
    },
    {
      id: 'messaging-sharded-pubsub',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'Why did Redis 7.0 add sharded Pub/Sub (`SSUBSCRIBE`, `SPUBLISH`)?',
      options: [
        {
          text: 'In a cluster, PUBLISH is broadcast to every node; a shard channel hashes to a slot like a key, so its messages stay inside the shard that owns the slot',
          correct: true,
          why: 'Adding shards then adds Pub/Sub capacity instead of adding broadcast traffic.',
        },
        {
          text: 'To keep messages until subscribers acknowledge them',
          correct: false,
          why: 'Sharded Pub/Sub is still fire-and-forget; acknowledgements are a stream feature.',
        },
        {
          text: 'To allow pattern subscriptions across shards',
          correct: false,
          why: 'There is no pattern form of sharded subscribe.',
        },
        {
          text: 'Because PUBLISH does not work in cluster mode',
          correct: false,
          why: 'It works, by broadcasting every message over the cluster bus, which is exactly what does not scale.',
        },
      ],
      explanation:
        'Classic Pub/Sub in Redis Cluster sends every message to every node, so bigger clusters pay more per message. ' +
        'Sharded Pub/Sub (7.0+) maps each shard channel to a hash slot; subscribers connect to a node of the owning ' +
        'shard (primary or replica) and the message travels only within it. Delivery semantics are unchanged: ' +
        'at-most-once, nothing stored.',
      proof: ['SPUBLISH {ns}user:42:notifications "new message"', 'PUBSUB SHARDCHANNELS'],
    },
    {
      id: 'messaging-reliable-queue',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question:
        'Producers RPUSH jobs onto `{ns}queue:jobs`, so the oldest is on the left. As a worker, take the oldest job in a ' +
        'way that cannot lose it if you crash before finishing: move it atomically onto `{ns}queue:processing`.',
      setup: ['RPUSH {ns}queue:jobs job1 job2 job3'],
      check: all(listEquals('queue:jobs', ['job2', 'job3']), listEquals('queue:processing', ['job1'])),
      answer: ['LMOVE {ns}queue:jobs {ns}queue:processing LEFT RIGHT'],
      wrong: ['LPOP {ns}queue:jobs'],
      explanation:
        'LPOP and BLPOP hand the job to the worker and delete it from Redis in the same step; if the worker dies, the ' +
        'job is gone. LMOVE, and its blocking form BLMOVE (both 6.2+, replacing the deprecated RPOPLPUSH and ' +
        'BRPOPLPUSH), pop and push atomically, so the job waits in the processing list until the worker removes it with ' +
        '`LREM` after success. A reaper moves jobs back from processing lists whose workers died.',
      proof: [
        'RPUSH {ns}queue:jobs job1 job2',
        'BLMOVE {ns}queue:jobs {ns}queue:processing LEFT RIGHT 5',
        'LREM {ns}queue:processing 1 job1',
      ],
    },
    {
      id: 'messaging-approximate-trim',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'Every XADD asks to keep the stream at about 3 entries with `MAXLEN ~ 3`. With the default configuration, how long ' +
        'is the stream after five adds?',
      commands: [
        'XADD {ns}log MAXLEN ~ 3 * msg a',
        'XADD {ns}log MAXLEN ~ 3 * msg b',
        'XADD {ns}log MAXLEN ~ 3 * msg c',
        'XADD {ns}log MAXLEN ~ 3 * msg d',
        'XADD {ns}log MAXLEN ~ 3 * msg e',
        'XLEN {ns}log',
      ],
      answer: '(integer) 5',
      explanation:
        "With `~` Redis only removes whole nodes of the stream's internal radix tree, each holding up to " +
        '`stream-node-max-entries` entries (100 by default, and at most `stream-node-max-bytes`), so with the default ' +
        'configuration a five-entry stream is not trimmed at all. Approximate ' +
        'trimming is much cheaper and is what you want in production: the length stays at or a little above the ' +
        'threshold. Use `MAXLEN 3` (or `MAXLEN = 3`) for an exact cap, or `MINID` (6.2+) to trim by age.',
      proof: ['XADD {ns}log MAXLEN ~ 1000 * msg a', 'XADD {ns}log MAXLEN 3 * msg b', 'XTRIM {ns}log MINID 1767225600000'],
    },
    {
      id: 'messaging-xack-undelivered',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'Stream `{ns}orders` holds entries 1-0, 2-0 and 3-0. Consumer c1 of group `workers` has read the first two and ' +
        'not acknowledged them. It now acknowledges 1-0 and 3-0. What does XACK reply?',
      setup: CRASHED_CONSUMER,
      commands: ['XACK {ns}orders workers 1-0 3-0'],
      answer: '(integer) 1',
      explanation:
        "XACK counts only entries that were in the group's pending entries list (PEL). 1-0 was delivered and pending, so " +
        'it is removed; 3-0 was never delivered to anyone in the group, so there was nothing to acknowledge. 2-0 stays ' +
        'pending on c1 until it is acknowledged or claimed by another consumer.',
      proof: [...CRASHED_CONSUMER, 'XACK {ns}orders workers 1-0 3-0', 'XPENDING {ns}orders workers'],
    },
    {
      id: 'messaging-claim-stuck',
      kind: 'command',
      level: 'advanced',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question:
        'Consumer `c1` of group `workers` read entries 1-0 and 2-0 from `{ns}orders`, then crashed without acknowledging ' +
        'them. As consumer `c2`, take over every pending entry of the group. Use a min-idle-time of 0 here; in production ' +
        'you would pass something like 60000 ms.',
      setup: CRASHED_CONSUMER,
      check: custom('entries 1-0 and 2-0 pending on consumer c2', async (ctx) => {
        const rows = (await ctx.unrecorded.call('XPENDING', ctx.key('orders'), 'workers', '-', '+', '10')) as [
          string,
          string,
          number,
          number,
        ][];
        const owners = new Map(rows.map((r) => [String(r[0]), String(r[1])]));
        const pass = owners.get('1-0') === 'c2' && owners.get('2-0') === 'c2';
        return { pass, actual: rows.length ? rows.map((r) => `${r[0]} on ${r[1]}`).join(', ') : 'nothing pending' };
      }),
      answer: ['XAUTOCLAIM {ns}orders workers c2 0 0-0'],
      wrong: ['XREADGROUP GROUP workers c2 STREAMS {ns}orders >'],
      explanation:
        "Entries a consumer read but never acknowledged stay in the group's pending list, owned by that consumer; reading " +
        'with `>` only returns entries never delivered, so c2 would just get 3-0. XAUTOCLAIM (6.2+) scans the pending ' +
        'list from a start ID and transfers entries idle longer than min-idle-time to the caller; XCLAIM does the same ' +
        'for IDs you list after looking them up with XPENDING. Each claim increments the delivery count, the signal for ' +
        'detecting poison messages.',
      proof: [
        ...CRASHED_CONSUMER,
        'XPENDING {ns}orders workers - + 10',
        'XAUTOCLAIM {ns}orders workers c2 0 0-0 COUNT 100',
        'XPENDING {ns}orders workers - + 10',
      ],
    },
    {
      id: 'messaging-delivery-guarantee',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'A stream consumer writes an order to the database and crashes before XACK. Another consumer later claims the ' +
        'entry. What delivery guarantee is this, and what must consumers do?',
      options: [
        {
          text: 'At-least-once: an entry can be processed twice, so processing must be idempotent (for example, deduplicate by entry ID)',
          correct: true,
          why: 'Unacknowledged entries are redelivered, and Redis cannot know whether your side effect already happened.',
        },
        {
          text: 'Exactly-once: XACK makes the processing transactional',
          correct: false,
          why: 'XACK and your database write live in different systems; nothing commits them together.',
        },
        {
          text: 'At-most-once: unacknowledged entries are dropped after a timeout',
          correct: false,
          why: 'Pending entries stay in the PEL until they are acknowledged or claimed; nothing expires them.',
        },
        {
          text: 'At-least-once, and Redis filters the duplicates for you',
          correct: false,
          why: "Redis has no idea which deliveries were processed; deduplication is the consumer's job.",
        },
      ],
      explanation:
        'Consumer groups track delivered-but-unacknowledged entries, so a crash leads to redelivery rather than loss. ' +
        'Make handlers idempotent: record the processed entry ID together with the effect in one database transaction, ' +
        'or guard with a `SET processed:<id> 1 NX EX …` key. Redis itself can also lose recent writes: with AOF ' +
        '`everysec` about a second of XADDs on a crash (up to about two when fsync lags), and acknowledged writes on a failover, because replication is ' +
        'asynchronous.',
    },
    {
      id: 'messaging-keyspace-notifications',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'You want to react when session keys expire, using keyspace notifications. Which statements are true? (Pick all that apply.)',
      options: [
        {
          text: 'They are off by default; `notify-keyspace-events Ex` enables expired events on the keyevent channel',
          correct: true,
          why: 'The default is an empty string because notifications cost CPU; E selects keyevent channels and x the expired events.',
        },
        {
          text: 'The expired event fires when Redis actually deletes the key, on access or by the background expiry cycle, which can be later than the TTL moment',
          correct: true,
          why: 'Redis does not schedule a timer per key; it finds expired keys lazily or by sampling.',
        },
        {
          text: 'They travel over Pub/Sub, so a listener that is disconnected misses them',
          correct: true,
          why: 'Notifications are ordinary fire-and-forget messages.',
        },
        {
          text: 'The event carries the value the key held',
          correct: false,
          why: 'Only the key name (or the event name on keyspace channels) is sent; the value is already gone.',
        },
      ],
      explanation:
        'Keyspace notifications publish messages such as `__keyevent@0__:expired` with the key name as payload. They are ' +
        'at-most-once like all Pub/Sub, and in a cluster each node only reports its own keys, so a listener must ' +
        'subscribe on every node. For reliable expiry-driven work, keep deadlines in a sorted set and poll it, or write ' +
        'the events to a stream. Watch them from a second terminal with `redis-cli PSUBSCRIBE __keyevent@*__:expired`.',
      proof: ['CONFIG SET notify-keyspace-events Ex', 'CONFIG GET notify-keyspace-events', 'SET {ns}session:1 x PX 100'],
    },
    {
      id: 'messaging-choose-transport',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question:
        'Your team needs (a) live price ticks pushed to browsers, (b) an order pipeline where no order may be lost and ' +
        'three services each consume every order, and (c) a simple email job queue. Which Redis structure fits each, and why?',
      keyPoints: [
        '(a) Pub/Sub: lowest latency fan-out to whoever is connected; a lost tick is superseded by the next one.',
        '(b) A stream with one consumer group per service: every group sees every entry, XACK plus XPENDING/XAUTOCLAIM recover from crashes, and MAXLEN or MINID bound memory.',
        '(c) A list with BLMOVE into a processing list (or a stream with a single group): each job goes to exactly one worker.',
        'State the limits: everything lives in RAM, persistence (AOF fsync policy) and asynchronous replication decide what a crash loses, and long retention of huge volumes is a job for a log system such as Kafka.',
      ],
      explanation:
        'The choice follows the delivery guarantee. Pub/Sub is at-most-once broadcast with no storage; lists give each ' +
        'item to one consumer but need the move-to-processing pattern for safety and keep no history; streams give ' +
        'at-least-once delivery, several independent consumer groups, replay by ID and acknowledgement tracking. Size ' +
        'streams with trimming, since memory is the limit.',
    },
    {
      id: 'messaging-poison-messages',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 6.2+ · Valkey 7.2+ (deleted IDs in the XAUTOCLAIM reply: 7.0+)',
      question:
        'One stream entry makes every consumer that processes it crash. How do you detect and contain such poison messages with consumer groups?',
      keyPoints: [
        "The extended form of XPENDING shows each pending entry's owner, idle time and delivery count.",
        'A recovery loop uses XAUTOCLAIM with a min-idle-time to take over stuck entries; every claim increments the delivery count.',
        'Above a threshold (say 5 deliveries), copy the entry to a dead-letter stream with XADD and XACK it in the main group so it stops circulating.',
        'Alert on the dead-letter stream; after a fix, replay the entries by adding them back.',
        'Keep handlers idempotent, because a poison entry may have been partly processed before the crash.',
      ],
      explanation:
        'Without a limit, a crashing entry is claimed and redelivered forever. The delivery counter in the pending list ' +
        'is the built-in signal: move entries that exceed it to a dead-letter stream and acknowledge them in the main ' +
        'group. Since Redis 7.0, XAUTOCLAIM also returns the IDs of pending entries that no longer exist in the stream ' +
        '(trimmed or deleted) and drops them from the pending list.',
      proof: [
        ...CRASHED_CONSUMER,
        'XPENDING {ns}orders workers IDLE 0 - + 10',
        'XADD {ns}orders:dead * id 2-0 reason "5 deliveries"',
        'XACK {ns}orders workers 2-0',
      ],
    },
  ],
};
