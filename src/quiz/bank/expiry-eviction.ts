// Quiz topic: key expiry (TTL semantics, lazy and active expiry, replicas) and maxmemory eviction policies.
import { all, stringEquals, ttlBetween } from '../../engine/checks.js';
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'expiry-eviction',
  title: 'Expiry and eviction',
  intro:
    'Two different mechanisms remove keys: expiry deletes a key whose TTL has passed, eviction deletes keys (expired or ' +
    'not) when memory reaches maxmemory. Interviews probe the TTL edge cases (what resets a TTL, what -1 and -2 mean, the ' +
    'Redis 7.0 NX/XX/GT/LT options), how Redis finds expired keys without a timer per key, and which maxmemory policy ' +
    'fits a cache versus a primary store.',
  questions: [
    {
      id: 'expiry-eviction-ttl-codes',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'TTL can reply -1 or -2. What do they mean?',
      options: [
        {
          text: '-1: the key exists but has no expiry; -2: the key does not exist',
          correct: true,
          why: 'Since Redis 2.8 the two cases are distinguished; PTTL uses the same codes.',
        },
        {
          text: '-1: the key does not exist; -2: the key has no expiry',
          correct: false,
          why: 'The codes are the other way round.',
        },
        {
          text: '-1: the key has expired but has not been deleted yet',
          correct: false,
          why: 'A logically expired key is reported as missing (-2); clients never see it.',
        },
      ],
      explanation:
        'TTL returns the remaining seconds, -1 for a persistent key and -2 for a missing one (PTTL does the same in ' +
        'milliseconds). Redis 7.0 added EXPIRETIME and PEXPIRETIME, which return the absolute Unix time of expiry with the same ' +
        'negative codes.',
      proof: ['SET {ns}k v', 'TTL {ns}k', 'TTL {ns}missing', 'EXPIRETIME {ns}k'],
    },
    {
      id: 'expiry-eviction-how-expiry-works',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'How does Redis remove keys whose TTL has passed? (pick all that apply)',
      options: [
        {
          text: 'Lazily: any command that touches an expired key deletes it first and behaves as if it was missing',
          correct: true,
          why: 'Reads never return an expired value, whether or not it has been cleaned up yet.',
        },
        {
          text: 'Actively: a background cycle (hz times per second, 10 by default) samples keys that have a TTL and deletes expired ones, repeating while many of the sample were expired',
          correct: true,
          why: 'This reclaims memory from expired keys nobody reads; active-expire-effort tunes how hard it works.',
        },
        {
          text: 'Each key gets its own timer that fires at its expiry time',
          correct: false,
          why: 'Millions of timers would be too expensive; Redis stores an absolute expiry time per key instead.',
        },
        {
          text: 'Only when memory reaches maxmemory',
          correct: false,
          why: 'That is eviction, a separate mechanism; expiry happens regardless of memory.',
        },
      ],
      explanation:
        'Every volatile key has an absolute expiry timestamp in a separate dictionary. Lazy expiry guarantees correctness on ' +
        'access; the adaptive active cycle keeps the share of expired-but-present keys low without scanning everything. So ' +
        'an expired key may occupy memory briefly, but it is never returned.',
      proof: ['CONFIG GET hz', 'CONFIG GET active-expire-effort', 'INFO stats'],
    },
    {
      id: 'expiry-eviction-replicas',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question: 'How do replicas handle keys with a TTL?',
      options: [
        {
          text: 'They do not expire keys themselves: the primary sends a DEL (or UNLINK) when it expires a key, and meanwhile the replica answers reads as if the logically expired key were gone',
          correct: true,
          why: 'Deletions stay consistent with the primary, and since Redis 3.2 replicas hide logically expired keys from reads.',
        },
        {
          text: 'Each replica runs its own active expiry cycle and deletes keys independently',
          correct: false,
          why: 'Independent deletes could diverge from the primary; the primary drives expiry.',
        },
        {
          text: 'Replicas keep returning expired keys until the primary deletes them',
          correct: false,
          why: 'That was the behaviour before 3.2; modern replicas use their clock to hide expired keys on reads.',
        },
      ],
      explanation:
        'Expiry is driven by the primary so that all nodes delete the same keys in the same order of the replication stream. ' +
        'Relative TTLs are replicated as absolute millisecond timestamps, so replica clocks matter mainly for hiding ' +
        'expired keys on reads. A writable replica (rarely a good idea) does manage TTLs of keys written directly to it.',
    },
    {
      id: 'expiry-eviction-default-policy',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'A Redis server (3.0 or later) with the default configuration reaches its maxmemory. What happens to a SET?',
      options: [
        {
          text: 'It fails with an OOM error, because the default policy is noeviction; reads still work',
          correct: true,
          why: 'noeviction refuses commands that may grow memory instead of deleting data.',
        },
        {
          text: 'The least recently used key is deleted to make room (allkeys-lru)',
          correct: false,
          why: 'allkeys-lru must be configured explicitly.',
        },
        {
          text: 'Keys with a TTL are deleted first (volatile-lru)',
          correct: false,
          why: 'volatile-lru was the default before Redis 3.0; today it is noeviction.',
        },
        {
          text: 'Redis starts swapping the coldest keys to disk',
          correct: false,
          why: 'Open-source Redis has no swap-to-disk tier; the OS swap would only make it slow.',
        },
      ],
      explanation:
        'The default maxmemory-policy is noeviction: write commands that could use more memory get "OOM command not allowed ' +
        "when used memory > 'maxmemory'\" while reads and deletes keep working. That is right for a primary store and wrong " +
        'for a cache, which should use an allkeys-* policy. Note maxmemory itself defaults to 0 (no limit) on 64-bit systems.',
      proof: ['CONFIG GET maxmemory-policy', 'CONFIG GET maxmemory'],
    },
    {
      id: 'expiry-eviction-pick-policy',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question:
        'A pure cache: every key can be rebuilt from the database, most keys have no TTL, and a steady set of keys is popular day after day. Which policy fits best?',
      options: [
        {
          text: 'allkeys-lfu',
          correct: true,
          why: 'It evicts any key, preferring the least frequently used, so long-term popular keys survive one-off scans.',
        },
        {
          text: 'volatile-lru',
          correct: false,
          why: 'It only evicts keys that have a TTL; with most keys persistent it soon has nothing to evict and writes fail.',
        },
        {
          text: 'volatile-ttl',
          correct: false,
          why: 'It evicts the keys closest to expiring, and again only among keys with a TTL.',
        },
        {
          text: 'noeviction',
          correct: false,
          why: 'A cache that refuses writes when full defeats its purpose.',
        },
      ],
      explanation:
        'allkeys-* policies consider every key, volatile-* only keys with a TTL (and behave like noeviction when there are ' +
        'none). LFU (4.0+) keeps keys that are accessed often; LRU keeps keys accessed recently, which a single big scan can ' +
        'pollute. allkeys-random and volatile-random exist for uniform access patterns.',
      proof: ['CONFIG SET maxmemory-policy allkeys-lfu', 'CONFIG GET maxmemory-policy'],
    },
    {
      id: 'expiry-eviction-approximated-lru',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'How does Redis find the "least recently used" key to evict?',
      options: [
        {
          text: 'It samples a few keys (maxmemory-samples, default 5), compares their last-access clock, and keeps the best candidates in a small eviction pool',
          correct: true,
          why: 'An approximation: cheap, memory-free per key beyond a 24-bit clock, and close to true LRU with 10 samples.',
        },
        {
          text: 'It keeps all keys in a doubly linked list ordered by access time',
          correct: false,
          why: 'Two pointers per key would cost too much memory; Redis deliberately avoids it.',
        },
        {
          text: 'It deletes the oldest inserted key first',
          correct: false,
          why: 'That would be FIFO, not LRU.',
        },
      ],
      explanation:
        'Each object stores a 24-bit access clock. On eviction Redis samples maxmemory-samples keys, fills a pool of 16 ' +
        'candidates and evicts the one idle longest. Raising maxmemory-samples makes the choice more accurate at some CPU ' +
        'cost; OBJECT IDLETIME shows the idle time a key would be judged by (under LRU policies).',
      proof: ['CONFIG GET maxmemory-samples', 'OBJECT IDLETIME {ns}somekey'],
    },
    {
      id: 'expiry-eviction-lfu-counter',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question: 'How does the LFU policy count how frequently a key is used?',
      options: [
        {
          text: 'An 8-bit logarithmic counter that increments probabilistically and decays over time',
          correct: true,
          why: 'lfu-log-factor (default 10) slows growth so 255 means roughly a million hits; lfu-decay-time (default 1 minute) lowers the counter for every period the key sits unused.',
        },
        {
          text: 'An exact 64-bit hit count per key',
          correct: false,
          why: 'LFU reuses the 24 bits of the LRU field: 16 bits of decay time and an 8-bit counter.',
        },
        {
          text: 'A counter that never decreases',
          correct: false,
          why: 'Without decay a key popular last week would never be evicted.',
        },
      ],
      explanation:
        'LFU (Redis 4.0+) stores a Morris-style logarithmic counter plus the last decrement time in the 24 bits each object ' +
        'already has. New keys start at 5 so they are not evicted immediately. OBJECT FREQ reads the counter when an LFU ' +
        'policy is active.',
      proof: ['CONFIG GET lfu-log-factor', 'CONFIG GET lfu-decay-time'],
    },
    {
      id: 'expiry-eviction-set-clears-ttl',
      kind: 'predict',
      level: 'beginner',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question: 'A session key has an expiry; then it is overwritten with a plain SET. What does TTL reply?',
      commands: ['SET {ns}session abc EXAT 4102444800', 'SET {ns}session xyz', 'TTL {ns}session'],
      answer: '(integer) -1',
      explanation:
        'SET replaces the whole key, value and TTL, so the overwritten key is persistent. Add KEEPTTL (Redis 6.0+) to keep ' +
        'the existing expiry, or pass EX/PX again. Commands that modify a value in place, like INCR, LPUSH or HSET, keep the TTL.',
      proof: ['SET {ns}session xyz KEEPTTL'],
    },
    {
      id: 'expiry-eviction-incr-keeps-ttl',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'A counter expires at a fixed Unix time (in the year 2100). After INCR, what does EXPIRETIME reply?',
      commands: ['SET {ns}hits 1 EXAT 4102444800', 'INCR {ns}hits', 'EXPIRETIME {ns}hits'],
      answer: '(integer) 4102444800',
      explanation:
        'INCR alters the value without replacing the key, so the expiry is untouched. EXPIRETIME (Redis 7.0+) returns the ' +
        'absolute expiry as a Unix timestamp in seconds, handy because it does not tick down like TTL.',
    },
    {
      id: 'expiry-eviction-expire-nx',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'The token already has a 5-minute TTL. What does EXPIRE with NX reply?',
      commands: ['SET {ns}token t1 EX 300', 'EXPIRE {ns}token 3600 NX'],
      answer: '(integer) 0',
      explanation:
        'Since Redis 7.0 EXPIRE accepts NX (only if the key has no TTL), XX (only if it has one), GT (only if the new expiry ' +
        'is later) and LT (only if it is earlier). The reply is 1 when the TTL was set and 0 when the condition failed or ' +
        'the key does not exist, so here the 300-second TTL stays.',
      proof: ['EXPIRE {ns}token 3600 NX', 'EXPIRE {ns}token 3600 GT'],
    },
    {
      id: 'expiry-eviction-expire-gt-persistent',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'The key has no TTL at all. What does EXPIRE with GT reply?',
      commands: ['SET {ns}config v1', 'EXPIRE {ns}config 100 GT'],
      answer: '(integer) 0',
      explanation:
        'For GT and LT a key without a TTL counts as having an infinite one. No finite expiry is greater than infinity, so ' +
        'GT never applies to a persistent key, while LT always does.',
      proof: ['SET {ns}config v1', 'EXPIRE {ns}config 100 LT'],
    },
    {
      id: 'expiry-eviction-object-freq',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question: 'On a server with the default maxmemory-policy, what does OBJECT FREQ reply for an existing key?',
      commands: ['SET {ns}page v', 'OBJECT FREQ {ns}page'],
      answer:
        '(error) ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
      explanation:
        'Each object has one 24-bit field that holds either an LRU clock or the LFU counter, depending on the policy. With the ' +
        'default noeviction (or any LRU policy) there is no frequency to report, so OBJECT FREQ errors; OBJECT IDLETIME is ' +
        'the matching LRU view.',
      proof: ['OBJECT IDLETIME {ns}page'],
    },
    {
      id: 'expiry-eviction-keepttl',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: '`{ns}token` has about an hour left. Change its value to v2 without changing its expiry, in one command.',
      setup: ['SET {ns}token v1 EX 3600'],
      check: all(stringEquals('token', 'v2'), ttlBetween('token', 3500, 3600)),
      answer: ['SET {ns}token v2 KEEPTTL'],
      wrong: ['SET {ns}token v2'],
      explanation:
        'SET KEEPTTL (Redis 6.0+) replaces the value and keeps the current expiry. Without it the key becomes persistent, a ' +
        'classic bug that slowly fills memory with keys that were meant to expire.',
      proof: ['SET {ns}token v2 KEEPTTL', 'TTL {ns}token'],
    },
    {
      id: 'expiry-eviction-expire-nx-cmd',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'Give `{ns}report` a 10-minute TTL, but only if it has no TTL yet, so an expiry set by another service is never overwritten. Use a Redis 7.0 EXPIRE option.',
      setup: ['SET {ns}report data'],
      check: ttlBetween('report', 590, 600),
      answer: ['EXPIRE {ns}report 600 NX'],
      wrong: ['EXPIRE {ns}report 600 XX'],
      explanation:
        'NX sets the expiry only when none exists; XX is the opposite and does nothing on a persistent key. Before 7.0 this ' +
        'needed a Lua script or a TTL check followed by EXPIRE, which races with other clients.',
      proof: ['EXPIRE {ns}report 600 NX'],
    },
    {
      id: 'expiry-eviction-mass-expiry',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question:
        'A deploy warms a cache by writing two million keys, all with `EX 3600`. What happens an hour later, and how do you avoid it?',
      keyPoints: [
        'All keys expire together: a wave of cache misses hits the database at once (stampede / thundering herd)',
        'The active expiry cycle has a burst of work, which can add latency',
        'Add random jitter to each TTL (for example 3600 plus up to 10%) to spread expiries',
        'Refresh hot keys early (probabilistic early recomputation) or behind a per-key lock so one caller rebuilds',
        'Serve stale data while one worker refreshes, or use longer TTLs with explicit invalidation',
      ],
      explanation:
        'Synchronised expiry turns a cache into a periodic load spike on its backing store. Jitter breaks the synchronisation; ' +
        'stampede protection (single-flight rebuild, early refresh) limits the damage for hot keys.',
    },
    {
      id: 'expiry-eviction-oom',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question: 'Writes start failing with "OOM command not allowed when used memory > \'maxmemory\'". How do you diagnose and fix it?',
      keyPoints: [
        'Check INFO memory: used_memory vs maxmemory, fragmentation, and maxmemory_policy (noeviction causes the error)',
        'Decide the role: a cache should use an allkeys-lru or allkeys-lfu policy; a primary store needs more memory or less data',
        'volatile-* policies fail the same way when few keys have a TTL',
        'Find what grew: redis-cli --bigkeys / --memkeys (6.0+), MEMORY USAGE, keys missing a TTL, unbounded lists or streams',
        'Count non-data memory: client output buffers, replication backlog, AOF buffers, Lua scripts',
        'Leave headroom below RAM for fork copy-on-write during BGSAVE or AOF rewrite',
      ],
      explanation:
        'The error means the policy is noeviction (or volatile-* with nothing to evict). Good answers separate the immediate ' +
        'fix (policy or capacity) from the root cause (unbounded keys, missing TTLs, buffers).',
    },
  ],
};
