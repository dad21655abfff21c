// Quiz topic "system-design": rate limiters, leaderboards, sessions, feeds, queues, geo, dedup, sizing, and Redis failure, races, hot keys.
import { learnerReply, zscoreEquals } from '../../engine/checks.js';
import type { Topic } from '../types.js';

/** The member names of a GEOSEARCH reply, with or without WITHDIST/WITHCOORD. */
function geoMembers(reply: unknown): string[] | null {
  if (!Array.isArray(reply)) return null;
  return reply.map((item) => String(Array.isArray(item) ? item[0] : item));
}

export const topic: Topic = {
  id: 'system-design',
  title: 'System design with Redis',
  intro:
    'System-design interviews use Redis as a building block: rate limiters, leaderboards, session stores, feeds, job ' +
    'queues, counters, geo search and deduplication. The questions here are about picking the right structure, making ' +
    'read-modify-write steps atomic, sizing memory, and deciding when Redis is the wrong tool. The last three are the ' +
    'classic follow-ups: what happens when Redis fails, how you prevent race conditions, and how you handle a hot key.',
  questions: [
    {
      id: 'system-design-fixed-window',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'A rate limiter runs `INCR rate:<ip>` and, when the reply is 1, sends `EXPIRE rate:<ip> 60` as a second command. ' +
        'What is wrong with it? (Pick all that apply.)',
      options: [
        {
          text: 'If the process dies or the EXPIRE fails between the two commands, the key never expires and that IP stays blocked once it hits the limit',
          correct: true,
          why: 'Two commands are not atomic together; the counter can be left without a TTL forever.',
        },
        {
          text: 'A fixed window lets a client send up to twice the limit around a window boundary',
          correct: true,
          why: 'A full burst at the end of one window plus another at the start of the next both pass.',
        },
        {
          text: 'INCR is not atomic, so two requests can read the same count',
          correct: false,
          why: 'INCR is atomic; each caller gets a distinct value.',
        },
        {
          text: 'EXPIRE resets the counter to zero',
          correct: false,
          why: 'EXPIRE only sets a TTL; the value is untouched.',
        },
        {
          text: 'Sending `SET rate:<ip> 0 EX 60 NX` before the INCR fixes it: the TTL can then never be lost',
          correct: false,
          why: 'Still two commands: if the key expires between the SET and the INCR, the INCR recreates it with no TTL.',
        },
      ],
      explanation:
        'INCR is atomic, but INCR followed by EXPIRE is two steps. A `SET rate:<ip> 0 EX 60 NX` sent first does not close ' +
        'the gap either: if the key expires between it and the INCR, the INCR recreates the key without a TTL. Only one ' +
        'atomic unit is airtight: INCR and `EXPIRE rate:<ip> 60 NX` (7.0+) in one MULTI, or both in a Lua script. For ' +
        'smoother limits use a sliding log (a sorted set of request times), a sliding window counter (current window plus ' +
        'a weighted share of the previous one) or a token bucket.',
      proof: ['MULTI', 'INCR {ns}rate:203.0.113.7', 'EXPIRE {ns}rate:203.0.113.7 60 NX', 'EXEC'],
    },
    {
      id: 'system-design-sliding-log',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question:
        'A sliding-log limiter keeps one sorted-set member per request, scored by its time in milliseconds. At time ' +
        '70000, with a 60-second window, it drops entries that fell out of the window and counts the rest. What does ZCARD return?',
      setup: ['ZADD {ns}ratelog:user:7 1000 r1 20000 r2 45000 r3 61000 r4 62000 r5'],
      commands: ['ZREMRANGEBYSCORE {ns}ratelog:user:7 -inf 10000', 'ZCARD {ns}ratelog:user:7'],
      answer: '(integer) 4',
      explanation:
        'Everything scored at or below 70000 − 60000 = 10000 is outside the window, so only r1 goes and 4 requests ' +
        'remain. The sliding log is exact but stores one entry per request, so memory grows with the limit. Run the ' +
        'trim, the count and the ZADD in one Lua script so two concurrent requests cannot both see room for one more, ' +
        'and give the key a TTL so idle users disappear.',
      proof: [
        'ZREMRANGEBYSCORE {ns}ratelog:user:7 -inf 10000',
        'ZCARD {ns}ratelog:user:7',
        'ZADD {ns}ratelog:user:7 70000 r6',
        'PEXPIRE {ns}ratelog:user:7 60000',
      ],
    },
    {
      id: 'system-design-token-bucket',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'You implement a token bucket per API key as a hash with `tokens` and `last_refill`. Why is it usually written as ' +
        'a Lua script (or a function)?',
      options: [
        {
          text: 'Refilling and taking a token is read-compute-write: two concurrent requests that read the same count would both spend the last token unless the whole step runs atomically on the server',
          correct: true,
          why: 'A script runs without interleaving, so the read and the write see one consistent state.',
        },
        {
          text: 'Lua runs faster than hash commands',
          correct: false,
          why: 'The point is atomicity (and one round trip), not raw speed of the commands.',
        },
        {
          text: 'Hashes cannot store numbers',
          correct: false,
          why: 'Hash fields hold strings that HINCRBY and HINCRBYFLOAT treat as numbers.',
        },
        {
          text: 'Scripts survive a restart, keys do not',
          correct: false,
          why: 'Keys persist with RDB/AOF; EVAL scripts are a cache the client may need to resend.',
        },
      ],
      explanation:
        'A token bucket refills at rate r up to capacity b and each request takes one token. Computing the refill needs ' +
        'the stored count and time, so reading and writing must not interleave with another client. A script does it ' +
        'in one atomic step; WATCH with MULTI/EXEC also works but retries under contention. Take the time from ' +
        "`redis.call('TIME')` inside the script so app servers with skewed clocks cannot mint tokens, and give the key a TTL.",
    },
    {
      id: 'system-design-leaderboard',
      kind: 'command',
      level: 'beginner',
      versions: 'Redis 1.2+ · Valkey 7.2+',
      question:
        'Bob just scored 40 more points. Add them to his score in the weekly leaderboard `{ns}lb:weekly` atomically, without reading it first.',
      setup: ['ZADD {ns}lb:weekly 120 ada 95 bob 150 cy'],
      check: zscoreEquals('lb:weekly', 'bob', 135),
      answer: ['ZINCRBY {ns}lb:weekly 40 bob'],
      wrong: ['ZADD {ns}lb:weekly 40 bob'],
      explanation:
        'ZINCRBY adds to the score and repositions the member in O(log N) in one atomic step; ZADD would replace the ' +
        'score with 40. Reading the score, adding in the application and writing it back loses updates under ' +
        'concurrency. `ZADD key INCR 40 bob` is equivalent, and ZADD GT (6.2+) keeps only a higher score for ' +
        '"best score" boards. Ranks come from ZREVRANK (0-based) and the top 10 from `ZRANGE key 0 9 REV WITHSCORES` (6.2+).',
      proof: ['ZINCRBY {ns}lb:weekly 40 bob', 'ZREVRANK {ns}lb:weekly bob', 'ZRANGE {ns}lb:weekly 0 9 REV WITHSCORES'],
    },
    {
      id: 'system-design-fan-out',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.0+ · Valkey 7.2+',
      question: 'A social app keeps home timelines in Redis. A few accounts have 20 million followers. What design do large systems use?',
      options: [
        {
          text: "A hybrid: fan-out on write (push post IDs into each follower's capped timeline) for ordinary accounts, and fan-out on read (merge posts of huge accounts when the timeline is read)",
          correct: true,
          why: 'It keeps reads cheap for most users without 20 million writes per celebrity post.',
        },
        {
          text: 'Pure fan-out on write for everyone',
          correct: false,
          why: 'One celebrity post becomes 20 million list writes, arriving late and in a burst.',
        },
        {
          text: 'Pure fan-out on read: collect posts from every followed account on each read',
          correct: false,
          why: 'Users who follow thousands of accounts make every read expensive; fine at small scale only.',
        },
        {
          text: 'One global list of all posts, filtered in the client',
          correct: false,
          why: "Every client would download everyone's posts.",
        },
      ],
      explanation:
        'Fan-out on write makes reading a timeline one LRANGE (or ZREVRANGE on a sorted set by time) but costs writes ' +
        'proportional to the follower count; fan-out on read is the reverse. Hybrid designs push for most accounts and ' +
        'pull the few huge ones at read time. Store post IDs rather than bodies in timelines and cap each one (LTRIM, or ' +
        'ZREMRANGEBYRANK) to bound memory.',
      proof: ['LPUSH {ns}timeline:u42 post:9001', 'LTRIM {ns}timeline:u42 0 799', 'LRANGE {ns}timeline:u42 0 49'],
    },
    {
      id: 'system-design-geo-search',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question: 'Find the stores in `{ns}stores` within 5 km of longitude 13.41, latitude 52.52, nearest first.',
      setup: ['GEOADD {ns}stores 13.4050 52.5200 mitte 13.4500 52.5100 friedrichshain 13.2000 52.4000 potsdam'],
      check: learnerReply('mitte, then friedrichshain', (reply) => {
        const names = geoMembers(reply);
        return names !== null && names.join(',') === 'mitte,friedrichshain';
      }),
      answer: ['GEOSEARCH {ns}stores FROMLONLAT 13.41 52.52 BYRADIUS 5 km ASC'],
      wrong: ['GEOSEARCH {ns}stores FROMLONLAT 52.52 13.41 BYRADIUS 5 km ASC'],
      explanation:
        'A geo set is a sorted set whose scores are 52-bit geohashes, so radius and box searches become range scans. ' +
        'GEOSEARCH (6.2+) replaces GEORADIUS and GEORADIUSBYMEMBER, takes FROMMEMBER or FROMLONLAT and BYRADIUS or ' +
        'BYBOX, and expects longitude before latitude; swapping them is the classic bug and silently searches ' +
        'somewhere else. Add WITHDIST to get distances and COUNT to cap the reply; plain COUNT still finds and sorts every ' +
        'match, only `COUNT n ANY` stops at the first n found (which may not be the nearest).',
      proof: ['GEOSEARCH {ns}stores FROMLONLAT 13.41 52.52 BYRADIUS 5 km ASC WITHDIST COUNT 10'],
    },
    {
      id: 'system-design-redis-vs-database',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'When is Redis a poor choice as the primary, and only, store for some data? (Pick all that apply.)',
      options: [
        {
          text: 'The data is far larger than the RAM you can afford',
          correct: true,
          why: 'Redis keeps the whole dataset in memory.',
        },
        {
          text: 'You need ad-hoc queries, joins and secondary indexes you cannot foresee',
          correct: true,
          why: 'Redis serves known access patterns; every index is a structure you maintain yourself (or via the query engine).',
        },
        {
          text: 'Every acknowledged write must survive the loss of any single server',
          correct: true,
          why: 'Replication is asynchronous, so a failover can drop acknowledged writes; even appendfsync always plus WAIT narrows the gap without closing it.',
        },
        {
          text: 'You need sub-millisecond reads of hot data',
          correct: false,
          why: 'That is exactly what Redis is good at.',
        },
      ],
      explanation:
        'Redis serves simple, known access patterns from memory extremely fast; durability comes from RDB snapshots ' +
        'and the AOF, and availability from asynchronous replication with Sentinel or Cluster. That fits caches, ' +
        'sessions, counters, leaderboards, rate limits and queues, and fits large relational data, ad-hoc querying or ' +
        'strict durability badly: keep a database as the system of record there.',
    },
    {
      id: 'system-design-memory-sizing',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question: 'You will store 10 million sessions of about 300 bytes each, as strings with TTLs. How do you size the Redis instance?',
      options: [
        {
          text: 'Load a representative sample (say 100,000 sessions), measure the used_memory increase or MEMORY USAGE per key, extrapolate, then add headroom for fragmentation, buffers and copy-on-write during persistence forks',
          correct: true,
          why: 'Measuring captures per-key overhead and allocator rounding that arithmetic on payload sizes misses.',
        },
        {
          text: '10 million × 300 bytes = 3 GB, so a 3 GB instance is enough',
          correct: false,
          why: 'Each key also costs several dozen bytes for its dictionary entry, key string, value object and expiry entry, plus allocator rounding.',
        },
        {
          text: 'Plan for half the raw size, since Redis compresses values',
          correct: false,
          why: 'Redis does not compress string values; compact encodings only apply to small collections and integers.',
        },
        {
          text: "Set maxmemory to all of the machine's RAM",
          correct: false,
          why: 'The OS, fragmentation, client buffers and fork copy-on-write need room; maxmemory should sit well below physical RAM.',
        },
      ],
      explanation:
        'The payload is only part of the bill: every key has overhead in the main dictionary and, with a TTL, in the ' +
        'expires dictionary, and the allocator rounds sizes up. Measuring a sample is the reliable method. While a fork ' +
        'writes an RDB or rewrites the AOF, every page the parent modifies is copied, so write-heavy instances need ' +
        'substantial headroom on top of the dataset.',
      proof: ['INFO memory', 'MEMORY USAGE {ns}session:9f2c', 'INFO keyspace'],
    },
    {
      id: 'system-design-dedup',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question:
        'A webhook consumer receives each event at least once, sometimes two or three times within a minute. How do you process each event ID once?',
      options: [
        {
          text: '`SET seen:<event-id> 1 NX EX 86400` before processing, and skip the event when it returns nil',
          correct: true,
          why: 'One atomic test-and-set; the TTL bounds memory to the redelivery window.',
        },
        {
          text: '`EXISTS seen:<event-id>`, then `SET seen:<event-id> 1` if it was 0',
          correct: false,
          why: 'Two steps: two deliveries arriving together can both see 0 and both process.',
        },
        {
          text: 'PFADD the ID to a HyperLogLog and skip when it returns 0',
          correct: false,
          why: 'PFADD returns 0 when the estimate did not change, which can happen for a new ID too: HyperLogLog has no membership test.',
        },
        {
          text: 'Add IDs to a Bloom filter and skip the ones it reports as present',
          correct: false,
          why: 'A false positive would silently drop a real event; fine for recommendations, not for correctness.',
        },
      ],
      explanation:
        'Deduplication needs an atomic test-and-set, and SET NX EX is exactly that, with the marker expiring after the ' +
        'redelivery window. Probabilistic structures are fine for "probably seen" heuristics, never for correctness. If ' +
        'processing can fail after the marker is set, store a short "processing" lease first and mark the event done ' +
        'afterwards, or a failed event is never retried.',
      proof: ['SET {ns}seen:evt_91f2 1 NX EX 86400', 'SET {ns}seen:evt_91f2 1 NX EX 86400'],
    },
    {
      id: 'system-design-scheduler-claim',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 2.4+ · Valkey 7.2+',
      question:
        'Due jobs sit in a sorted set scored by run time. Two workers both read `job:a` with ZRANGEBYSCORE and each claims ' +
        "it with ZREM before running it. What does the second worker's ZREM return?",
      setup: ['ZADD {ns}jobs:due 100 job:a 200 job:b'],
      commands: ['ZREM {ns}jobs:due job:a', 'ZREM {ns}jobs:due job:a'],
      answer: '(integer) 0',
      explanation:
        'Only one ZREM can remove the member: the first returns 1 and that worker runs the job, the second returns 0 and ' +
        'must skip it. Reading with ZRANGEBYSCORE and removing only after processing lets both workers run the job. ' +
        'Claim first and check the reply, or use a Lua script that moves due jobs (score ≤ now) into a processing set ' +
        'with a lease in one step.',
      proof: ['ZRANGEBYSCORE {ns}jobs:due -inf 1767225600000 LIMIT 0 10', 'ZREM {ns}jobs:due job:a'],
    },
    {
      id: 'system-design-session-store',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'Which session-store designs are sound? (Pick all that apply.)',
      options: [
        {
          text: 'One hash per session (`session:<random id>`) with fields such as user_id and cart, and a TTL refreshed on each request',
          correct: true,
          why: 'Each session expires on its own, and single fields can be updated with HSET without rewriting the rest.',
        },
        {
          text: 'Session IDs are long random values (128 bits or more), never user IDs or counters',
          correct: true,
          why: 'A guessable session ID is a login bypass.',
        },
        {
          text: 'One big hash `sessions` with a field per session, expired with EXPIRE',
          correct: false,
          why: 'EXPIRE applies to the whole key, so every session would vanish together (per-field HEXPIRE only arrived in Redis 7.4 and Valkey 9.0).',
        },
        {
          text: 'No TTL, so users stay logged in; delete the session on logout',
          correct: false,
          why: 'Abandoned sessions are never deleted and pile up forever.',
        },
      ],
      explanation:
        'A key per session lets each one expire independently, and a hash lets the application update one field (a cart ' +
        'line with HINCRBY, a last-seen time) cheaply. Refresh the TTL on activity for sliding expiry, and keep an ' +
        'absolute lifetime too if your security policy requires it. Sessions in Redis free you from sticky load ' +
        'balancing, which makes Redis availability part of login availability: use replicas with failover.',
      proof: [
        'HSET {ns}session:7c9e1f user_id 42 cart:sku:123 2',
        'EXPIRE {ns}session:7c9e1f 1800',
        'HINCRBY {ns}session:7c9e1f cart:sku:123 1',
      ],
    },
    {
      id: 'system-design-redis-failure',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        '"How do you handle Redis failures?" The interviewer wants more than a try/catch around GET that falls back to the ' +
        'database. What do you cover?',
      keyPoints: [
        'Short client timeouts and a circuit breaker: when Redis is down, skip it fast instead of making every request wait for a timeout.',
        'Fallback per use case: a cache falls back to the database, but protect the database (rate limits, request coalescing) because it suddenly takes the full load; a rate limiter fails open or closed by policy; sessions and locks degrade or fail closed.',
        'High availability: replicas with Sentinel, or Redis Cluster, for automatic failover, and clients that follow topology changes.',
        'Durability: RDB and AOF (appendfsync everysec can lose about a second of writes, up to about two when fsync lags); asynchronous replication can lose acknowledged writes on failover.',
        'Recovery: warm a cold cache gradually, keep TTL jitter, and alert on replication, memory and latency before users notice.',
      ],
      explanation:
        'Catching the error and querying the database is the start of an answer: with Redis gone every request becomes a ' +
        'database request, and slow timeouts make it worse. A good answer names each job Redis does in the system ' +
        '(cache, session store, coordination), chooses the failure behaviour for each, and adds replication, failover ' +
        'and persistence so outages are rare and short.',
    },
    {
      id: 'system-design-race-conditions',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question: '"How do you prevent race conditions with Redis?" Give the toolbox and say when you would use each tool.',
      keyPoints: [
        'Single atomic commands first: INCR, HINCRBY, ZINCRBY, SET with NX/XX and EX, LMOVE, ZADD GT; no read-modify-write in the application.',
        'MULTI/EXEC: runs a batch without interleaving, but cannot branch on values it reads, and a failing command does not roll back the others.',
        'WATCH with MULTI/EXEC: optimistic check-and-set; EXEC returns nil if a watched key changed, and the client retries.',
        'Lua scripts or functions (7.0+): read, decide and write atomically on the server; pass every key through KEYS so Cluster can route the script and ACLs can check its keys before it runs (each redis.call is checked as it runs too).',
        'Distributed locks (SET NX PX with a token, token-checked release) only when the critical section spans other systems; decide per job whether a held lock means retry with backoff or give up: try-once is right for cron dedup, leader election or a rebuild that can serve stale data meanwhile. Releasing without a token check is always a bug.',
      ],
      explanation:
        'Redis executes one command at a time, so each command is atomic; races come from sequences of commands from ' +
        'different clients. Prefer collapsing the operation into one command or one script, use WATCH for optimistic ' +
        'concurrency when conflicts are rare, and reach for a lock only when the work happens outside Redis, then with ' +
        'tokens, expiry and, for correctness, fencing.',
    },
    {
      id: 'system-design-hot-keys',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question:
        '"How do you handle hot keys?" One key (a flash-sale product, a viral post) takes a large share of all traffic. ' +
        'How do you detect it and relieve it?',
      keyPoints: [
        "Detect: `redis-cli --hotkeys` (needs an LFU maxmemory-policy) or OBJECT FREQ, per-key metrics in the client, brief MONITOR sampling on a replica, and one node's CPU standing out in a cluster.",
        'Reads: cache the value inside the application for a second or two, or use client-side caching with CLIENT TRACKING (6.0+); read from replicas.',
        'Split the key: keep N copies (product:42:c0 … c7) read at random; writes update all copies or rely on short TTLs.',
        'Hot write counters: shard into N sub-keys (INCR on a random one of counter:42:0 … 7) and sum them on read, or batch increments in the application.',
        'Hashing users into shards (`userId % 10`) spreads different users, but does nothing for one hot key: a key always lives in one slot on one node.',
      ],
      explanation:
        'In Redis Cluster a key maps to exactly one slot on one primary, so adding shards never helps a single hot key. ' +
        'The remedies duplicate or split that key, or stop sending the reads to Redis at all with a short-lived local ' +
        'cache. Measure before fixing: LFU-based hot-key detection on a replica shows which keys dominate.',
    },
  ],
};
