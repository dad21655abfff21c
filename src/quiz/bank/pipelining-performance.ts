// Quiz topic: round trips and pipelining, big and hot keys, slow commands, latency tools, client-side caching, pooling.
import { all, learnerReply, learnerUsed, notExists } from '../../engine/checks.js';
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'pipelining-performance',
  title: 'Pipelining and performance',
  intro:
    'Redis executes a simple command in about a microsecond, so performance problems usually come from elsewhere: ' +
    'network round trips, O(N) commands on big keys, a single hot key, or persistence forks. This topic covers ' +
    'pipelining and batching, how to find slow commands (SLOWLOG, the latency monitor, redis-benchmark), and how to take ' +
    'load off the server with client-side caching and sensible connection handling.',
  questions: [
    {
      id: 'pipelining-performance-rtt',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 1.0+ · Valkey 7.2+',
      question:
        'A job sends 10,000 GETs one at a time over a link with 0.5 ms round-trip time and takes about 5 seconds. What is going on?',
      options: [
        {
          text: 'Each command waits a full round trip; pipelining (or MGET) sends many commands before reading replies and cuts the time to milliseconds',
          correct: true,
          why: '10,000 × 0.5 ms = 5 s of waiting while Redis itself spends only a few milliseconds working.',
        },
        {
          text: 'GET is slow on large databases; add an index',
          correct: false,
          why: 'GET is O(1) whatever the database size, and Redis has no indexes to add.',
        },
        {
          text: 'Redis needs more threads to serve one client faster',
          correct: false,
          why: 'The server is idle most of the time; the client is waiting on the network.',
        },
      ],
      explanation:
        'Round-trip time dominates chatty workloads. Pipelining writes a batch of commands and then reads all replies, so ' +
        'the cost becomes one round trip per batch; it also saves system calls on both ends. Multi-key commands like MGET, ' +
        'MSET or HSET with many fields achieve the same for a single command.',
      proof: ['redis-cli --latency', 'redis-benchmark -t get -n 100000 -P 16'],
      proofOn: 'shell',
    },
    {
      id: 'pipelining-performance-pipeline-vs-multi',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 1.2+ · Valkey 7.2+',
      question: 'How does pipelining differ from MULTI/EXEC?',
      options: [
        {
          text: "Pipelining only batches network I/O: other clients' commands can run between yours. MULTI/EXEC guarantees no interleaving",
          correct: true,
          why: 'They solve different problems and are often combined: a transaction sent as one pipeline.',
        },
        {
          text: 'A pipeline is executed atomically by the server',
          correct: false,
          why: 'The server sees ordinary commands arriving quickly; nothing makes them atomic.',
        },
        {
          text: 'MULTI/EXEC alone saves round trips, so pipelining is unnecessary with transactions',
          correct: false,
          why: 'Without pipelining each queued command still waits for its QUEUED reply.',
        },
      ],
      explanation:
        'Pipelining is a client-side technique for throughput; MULTI/EXEC is a server-side guarantee of isolation. In a ' +
        'cluster, a client splits a pipeline per node, while a transaction must stay within one slot. Most clients send ' +
        'MULTI ... EXEC in a single pipeline automatically.',
    },
    {
      id: 'pipelining-performance-batch-size',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'You need to load one million keys. Why not send them all in a single pipeline?',
      options: [
        {
          text: "All replies pile up in the server's output buffer and the client's memory; batches of a few hundred to a few thousand get nearly all of the gain with bounded memory",
          correct: true,
          why: 'Beyond a few thousand commands per batch the round-trip saving is already negligible.',
        },
        {
          text: 'Redis limits a pipeline to 100 commands',
          correct: false,
          why: 'There is no such limit; the practical limit is memory.',
        },
        {
          text: 'A big pipeline blocks all other clients until it finishes',
          correct: false,
          why: "Commands are still executed one by one, interleaved with other clients' commands.",
        },
      ],
      explanation:
        'Throughput grows quickly with batch size and then flattens; memory for queued replies grows linearly. Batching ' +
        'also lets you report progress and retry a failed chunk. For bulk imports redis-cli --pipe streams raw protocol ' +
        'efficiently.',
    },
    {
      id: 'pipelining-performance-big-keys',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 4.0+ · Valkey 7.2+ (redis-cli --memkeys: 6.0+)',
      question: 'Why are "big keys" (a hash with millions of fields, a 500 MB string) a problem? (pick all that apply)',
      options: [
        {
          text: 'Deleting one with DEL frees all its memory on the main thread and can block for seconds',
          correct: true,
          why: 'UNLINK (4.0+) or lazyfree-lazy-user-del frees it in a background thread instead.',
        },
        {
          text: 'Reading it whole (HGETALL, GET) is O(N) work and a huge reply on the network',
          correct: true,
          why: 'Everyone waits while it is serialised and the client output buffer grows.',
        },
        {
          text: 'In a cluster it cannot be split: one slot, one node, and migrating it blocks both nodes',
          correct: true,
          why: 'MIGRATE moves a key atomically, however big.',
        },
        {
          text: 'Big keys are faster because there are fewer keys to look up',
          correct: false,
          why: 'Key lookup is O(1) regardless; the cost is in operating on the big value.',
        },
      ],
      explanation:
        'Find big keys with redis-cli --bigkeys or --memkeys, which walk the whole keyspace with SCAN (add -i to pause ' +
        'between batches on a busy server), and check one with MEMORY USAGE. Split them (bucket a big hash into many ' +
        'smaller ones), cap collections, read them incrementally with SCAN variants and delete them with UNLINK.',
      proof: ['RPUSH {ns}big a b c d e', 'MEMORY USAGE {ns}big', 'UNLINK {ns}big'],
    },
    {
      id: 'pipelining-performance-hot-key',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question:
        'In a 6-shard cluster, one key receives 200,000 reads per second; its node is at 100% CPU while the others idle. What helps? (pick all that apply)',
      options: [
        {
          text: 'Client-side caching of that key (CLIENT TRACKING, Redis 6.0+) or a short-lived local cache',
          correct: true,
          why: 'Most reads never reach Redis; invalidation keeps the local copy fresh.',
        },
        {
          text: 'Store N copies under different keys (hot:{0} … hot:{N-1}) on different shards and read a random one',
          correct: true,
          why: 'Spreads the load across nodes at the cost of writing all copies.',
        },
        {
          text: 'Serve reads from the replicas of that shard',
          correct: true,
          why: 'READONLY connections to replicas add capacity, accepting slightly stale reads.',
        },
        {
          text: 'Add more shards',
          correct: false,
          why: 'A key lives in exactly one slot, so more shards do not split its load.',
        },
      ],
      explanation:
        'A hot key is a single-node bottleneck that sharding cannot fix. Find it with redis-cli --hotkeys (it scans every ' +
        'key and reads OBJECT FREQ, so it needs an LFU policy), MONITOR sampling or client metrics, then spread or cache the reads. For hot writes, split the counter into ' +
        'several keys and sum them when reading.',
      proof: ['CONFIG SET maxmemory-policy allkeys-lfu', 'SET {ns}hot v', 'GET {ns}hot', 'OBJECT FREQ {ns}hot'],
    },
    {
      id: 'pipelining-performance-slowlog',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.2+ · Valkey 7.2+',
      question: 'What does SLOWLOG record?',
      options: [
        {
          text: 'Commands whose execution on the server took longer than slowlog-log-slower-than microseconds (10,000 by default)',
          correct: true,
          why: 'It measures only execution time, the part that blocks other clients.',
        },
        {
          text: 'Requests whose total round-trip time seen by the client was slow',
          correct: false,
          why: 'Network time and time spent queued are not included.',
        },
        {
          text: 'Every command slower than 10 seconds',
          correct: false,
          why: 'The unit is microseconds: the default threshold is 10 ms.',
        },
      ],
      explanation:
        'SLOWLOG GET shows the latest entries with timestamp, duration, arguments and client; SLOWLOG LEN and SLOWLOG RESET ' +
        'manage it, and slowlog-max-len (128 by default) bounds its size. A client can see high latency while the slow log ' +
        'is empty, which points at the network, queueing behind other clients, or forks.',
      proof: ['SLOWLOG GET 10', 'CONFIG GET slowlog-max-len'],
    },
    {
      id: 'pipelining-performance-client-tracking',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'How does server-assisted client-side caching (Redis 6.0+) work? (pick all that apply)',
      options: [
        {
          text: 'With CLIENT TRACKING ON, the server remembers which keys the client read and sends an invalidation message when one changes',
          correct: true,
          why: 'The client then drops its local copy; the next read goes to Redis.',
        },
        {
          text: 'Invalidations arrive as RESP3 push messages, or with RESP2 on a second connection via REDIRECT and the __redis__:invalidate channel',
          correct: true,
          why: 'RESP2 cannot interleave push messages with replies on the same connection.',
        },
        {
          text: 'BCAST mode tracks key prefixes instead of individual keys, so the server keeps no per-key memory',
          correct: true,
          why: 'Clients get invalidations for every change under the prefixes they registered.',
        },
        {
          text: 'The server pushes the new value to the client whenever a key changes',
          correct: false,
          why: 'Only the key name is sent; the client fetches the value again if it needs it.',
        },
      ],
      explanation:
        'Client-side caching removes network and server work for hot, rarely changing keys. The default mode costs server ' +
        'memory for the tracking table (bounded by tracking-table-max-keys); OPTIN/OPTOUT let the client choose which reads ' +
        'are tracked with CLIENT CACHING.',
      proof: ['CLIENT TRACKINGINFO', 'CONFIG GET tracking-table-max-keys'],
    },
    {
      id: 'pipelining-performance-pooling',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'Which statements about connections are true? (pick all that apply)',
      options: [
        {
          text: 'Opening a connection per request adds a TCP (and TLS) handshake to every command; reuse connections',
          correct: true,
          why: 'The handshake can cost more than the command itself.',
        },
        {
          text: 'Blocking commands, MULTI/WATCH and SUBSCRIBE need a connection of their own, because they hold connection state',
          correct: true,
          why: 'Sharing such a connection would mix other requests into the blocked or transactional state.',
        },
        {
          text: 'Each connection costs server memory (buffers), so thousands of idle ones are not free',
          correct: true,
          why: 'maxclients (10,000 by default) and client buffers both matter.',
        },
        {
          text: 'More connections always mean more throughput, because Redis runs each on its own thread',
          correct: false,
          why: 'Commands run on one thread; beyond a point more connections only add overhead.',
        },
      ],
      explanation:
        'A small pool, or one multiplexed connection per process as ioredis and Lettuce use by default, plus dedicated ' +
        'connections for blocking and Pub/Sub work, is the usual setup. Watch connected_clients and client buffer memory ' +
        'in INFO clients.',
      proof: ['INFO clients', 'CLIENT LIST'],
    },
    {
      id: 'pipelining-performance-benchmark',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.6+ · Valkey 7.2+ (--threads: 6.0+)',
      question: 'You run `redis-benchmark -t set,get -n 100000 -c 50 -P 16 -q`. What does `-P 16` change?',
      options: [
        {
          text: 'Each client pipelines 16 requests at a time, which usually multiplies the reported requests per second',
          correct: true,
          why: 'It shows how much of the default numbers is round-trip time.',
        },
        {
          text: 'It starts 16 server threads',
          correct: false,
          why: 'redis-benchmark is a client; -c sets the number of client connections.',
        },
        {
          text: 'It uses 16-byte values',
          correct: false,
          why: 'Value size is -d.',
        },
      ],
      explanation:
        'redis-benchmark measures a server with synthetic load: -c connections, -n requests, -d value size, -t tests, -P ' +
        'pipeline depth, --threads (6.0+) for the client. Its numbers are an upper bound for simple commands; benchmark your own ' +
        'command mix and value sizes before drawing conclusions.',
      proof: ['redis-benchmark -t set,get -n 100000 -q', 'redis-benchmark -t set,get -n 100000 -P 16 -q'],
      proofOn: 'shell',
    },
    {
      id: 'pipelining-performance-hscan-small',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'A small hash is scanned with COUNT 1. What does the first HSCAN reply?',
      setup: ['HSET {ns}h a 1 b 2 c 3'],
      commands: ['HSCAN {ns}h 0 COUNT 1'],
      answer: '1) "0" 2) ["a" "1" "b" "2" "c" "3"]',
      explanation:
        'COUNT is only a hint. A hash still in its compact listpack encoding (ziplist before 7.0) cannot be iterated in pieces, so the whole hash ' +
        'comes back at once with cursor 0, meaning the scan is finished. That is harmless for small keys and exactly why ' +
        'the listpack thresholds keep such keys small.',
    },
    {
      id: 'pipelining-performance-slowlog-threshold',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 2.2+ · Valkey 7.2+',
      question: 'With the default configuration, what is the slow log threshold (and in which unit)?',
      commands: ['CONFIG GET slowlog-log-slower-than'],
      answer: '1) "slowlog-log-slower-than" 2) "10000"',
      explanation:
        'The value is in microseconds, so the default logs commands taking more than 10 ms. Many teams lower it to 1 ms ' +
        '(1000) because on a single-threaded server a 5 ms command already delays every other client by 5 ms. 0 logs every ' +
        'command and a negative value disables the log.',
    },
    {
      id: 'pipelining-performance-mget',
      kind: 'command',
      level: 'beginner',
      versions: 'Redis 1.0+ · Valkey 7.2+',
      question: 'Read the three prices `{ns}price:1`, `{ns}price:2` and `{ns}price:3` in a single command (one round trip).',
      setup: ['SET {ns}price:1 10', 'SET {ns}price:2 20', 'SET {ns}price:3 30'],
      check: learnerReply(
        'one command replying 10, 20 and 30',
        (reply) => Array.isArray(reply) && JSON.stringify(reply) === JSON.stringify(['10', '20', '30']),
      ),
      answer: ['MGET {ns}price:1 {ns}price:2 {ns}price:3'],
      wrong: ['GET {ns}price:1'],
      explanation:
        'MGET returns the values of many keys in one reply, so the cost is one round trip instead of three. In a cluster ' +
        'the keys must share a slot (use a hash tag), or the client has to split the MGET per slot.',
      proof: ['MGET {ns}price:1 {ns}price:2 {ns}price:3'],
    },
    {
      id: 'pipelining-performance-unlink',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question: '`{ns}big` is a large set. Delete it so that its memory is freed in the background instead of on the main thread.',
      setup: ['SADD {ns}big m1 m2 m3 m4 m5 m6 m7 m8 m9 m10'],
      check: all(notExists('big'), learnerUsed('UNLINK')),
      answer: ['UNLINK {ns}big'],
      wrong: ['DEL {ns}big'],
      explanation:
        'UNLINK (Redis 4.0+) removes the key from the keyspace immediately and hands large values to a background thread ' +
        'to free. DEL frees everything synchronously, which for millions of elements can block the server for seconds, ' +
        'unless lazyfree-lazy-user-del (6.0+) is set to yes.',
      proof: ['UNLINK {ns}big', 'CONFIG GET lazyfree-lazy-user-del'],
    },
    {
      id: 'pipelining-performance-latency-investigation',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'Clients report p99 latency spikes of 50 ms on a Redis that normally answers in under 1 ms. How do you investigate?',
      keyPoints: [
        'SLOWLOG GET: slow commands (O(N) on big keys, KEYS, long scripts)',
        'LATENCY DOCTOR / LATENCY LATEST after setting latency-monitor-threshold (off by default)',
        'INFO stats latest_fork_usec and persistence timing: forks for BGSAVE / AOF rewrite, AOF fsync stalls',
        'Expiry or eviction bursts, big key deletions (use UNLINK / lazyfree)',
        'Host issues: swapping, transparent huge pages, noisy neighbours; redis-cli --intrinsic-latency',
        'Client side: network, connection pool exhaustion, large replies, client output buffers',
        'INFO commandstats to find which commands consume time',
      ],
      explanation:
        'A structured answer separates server execution (slow log), server stalls outside commands (fork, fsync, expiry) ' +
        'and everything outside Redis (host, network, client). Naming the specific tools for each layer is what ' +
        'interviewers look for.',
    },
    {
      id: 'pipelining-performance-bulk-load',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'You must load 10 million records into Redis as fast as possible. How do you do it?',
      keyPoints: [
        'Pipeline in batches (hundreds to thousands of commands), never one round trip per record',
        'Use multi-field or multi-key commands (HSET with many fields, MSET) where the data allows',
        'redis-cli --pipe with pre-generated RESP for the fastest raw import',
        'In a cluster, group commands per node (or per slot) and load shards in parallel',
        'Consider persistence during the load (AOF growth, fork for rewrites) and memory headroom',
        'Measure records per second and memory (INFO memory) and check a sample of keys afterwards',
      ],
      explanation:
        'Bulk loading is a round-trip problem first and a memory problem second. A good answer mentions batching, ' +
        'parallelism per shard and how to verify the result.',
    },
  ],
};
