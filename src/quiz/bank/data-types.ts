// Quiz topic: the data types, what each is for, and the internal encodings Redis picks for them.
import { all, custom, hashHas, lengthIs, zscoreEquals } from '../../engine/checks.js';
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'data-types',
  title: 'Data types and encodings',
  intro:
    'Choosing the right structure is most of Redis design: strings and counters, lists as queues, hashes as objects, ' +
    'sets for membership, sorted sets for rankings and time indexes, streams for durable event logs, plus bitmaps, ' +
    'HyperLogLog and geo indexes built on top of them. Under each type Redis picks a compact encoding for small values ' +
    '(int, embstr, listpack, intset) and switches to a general one (raw, hashtable, skiplist, quicklist) past configurable ' +
    'thresholds. Interviewers like this because it explains memory use and complexity together.',
  questions: [
    {
      id: 'data-types-leaderboard',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.0+ · Valkey 7.2+',
      question: "A game needs the top 10 players by score and any player's current rank. Which type fits best?",
      options: [
        {
          text: 'A sorted set: member = player, score = points',
          correct: true,
          why: 'ZADD/ZINCRBY update in O(log N); ZRANGE ... REV (6.2+, ZREVRANGE before) and ZREVRANK read the top and the rank in O(log N + M).',
        },
        {
          text: 'A list kept sorted by the application',
          correct: false,
          why: 'Inserting into the middle of a list is O(N) and two clients re-sorting it would race.',
        },
        {
          text: 'A hash of player to score',
          correct: false,
          why: 'Updates are O(1) but finding the top 10 means reading and sorting every field.',
        },
        {
          text: 'A set of players',
          correct: false,
          why: 'Sets have no order and no score.',
        },
      ],
      explanation:
        'Sorted sets keep members ordered by score using a skiplist plus a hash table, so both "who is on top" and "what is my ' +
        'rank" are logarithmic. Ties are ordered by member name. Small sorted sets (up to 128 members of at most 64 bytes by ' +
        'default) are stored as a compact listpack (a ziplist before 7.0).',
      proof: ['ZINCRBY {ns}leaderboard 30 bob', 'ZRANGE {ns}leaderboard 0 9 REV WITHSCORES', 'ZREVRANK {ns}leaderboard bob'],
    },
    {
      id: 'data-types-hash-encoding',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'On Redis 7 with the default configuration a small hash reports `OBJECT ENCODING` listpack. When does it switch to hashtable?',
      options: [
        {
          text: 'When it gets more than 512 fields, or any field or value longer than 64 bytes',
          correct: true,
          why: 'Those are the defaults of hash-max-listpack-entries (512) and hash-max-listpack-value (64).',
        },
        {
          text: 'When it gets more than 128 fields',
          correct: false,
          why: '128 is the sorted set limit (zset-max-listpack-entries); hashes default to 512 entries.',
        },
        {
          text: 'After it has not been accessed for a while',
          correct: false,
          why: 'Encoding depends only on size and content, never on access time.',
        },
        {
          text: 'It switches back and forth as fields are added and removed',
          correct: false,
          why: 'The conversion is one-way: a hashtable hash stays a hashtable even if it shrinks again.',
        },
      ],
      explanation:
        'A listpack stores all fields and values in one contiguous block: very compact, but lookups scan it in O(N), which is ' +
        'only acceptable while N is small. Past hash-max-listpack-entries (512) or hash-max-listpack-value (64 bytes) Redis ' +
        'converts the hash to a real hash table. Before 7.0 the same settings were called hash-max-ziplist-*, and those names ' +
        'still work as aliases.',
      proof: ['CONFIG GET hash-max-listpack-*', 'HSET {ns}user:1 name Ada', 'OBJECT ENCODING {ns}user:1'],
    },
    {
      id: 'data-types-listpack',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'What changed when Redis 7.0 replaced ziplist with listpack? (pick all that apply)',
      options: [
        {
          text: 'Small hashes and sorted sets, and the nodes of a quicklist, are now listpacks',
          correct: true,
          why: 'Redis 7.0 finished the migration: small hashes and sorted sets report listpack where 6.x said ziplist. A list still reports quicklist on 7.0 (its nodes are listpacks); small lists report listpack only from 7.2.',
        },
        {
          text: "Listpack avoids ziplist's cascading updates because each entry records its own length, not the previous entry's",
          correct: true,
          why: 'In a ziplist, growing one entry could force every following entry to be rewritten.',
        },
        {
          text: 'Listpack first appeared in Redis 5.0 as the storage of streams',
          correct: true,
          why: 'Stream entries were packed into listpacks from the start; 7.0 reused the format everywhere.',
        },
        {
          text: 'The *-max-ziplist-* settings stopped working',
          correct: false,
          why: 'They were renamed to *-max-listpack-* but the old names remain accepted as aliases.',
        },
        {
          text: 'Sets of integers are listpacks too',
          correct: false,
          why: 'Integer-only sets still use intset; small sets of other strings got a listpack encoding only in 7.2.',
        },
      ],
      explanation:
        'Ziplist stored the length of the previous entry in each entry, so an insert could trigger a chain of reallocations ' +
        "(a cascading update). Listpack stores each entry's own length at its end, keeping backward traversal without that " +
        'risk. It debuted in streams (5.0) and fully replaced ziplist in 7.0. Lists still report quicklist from OBJECT ENCODING ' +
        'on 6.x and 7.0; only 7.2 stores a small list as a single listpack and reports it so.',
    },
    {
      id: 'data-types-set-encodings',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.2–7.0 (Redis 7.2+ and Valkey 7.2+ report listpack after the second SADD)',
      question: 'On Redis 7.0 you run `SADD ids 1 2 3`, then `SADD ids x`. What does OBJECT ENCODING report after each?',
      options: [
        {
          text: 'intset, then hashtable (Redis 7.2+ would report listpack for the small mixed set)',
          correct: true,
          why: 'A set of small integers is an intset; adding a non-integer converts it. 7.2 added a listpack step for small sets.',
        },
        {
          text: 'hashtable both times',
          correct: false,
          why: 'Integer-only sets up to set-max-intset-entries (512) use the compact intset.',
        },
        {
          text: 'intset both times: the string is stored separately',
          correct: false,
          why: 'An intset can only hold integers, so the whole set converts.',
        },
        {
          text: 'listpack, then skiplist',
          correct: false,
          why: 'Skiplist is the sorted set encoding; sets never use it.',
        },
      ],
      explanation:
        'An intset is a sorted array of integers searched by binary search, used while every member is an integer and there ' +
        'are at most set-max-intset-entries (512) of them. In 7.0 a non-integer member converts the set straight to a ' +
        'hashtable; Redis 7.2 added set-max-listpack-entries so small mixed sets stay compact.',
      proof: ['SADD {ns}ids 1 2 3', 'OBJECT ENCODING {ns}ids', 'SADD {ns}ids x', 'OBJECT ENCODING {ns}ids'],
    },
    {
      id: 'data-types-stream-vs-pubsub',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question: 'Why model an order-events feed as a Stream rather than with Pub/Sub? (pick all that apply)',
      options: [
        {
          text: 'Stream entries are stored, so a consumer that was down can read what it missed by ID',
          correct: true,
          why: 'XREAD and XRANGE read history from any ID; Pub/Sub only delivers to clients connected at that moment.',
        },
        {
          text: 'Consumer groups share the work and track unacknowledged entries until XACK',
          correct: true,
          why: 'The pending entries list lets another consumer claim work from a crashed one (XCLAIM, or XAUTOCLAIM since 6.2).',
        },
        {
          text: 'Pub/Sub keeps messages until every subscriber acknowledges them',
          correct: false,
          why: 'Pub/Sub is fire-and-forget: no storage, no acknowledgment.',
        },
        {
          text: 'Streams cost no memory because entries are written to disk',
          correct: false,
          why: 'Streams live in memory like every key; cap them with XADD MAXLEN (or MINID, 6.2+) or XTRIM.',
        },
      ],
      explanation:
        'A stream is an append-only log with IDs (milliseconds-sequence), persisted with the dataset and replicated. ' +
        'Consumer groups give at-least-once processing with XREADGROUP, XACK and the pending list. Pub/Sub is the right tool ' +
        'only when losing messages for disconnected listeners is acceptable.',
      proof: [
        'XADD {ns}orders * type created id 42',
        'XGROUP CREATE {ns}orders billing 0',
        'XREADGROUP GROUP billing w1 COUNT 10 STREAMS {ns}orders >',
      ],
    },
    {
      id: 'data-types-unique-visitors',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.8.9+ · Valkey 7.2+',
      question:
        'You need the number of unique daily visitors among 100 million users; about 1% error is fine, memory is tight. What do you use?',
      options: [
        {
          text: 'A HyperLogLog per day: PFADD visitor ids, PFCOUNT for the estimate',
          correct: true,
          why: 'At most about 12 KB per key whatever the count, with a standard error of 0.81%.',
        },
        {
          text: 'A set per day with SCARD',
          correct: false,
          why: 'Exact, but it stores every id: gigabytes for 100 million members.',
        },
        {
          text: 'A bitmap per day with SETBIT on the user id and BITCOUNT',
          correct: false,
          why: 'Exact and reasonable (about 12.5 MB per day for 100 million ids) but a thousand times larger than a HyperLogLog, and it needs dense integer ids.',
        },
        {
          text: 'A counter incremented with INCR on each visit',
          correct: false,
          why: 'It counts visits, not unique visitors.',
        },
      ],
      explanation:
        'HyperLogLog estimates cardinality from hashed values using a fixed 12 KB (sparse encoding is even smaller for low ' +
        'counts). PFMERGE combines days into weeks. Choose a bitmap when you need exact answers or per-user lookups and ids ' +
        'are dense integers; choose a set only for small cardinalities.',
      proof: [
        'PFADD {ns}visitors:2024-05-01 u1 u2 u3',
        'PFCOUNT {ns}visitors:2024-05-01',
        'PFMERGE {ns}visitors:week {ns}visitors:2024-05-01',
      ],
    },
    {
      id: 'data-types-lpush-order',
      kind: 'predict',
      level: 'beginner',
      versions: 'Redis 2.4+ · Valkey 7.2+',
      question: 'Three elements are pushed with one LPUSH. In what order does LRANGE return them?',
      commands: ['LPUSH {ns}letters a b c', 'LRANGE {ns}letters 0 -1'],
      answer: '1) "c" 2) "b" 3) "a"',
      explanation:
        'LPUSH inserts its arguments one after another at the head, so the last argument ends up first. Use RPUSH to append ' +
        'at the tail in argument order; LPUSH plus RPOP (or RPUSH plus LPOP) gives a FIFO queue.',
    },
    {
      id: 'data-types-append-raw',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 3.2+ · Valkey 7.2+ (in Valkey 8.1 the embstr limit depends on the key length)',
      question: 'A number is stored, then a digit is appended. Which encoding does the string have now?',
      commands: ['SET {ns}code 12345', 'APPEND {ns}code 6', 'OBJECT ENCODING {ns}code'],
      answer: '"raw"',
      explanation:
        'Strings have three encodings: int (a 64-bit integer stored in the object itself), embstr (up to 44 bytes in Redis, allocated ' +
        'together with the object, read-only; Valkey 8.1 puts the key in that allocation too, so its limit shrinks as keys grow) and raw (a separate growable buffer). SET 12345 gives int, but APPEND needs a ' +
        'mutable buffer, so the result is raw even though it still looks like a number.',
      proof: ['SET {ns}code 12345', 'OBJECT ENCODING {ns}code', 'APPEND {ns}code 6', 'OBJECT ENCODING {ns}code'],
    },
    {
      id: 'data-types-hash-one-way',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question:
        'A hash gets one value longer than 64 bytes, which is then replaced by a short one. What is its encoding at the end (default configuration)?',
      commands: [
        'HSET {ns}profile name Ada',
        'HSET {ns}profile bio "Backend engineer who likes Redis, distributed systems and long walks"',
        'HSET {ns}profile bio short',
        'OBJECT ENCODING {ns}profile',
      ],
      answer: '"hashtable"',
      explanation:
        'The 68-byte bio exceeds hash-max-listpack-value (64; hash-max-ziplist-value before 7.0), so the hash is converted to a hashtable. Redis never converts ' +
        'it back when values shrink; only a rewrite of the key (for example a restart loading the RDB, or DUMP/RESTORE) ' +
        'would produce the compact form again.',
    },
    {
      id: 'data-types-bitmap-size',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 2.2+ · Valkey 7.2+',
      question: 'A bitmap gets one bit set at offset 100. How long is the underlying string?',
      commands: ['SETBIT {ns}active 100 1', 'STRLEN {ns}active'],
      answer: '(integer) 13',
      explanation:
        'Bitmaps are plain strings addressed bit by bit. Setting offset 100 needs 101 bits, so Redis grows the string to 13 ' +
        'bytes, zero-filled. Offsets go up to 2^32 - 1 (a 512 MB string), so a single high offset can allocate a lot of ' +
        'memory at once.',
    },
    {
      id: 'data-types-stream-id',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question: 'Two entries are added to a stream with the same explicit ID. What does the second XADD reply?',
      commands: ['XADD {ns}events 5-1 type created', 'XADD {ns}events 5-1 type paid'],
      answer: '(error) ERR The ID specified in XADD is equal or smaller than the target stream top item',
      explanation:
        'Stream IDs must strictly increase. With * Redis generates <milliseconds>-<sequence> for you; explicit IDs are for ' +
        'replaying data. Since Redis 7.0 you can also write <ms>-* to let Redis pick the sequence number.',
      proof: ['XADD {ns}events 5-1 type created', 'XADD {ns}events 5-* type paid'],
    },
    {
      id: 'data-types-zadd-gt',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question: 'A "best score" sorted set is updated with the GT flag. What is alice\'s score at the end?',
      commands: ['ZADD {ns}best 100 alice', 'ZADD {ns}best GT 80 alice', 'ZSCORE {ns}best alice'],
      answer: '"100"',
      explanation:
        'ZADD GT (Redis 6.2+) only updates a member when the new score is greater than the current one, which makes a ' +
        'personal-best table a single atomic command. LT does the opposite, NX only adds new members and XX only updates ' +
        'existing ones. Scores come back as strings in RESP2.',
      proof: ['ZADD {ns}best GT 120 alice', 'ZSCORE {ns}best alice'],
    },
    {
      id: 'data-types-zincrby',
      kind: 'command',
      level: 'beginner',
      versions: 'Redis 1.2+ · Valkey 7.2+',
      question: 'Bob just scored 30 more points. Update `{ns}leaderboard` in one command.',
      setup: ['ZADD {ns}leaderboard 100 alice 80 bob'],
      check: zscoreEquals('leaderboard', 'bob', 110),
      answer: ['ZINCRBY {ns}leaderboard 30 bob'],
      wrong: ['ZADD {ns}leaderboard 30 bob'],
      explanation:
        "ZINCRBY adds to the member's score atomically and returns the new score (ZADD ... INCR does the same). Plain ZADD " +
        'would overwrite the score with 30 instead of adding to it.',
      proof: ['ZINCRBY {ns}leaderboard 30 bob'],
    },
    {
      id: 'data-types-hash-object',
      kind: 'command',
      level: 'beginner',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question: 'Store user 42 as a hash `{ns}user:42` with the fields name = Ada and plan = pro, in one command.',
      setup: [],
      check: all(hashHas('user:42', { name: 'Ada', plan: 'pro' }), lengthIs('user:42', 2)),
      answer: ['HSET {ns}user:42 name Ada plan pro'],
      wrong: ['SET {ns}user:42 "name=Ada plan=pro"'],
      explanation:
        'HSET takes any number of field/value pairs since Redis 4.0 (HMSET is deprecated). A hash lets you read or change one ' +
        'field without rewriting the whole object, and small hashes are stored very compactly as listpacks.',
      proof: ['HSET {ns}user:42 name Ada plan pro', 'HGET {ns}user:42 plan'],
    },
    {
      id: 'data-types-bitmap-flag',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'Users have integer ids. Mark user 5 as active today in the bitmap `{ns}active:today`.',
      setup: [],
      check: custom('bit 5 of active:today set to 1', async (ctx) => {
        const key = ctx.key('active:today');
        const type = await ctx.unrecorded.type(key);
        if (type !== 'string') return { pass: false, actual: type === 'none' ? `${key} does not exist` : `${key} is a ${type}` };
        const bit = await ctx.unrecorded.getbit(key, 5);
        const ones = await ctx.unrecorded.bitcount(key);
        return { pass: bit === 1 && ones === 1, actual: `bit 5 = ${bit}, ${ones} bit(s) set` };
      }),
      answer: ['SETBIT {ns}active:today 5 1'],
      wrong: ['SETBIT {ns}active:today 1 5'],
      explanation:
        'SETBIT key offset value: the offset is the user id and the value is 0 or 1, so the wrong argument order is rejected. ' +
        'BITCOUNT then gives the number of active users and BITOP AND/OR combines days, all on about one bit per user.',
      proof: ['SETBIT {ns}active:today 5 1', 'GETBIT {ns}active:today 5', 'BITCOUNT {ns}active:today'],
    },
    {
      id: 'data-types-encodings-memory',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'Why does Redis keep several internal encodings per type, and how would you use that to cut the memory of 50 million small objects?',
      keyPoints: [
        'Compact encodings (listpack, intset, embstr/int) store data contiguously without per-element pointers and allocations',
        'They trade O(N) access for memory, which is fine while N stays under the thresholds (hash 512 entries / 64 bytes, zset 128 / 64, intset 512)',
        'Every top-level key has overhead (dict entry, object header, expiry entry); fewer, bigger-but-still-small keys save memory',
        'Bucket objects into hashes: user:12345 becomes field 45 of hash users:123, staying under the listpack limits',
        'Keep values short (under 64 bytes), use integers where possible, shorten field names',
        'Measure with MEMORY USAGE, OBJECT ENCODING and INFO memory; conversions are one-way until the key is rewritten',
      ],
      explanation:
        'A strong answer connects encodings to the per-key overhead and shows the hash-bucketing technique with its limits ' +
        '(no per-field TTL before Redis 7.4, thresholds must be respected or the bucket converts to a hashtable). Quoting ' +
        'numbers from MEMORY USAGE before and after makes the answer convincing.',
    },
    {
      id: 'data-types-model-features',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question:
        'Pick a Redis type for each: a user profile, the last 100 actions of a user, the tags on an article, a "trending in the last hour" ranking, and an audit log that several services consume.',
      keyPoints: [
        'Profile: hash (field-level reads and updates)',
        'Last 100 actions: list with LPUSH + LTRIM 0 99 (capped list)',
        'Tags: set (membership, SINTER for articles sharing tags)',
        'Trending: sorted set scored by count or time, ZINCRBY and ZRANGE REV, trimmed with ZREMRANGEBYSCORE/ZREMRANGEBYRANK',
        'Audit log with several consumers: stream with consumer groups, capped with MAXLEN or MINID',
        'Mention the complexity of the main operations and how each collection is bounded',
      ],
      explanation:
        'Interviewers look for matching access patterns to structures and for bounding every collection so it cannot grow ' +
        'without limit. Naming the main command for each choice shows the model is practical, not just theoretical.',
    },
  ],
};
