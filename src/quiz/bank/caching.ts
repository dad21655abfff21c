// Quiz topic "caching": loading patterns, TTLs and jitter, invalidation, stampedes, penetration, avalanches, hot keys.
import { all, stringEquals, ttlBetween } from '../../engine/checks.js';
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'caching',
  title: 'Caching with Redis',
  intro:
    'Most teams meet Redis as a cache in front of a slower database. Interviewers check that you know the loading ' +
    'patterns (cache-aside, read-through, write-through, write-behind), how entries expire and get invalidated, and ' +
    'what breaks under load: a stampede on one popular key, floods of lookups for data that does not exist, many keys ' +
    'expiring together, a single key too hot for one server, and the gap between what the cache and the database say.',
  questions: [
    {
      id: 'caching-cache-aside',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question: 'In the cache-aside (lazy loading) pattern, what happens on a cache miss?',
      options: [
        {
          text: 'The application queries the database, stores the result in Redis with a TTL, and returns it',
          correct: true,
          why: 'The application owns the whole read path; Redis never talks to the database, and only data someone asked for gets cached.',
        },
        {
          text: 'Redis notices the miss and loads the row from the database by itself',
          correct: false,
          why: 'Redis has no connection to your database. A cache that loads on its own is read-through, which needs a caching library or proxy in front of Redis.',
        },
        {
          text: 'The request fails and a background job fills the cache later',
          correct: false,
          why: 'That describes cache warming or refresh-ahead. Cache-aside fills the entry inside the request that missed.',
        },
        {
          text: 'A database trigger pushes the row into Redis',
          correct: false,
          why: 'Change-data-capture pipelines can populate or invalidate caches, but that is a write-side mechanism, not cache-aside.',
        },
      ],
      explanation:
        'Cache-aside keeps the cache logic in the application: GET the key; on a miss read the database, SET the value ' +
        'with an expiry and return it. It is the most common pattern because the cache only holds requested data and a ' +
        'Redis outage degrades to slower database reads instead of errors. The costs are a slow first request per key ' +
        'and the duty to invalidate entries when the data changes.',
      proof: ['GET {ns}cache:user:42', 'SET {ns}cache:user:42 \'{"name":"Ada"}\' EX 300'],
    },
    {
      id: 'caching-loading-patterns',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'Compare cache-aside, read-through, write-through and write-behind. For each, who writes the cache, when is the ' +
        'database written, and what can go wrong?',
      keyPoints: [
        'Cache-aside: the application reads the database on a miss and fills the cache; writes go to the database and then invalidate the key.',
        'Read-through: the cache layer (a library or proxy, not Redis itself) loads misses from the database; the application only talks to the cache.',
        'Write-through: every write updates the cache and the database in the same request, so reads are fresh but writes are slower and rarely read data gets cached.',
        'Write-behind (write-back): the write is acknowledged once it is in the cache and flushed to the database later, often batched; fast, but writes not yet flushed are lost if the cache or the flusher dies.',
        'Whatever the pattern, keep a TTL on entries as a safety net and decide how a Redis outage degrades each path.',
      ],
      explanation:
        'The patterns differ in who moves data between cache and database and when. Cache-aside is the default for ' +
        'read-heavy services; write-through suits data that is read right after it is written; write-behind trades ' +
        'durability for write throughput and needs a durable queue (for example a stream with consumer groups and AOF) ' +
        'if losing the tail of writes is unacceptable. Read-through and write-through need code around Redis, because ' +
        'Redis does not know your database.',
    },
    {
      id: 'caching-delete-on-write',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question:
        "A product's price changes in the database. Why do most teams delete the cache key instead of writing the new " +
        'value into it? (Pick all that apply.)',
      options: [
        {
          text: 'Two concurrent updates can reach the cache in a different order than the database, leaving the older price cached',
          correct: true,
          why: "Writer A sets 10, writer B sets 12 in the database, but B's cache write lands first: the cache says 10 until the TTL ends. Deleting avoids the ordering problem.",
        },
        {
          text: 'The new value may never be read, so computing and storing it can be wasted work',
          correct: true,
          why: 'Deleting is lazy: the next reader rebuilds the entry only if anyone asks, which matters for expensive derived values.',
        },
        {
          text: 'DEL is much faster than SET',
          correct: false,
          why: 'Both are O(1) for a small string; speed is not the reason.',
        },
        {
          text: 'Deleting guarantees the cache can never be stale',
          correct: false,
          why: 'A reader that loaded the old row just before the update can still write it back after your delete. TTLs, a delayed second delete or invalidation from the database change log shrink that window.',
        },
      ],
      explanation:
        'Update-the-database-then-delete-the-key is the usual write path for cache-aside because it has no ordering race ' +
        'between writers and only recomputes on demand. It still has a small race with slow readers, which is why every ' +
        'cache entry keeps a TTL and why some systems drive invalidation from the database change stream (CDC) instead ' +
        'of application code. Use UNLINK rather than DEL when the cached value can be large.',
      proof: ['UNLINK {ns}cache:product:7'],
    },
    {
      id: 'caching-stampede',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question:
        'A key read 20,000 times a second expires, and hundreds of requests miss at once and all query the database ' +
        '(a cache stampede). Which measures help? (Pick all that apply.)',
      options: [
        {
          text: 'Let one request rebuild: take `SET lock:rebuild:<key> <token> NX PX 5000`; the others wait briefly or serve a stale copy',
          correct: true,
          why: 'Single-flight: only the lock winner queries the database, everyone else reuses its result.',
        },
        {
          text: 'Recompute early with a probability that grows as the TTL runs out',
          correct: true,
          why: 'Probabilistic early recomputation (the XFetch idea) makes one request refresh the value while it is still valid, so nobody misses.',
        },
        {
          text: 'Stale-while-revalidate: store a logical expiry inside the value with a longer real TTL, serve the old value and refresh it in the background',
          correct: true,
          why: 'Readers never see a miss; a single refresher updates the entry.',
        },
        {
          text: 'Shorten the TTL so the value is always fresh',
          correct: false,
          why: 'More expiries mean more stampedes, not fewer.',
        },
        {
          text: 'Raise maxmemory',
          correct: false,
          why: 'The key expired; it was not evicted. Memory has nothing to do with it.',
        },
      ],
      explanation:
        'A stampede (thundering herd, dog-piling) happens when a popular entry disappears and every concurrent reader ' +
        'recomputes it at once. All the fixes make sure only one caller recomputes: a short rebuild lock taken with SET ' +
        'NX PX, refreshing before the TTL ends, or serving a stale value while one worker refreshes it. TTL jitter helps ' +
        'when many keys expire together, but a single hot key needs single-flight.',
      proof: [
        'SET {ns}lock:rebuild:product:7 9f2c1e NX PX 5000',
        'SET {ns}cache:product:7 \'{"v":"...","refresh_at":1767225600}\' EX 3600',
      ],
    },
    {
      id: 'caching-penetration',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.6.12+ · Valkey 7.2+ (BF.* commands: Redis 8.0+ built in, or a module)',
      question:
        'A scraper requests `/product/<random id>` for ids that do not exist. Every request misses Redis and hits the ' +
        'database (cache penetration). Which defences fit? (Pick all that apply.)',
      options: [
        {
          text: 'Cache the miss: store a sentinel such as `__none__` under the key with a short TTL',
          correct: true,
          why: 'Repeated lookups of the same missing id stop at Redis, and the short TTL means a product created later soon becomes visible.',
        },
        {
          text: 'Check a Bloom filter of existing ids before the cache and the database',
          correct: true,
          why: 'A Bloom filter has no false negatives, so "not present" can be rejected safely; false positives just take the normal path. It needs the Bloom commands (built into Redis 8; the RedisBloom or valkey-bloom module elsewhere) or a bitmap filter you build with SETBIT.',
        },
        {
          text: 'Validate ids and rate-limit each client',
          correct: true,
          why: 'Malformed ids are rejected for free, and per-client limits cap how fast anyone can scan random ids.',
        },
        {
          text: 'Give every cached entry a longer TTL',
          correct: false,
          why: 'Missing ids are never cached in the first place, so the TTL of other entries changes nothing.',
        },
      ],
      explanation:
        'Penetration is traffic for keys that exist in neither the cache nor the database, so the cache never absorbs it. ' +
        'Negative caching stops repeats of the same missing id; a Bloom filter answers "definitely not there" for ids never ' +
        'seen, in about 10 bits per element at a 1% false-positive rate; validation and rate limiting stop random scans. ' +
        'Keep negative entries short-lived and delete them when the row is created.',
    },
    {
      id: 'caching-avalanche',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question:
        'A nightly job caches 2 million products with `EX 3600` in a few minutes. From then on, the database falls over ' +
        'at the same minute every hour. What is the likely cause and fix?',
      options: [
        {
          text: 'All the keys got the same TTL and expire together (a cache avalanche); add random jitter to each TTL, e.g. 3600 ± 10%',
          correct: true,
          why: 'Keys written together with one TTL all miss together. Jitter spreads the misses over a window the database can handle.',
        },
        {
          text: 'Redis evicts keys once an hour; switch maxmemory-policy to noeviction',
          correct: false,
          why: 'Eviction is driven by memory pressure, not by the clock, and noeviction would make writes fail once memory is full.',
        },
        {
          text: 'Redis runs a blocking cleanup every hour; disable the expiry cycle',
          correct: false,
          why: 'Active expiry runs all the time in small, time-boxed steps and cannot be switched off; it does not pile up into an hourly cleanup.',
        },
        {
          text: 'EX counts milliseconds, so the keys expire almost at once',
          correct: false,
          why: 'EX is seconds; PX is milliseconds.',
        },
      ],
      explanation:
        'An avalanche is a large share of the cache disappearing at once: synchronized TTLs, or a cache node restarting ' +
        'empty. The load that the cache absorbed lands on the database in one burst. Spread expiries with jitter, warm ' +
        'caches gradually, keep replicas so a restart is not a cold start, and protect the database with rate limits or ' +
        'a circuit breaker.',
      proof: ['SET {ns}cache:product:7 \'{"id":7}\' EX 3817', 'SET {ns}cache:product:8 \'{"id":8}\' EX 3452'],
    },
    {
      id: 'caching-nx-first-writer',
      kind: 'predict',
      level: 'beginner',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question: 'Two app servers miss the cache at the same moment and both fill it with `SET … NX`. What does the final GET return?',
      commands: ['SET {ns}cache:product:7 v1 EX 60 NX', 'SET {ns}cache:product:7 v2 EX 60 NX', 'GET {ns}cache:product:7'],
      answer: '"v1"',
      explanation:
        'NX writes only when the key does not exist, so the second SET replies (nil) and the first value stays. Filling a ' +
        'cache with NX stops a slow reader from overwriting an entry someone else already loaded; it cannot tell which ' +
        'value is newer, so the TTL remains the safety net.',
      proof: ['SET {ns}cache:product:7 v1 EX 60 NX', 'SET {ns}cache:product:7 v2 EX 60 NX', 'GET {ns}cache:product:7'],
    },
    {
      id: 'caching-set-drops-ttl',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 2.6.12+ · Valkey 7.2+ (KEEPTTL: 6.0+)',
      question: 'A cached entry is refreshed with a plain SET. What does TTL say afterwards?',
      commands: ['SET {ns}cache:user:42 Ada EX 300', 'SET {ns}cache:user:42 Grace', 'TTL {ns}cache:user:42'],
      answer: '(integer) -1',
      explanation:
        'A SET without an expiry option discards the old TTL, so the entry now never expires (-1 means no expiry; -2 ' +
        'would mean the key is gone). Refreshing entries with a plain SET is a classic leak: they pile up until memory ' +
        'fills. Pass EX or PX again, or use `SET … KEEPTTL` (Redis 6.0+) to keep the remaining time.',
      proof: [
        'SET {ns}cache:user:42 Ada EX 300',
        'SET {ns}cache:user:42 Grace',
        'TTL {ns}cache:user:42',
        'SET {ns}cache:user:42 Lin KEEPTTL',
      ],
    },
    {
      id: 'caching-set-with-jitter',
      kind: 'command',
      level: 'beginner',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question:
        'In one command, cache the JSON `{"id":7}` in `{ns}cache:product:7` so that it expires after 300 to 360 seconds ' +
        '(a jittered TTL: pick any value in that range).',
      setup: [],
      check: all(stringEquals('cache:product:7', '{"id":7}'), ttlBetween('cache:product:7', 300, 360)),
      answer: ['SET {ns}cache:product:7 \'{"id":7}\' EX 327'],
      wrong: ['SET {ns}cache:product:7 \'{"id":7}\' PX 327'],
      explanation:
        '`SET key value EX seconds` writes the value and its TTL atomically; SET followed by EXPIRE takes two round trips ' +
        'and leaves a key without expiry if the client dies in between. Choosing a random TTL within a band spreads the ' +
        'expiries of keys cached at the same time. Mind the unit: PX takes milliseconds, so `PX 327` expires in a third ' +
        'of a second.',
      proof: ['SET {ns}cache:product:7 \'{"id":7}\' EX 327', 'TTL {ns}cache:product:7'],
    },
    {
      id: 'caching-negative-entry',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question:
        'Product 999 does not exist in the database. Cache that fact in `{ns}cache:product:999` as the string `__none__` ' +
        'so repeated lookups skip the database, but make sure a product created later becomes visible within two minutes.',
      setup: [],
      check: all(stringEquals('cache:product:999', '__none__'), ttlBetween('cache:product:999', 1, 120)),
      answer: ['SET {ns}cache:product:999 __none__ EX 60'],
      wrong: ['SET {ns}cache:product:999 __none__'],
      explanation:
        'Negative caching stores a sentinel for "not found", so a client asking for the same missing id again and again ' +
        'stops at Redis. The TTL must be short (or the sentinel deleted when the row is created); without one, a product ' +
        'inserted later stays invisible for good. Choose a sentinel that can never be a real value and treat it as a miss ' +
        'that needs no database query.',
      proof: ['SET {ns}cache:product:999 __none__ EX 60'],
    },
    {
      id: 'caching-hot-key',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question:
        'In a Redis Cluster, one cached product gets 200,000 reads a second during a flash sale and the node that owns ' +
        'it is saturated while the others idle. What helps? (Pick all that apply.)',
      options: [
        {
          text: 'Cache the value in each application process for a second or two (or use client-side caching with CLIENT TRACKING, Redis 6.0+)',
          correct: true,
          why: 'Most reads never reach Redis; tracking lets Redis tell clients when to drop their local copy.',
        },
        {
          text: 'Keep several copies (`product:42:c0` … `product:42:c7`) and read a random one',
          correct: true,
          why: 'The copies hash to different slots, so the reads spread over several nodes. Writes must update every copy, or rely on short TTLs.',
        },
        {
          text: 'Serve reads from replicas of that shard',
          correct: true,
          why: 'Replicas share the read load (clients send READONLY in a cluster), at the price of slightly stale reads.',
        },
        {
          text: 'Add more shards to the cluster',
          correct: false,
          why: 'A key lives in exactly one hash slot on one primary; more shards do not split one key.',
        },
        {
          text: 'Put related keys under one hash tag such as `{product:42}`',
          correct: false,
          why: 'Hash tags force keys into the same slot, concentrating load instead of spreading it.',
        },
      ],
      explanation:
        'A hot key is a per-key bottleneck: the whole cluster may be idle while one node burns. Remedies either stop ' +
        'the reads from reaching Redis (a short-lived local cache), spread them over more nodes (copies of the key, ' +
        'replica reads), or batch them. Find hot keys first with `redis-cli --hotkeys` (which needs an LFU ' +
        'maxmemory-policy) or with client-side metrics.',
    },
    {
      id: 'caching-consistency',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'How do you keep a Redis cache consistent with the database behind it? Walk through the write path and its failure modes.',
      keyPoints: [
        'Write the database first, then invalidate the cache key (DEL or UNLINK); do not update both in an order that can interleave.',
        'Always set a TTL: it bounds how long any inconsistency can last.',
        'A race remains: a reader loads the old row, the writer deletes the key, the reader writes the stale row back. Short TTLs, a delayed second delete or versioned values reduce it.',
        'If the invalidation fails (Redis down, timeout), retry it from a queue, or drive invalidation from the database change log (CDC) instead of application code.',
        'App instances with their own in-process caches need broadcast invalidation (Pub/Sub) or client-side caching with CLIENT TRACKING (Redis 6.0+).',
        'Where stale reads are unacceptable (balances, stock at checkout), read the database, not the cache.',
      ],
      explanation:
        'A cache is a second copy, so the honest goal is bounded staleness, not perfect consistency. The standard answer ' +
        'is cache-aside with database-first writes and invalidation, a TTL on every key as a backstop, and a reliable ' +
        'invalidation path for when deletes fail. Name the remaining race and how you would shrink it, and say which ' +
        'reads must bypass the cache.',
    },
  ],
};
