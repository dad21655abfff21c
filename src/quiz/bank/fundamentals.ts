// Quiz topic: what Redis is, how it executes commands, RESP, complexity and blocking commands.
import { all, learnerUsed, listEquals, stringEquals } from '../../engine/checks.js';
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'fundamentals',
  title: 'Fundamentals',
  intro:
    'Redis is an in-memory data structure server: clients send commands over TCP using the RESP protocol and one main ' +
    'thread executes them one at a time. That single fact explains most interview answers about Redis: why each command ' +
    'is atomic, why it is fast, why one slow O(N) command hurts every client, and why blocking commands such as BLPOP ' +
    'only block the connection that sent them.',
  questions: [
    {
      id: 'fundamentals-single-threaded',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'How does Redis execute the commands it receives from many clients at once?',
      options: [
        {
          text: 'One main thread runs commands one after another, so every single command is atomic',
          correct: true,
          why: 'The event loop picks ready sockets and runs each parsed command to completion before the next one starts.',
        },
        {
          text: 'Each client connection gets its own thread that runs its commands',
          correct: false,
          why: 'Redis never runs a thread per client; thousands of connections are multiplexed on one event loop.',
        },
        {
          text: 'With io-threads enabled, commands from different clients run in parallel',
          correct: false,
          why: 'I/O threads only read and parse requests and write replies; command execution stays on the main thread.',
        },
        {
          text: 'Commands run in parallel and Redis takes a lock on each key they touch',
          correct: false,
          why: 'There are no key locks in Redis: serial execution is what makes locks unnecessary.',
        },
      ],
      explanation:
        'Redis executes commands on a single main thread driven by an event loop (epoll on Linux). Because a command runs to ' +
        'completion before the next one starts, INCR, LPUSH or SET NX are atomic without any locking. Background threads ' +
        'exist (lazy freeing, fsync, optional I/O threads since 6.0) but none of them runs your commands.',
      proof: ['INFO server', 'CONFIG GET io-threads'],
    },
    {
      id: 'fundamentals-io-threads',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 6.0–7.x · Valkey 7.2 (Redis 8 and Valkey 8 rewrote I/O threading)',
      question: 'Redis 6.0 added `io-threads`. On Redis 6.x and 7.x, what do these threads do?',
      options: [
        {
          text: 'They write replies to sockets (and, with io-threads-do-reads yes, read and parse requests) while the main thread still executes every command',
          correct: true,
          why: 'Socket I/O and protocol parsing are the part that scales across cores; execution stays serial. (Redis 8.0 rewrote I/O threading: reads and writes are always threaded and io-threads-do-reads has no effect; Valkey 8.0 did the same with its asynchronous I/O threads.)',
        },
        {
          text: 'They execute read-only commands in parallel with the main thread',
          correct: false,
          why: 'No command runs outside the main thread, read-only or not.',
        },
        {
          text: 'They write RDB snapshots and the AOF in the background',
          correct: false,
          why: 'Snapshots and AOF rewrites run in a forked child process; fsync runs on a background (bio) thread.',
        },
        {
          text: 'They are on by default and scale with the number of CPU cores',
          correct: false,
          why: 'The default is io-threads 1 (no extra threads); you opt in and pick the count yourself.',
        },
      ],
      explanation:
        'On Redis 6.x and 7.x, I/O threading offloads writing replies, and with io-threads-do-reads yes also reading and ' +
        'parsing requests, to extra threads. Redis 8.0 replaced it with a new implementation that always threads both ' +
        'reads and writes, so io-threads-do-reads no longer has any effect there. It helps when many clients saturate the ' +
        'network path of a single core, not when commands themselves are slow. It is off by default (io-threads 1) and ' +
        'command execution stays on the main thread in every version.',
      proof: ['CONFIG GET io-threads', 'CONFIG GET io-threads-do-reads'],
    },
    {
      id: 'fundamentals-why-fast',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'Which of these are real reasons Redis answers in microseconds? (pick all that apply)',
      options: [
        {
          text: 'The whole dataset lives in RAM, so no command waits for a disk read',
          correct: true,
          why: 'Memory access is orders of magnitude faster than disk; persistence happens in the background.',
        },
        {
          text: 'One event loop multiplexes all sockets, with no thread switches or lock contention',
          correct: true,
          why: 'Non-blocking I/O plus serial execution avoids context switches and synchronisation costs.',
        },
        {
          text: 'Small values use compact encodings (int, embstr, listpack or ziplist before 7.0, intset) that are cache-friendly',
          correct: true,
          why: 'Contiguous memory means fewer allocations and fewer CPU cache misses.',
        },
        {
          text: 'Every write is fsynced to disk before the reply, so nothing is recomputed later',
          correct: false,
          why: 'That would make it slower, not faster; the default AOF policy (when enabled) fsyncs once per second.',
        },
        {
          text: 'Commands are compiled to machine code like a SQL query planner does',
          correct: false,
          why: 'Redis has no query planner: each command is a direct function call on a known data structure.',
        },
      ],
      explanation:
        'Redis is fast because it keeps data in memory, uses simple data structures with known complexity, and runs a ' +
        'single-threaded event loop that never waits on locks. Compact encodings for small keys keep memory use and cache ' +
        'misses low. The usual bottleneck is the network round trip, which is why pipelining matters so much.',
    },
    {
      id: 'fundamentals-resp',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'What is RESP? (pick all that apply)',
      options: [
        {
          text: 'The Redis serialization protocol: typed frames such as +simple string, -error, :integer, $bulk string and *array',
          correct: true,
          why: 'Each frame starts with a type byte and ends with CRLF; clients send commands as arrays of bulk strings.',
        },
        {
          text: 'Binary-safe, because bulk strings are length-prefixed instead of delimited',
          correct: true,
          why: '$5\\r\\nhello\\r\\n carries any bytes, including CRLF or NUL, in the payload.',
        },
        {
          text: 'RESP3, chosen per connection with HELLO 3 since Redis 6.0, adds maps, sets, doubles and push messages',
          correct: true,
          why: 'RESP2 stays the default; RESP3 is what carries client-side caching invalidations on the same connection.',
        },
        {
          text: 'A JSON-over-HTTP API',
          correct: false,
          why: 'Redis speaks its own protocol over plain TCP (or TLS); there is no HTTP endpoint.',
        },
      ],
      explanation:
        'RESP is a simple, human-readable yet binary-safe request/response protocol: a command like SET k v travels as ' +
        '*3\\r\\n$3\\r\\nSET\\r\\n$1\\r\\nk\\r\\n$1\\r\\nv\\r\\n. It is cheap to parse, which is part of why Redis is fast. ' +
        'RESP3 (Redis 6.0+, negotiated with HELLO 3) adds richer types and out-of-band push messages. Since Redis 7.0 `CLIENT INFO` ' +
        'shows which one a connection speaks (resp=2 unless it sent HELLO 3).',
      proof: ['CLIENT INFO', 'ECHO hello'],
    },
    {
      id: 'fundamentals-complexity',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'A key holds a collection with 5 million elements. Which commands are O(N) in its size and can stall every client? (pick all that apply)',
      options: [
        { text: '`SMEMBERS` on a set', correct: true, why: 'It builds and sends a reply with every member.' },
        { text: '`HGETALL` on a hash', correct: true, why: 'It returns every field and value, O(N) in the hash size.' },
        { text: '`LLEN` on a list', correct: false, why: 'The length is stored, so LLEN is O(1).' },
        { text: '`SCARD` on a set', correct: false, why: 'The cardinality is stored, so SCARD is O(1).' },
        { text: '`ZSCORE` on a sorted set', correct: false, why: 'A hash table lookup inside the sorted set: O(1).' },
      ],
      explanation:
        'Every command page documents its time complexity, and on a single-threaded server an O(N) command on a huge key ' +
        'blocks all other clients for its whole duration. Use the O(1) counters (LLEN, SCARD, HLEN, ZCARD) for sizes and ' +
        'iterate big collections incrementally with SSCAN, HSCAN or ZSCAN.',
      proof: ['SCARD {ns}myset', 'SSCAN {ns}myset 0 COUNT 100'],
    },
    {
      id: 'fundamentals-blocking',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.0+ · Valkey 7.2+',
      question: 'A worker runs `BLPOP jobs 0` while the list `jobs` is empty. What happens?',
      options: [
        {
          text: 'Only that connection waits; the server keeps serving everyone else and wakes the worker when an element is pushed',
          correct: true,
          why: 'Redis parks the client in a per-key waiting list; no thread sleeps.',
        },
        {
          text: 'The whole server blocks until something is pushed to jobs',
          correct: false,
          why: 'Blocking commands block the calling client, not the event loop.',
        },
        {
          text: 'It returns (nil) immediately because the timeout is 0',
          correct: false,
          why: 'A timeout of 0 means wait forever.',
        },
        {
          text: 'The client polls the server every few milliseconds until data arrives',
          correct: false,
          why: 'The server pushes the reply when data arrives; there is no polling.',
        },
      ],
      explanation:
        'BLPOP, BRPOP, BZPOPMIN (5.0+), XREAD BLOCK (5.0+), BLMOVE (6.2+) and BLMPOP (7.0+) suspend only the calling connection. The server records the ' +
        'client as waiting on the key and serves it as soon as another client pushes, in first-come first-served order. ' +
        'Because the connection is occupied, workers that block need their own connection rather than a shared pooled one.',
      proof: ['BLPOP {ns}jobs 1', 'RPUSH {ns}jobs job-1', 'BLPOP {ns}jobs 1'],
    },
    {
      id: 'fundamentals-incr-not-integer',
      kind: 'predict',
      level: 'beginner',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'A price was stored as a decimal string. What does INCR reply?',
      setup: ['SET {ns}price 9.99'],
      commands: ['INCR {ns}price'],
      answer: '(error) ERR value is not an integer or out of range',
      explanation:
        'Redis strings have no declared type: INCR parses the value as a signed 64-bit integer at the moment it runs and ' +
        'refuses anything else. For decimals use INCRBYFLOAT, or better, store money as integer cents so INCRBY stays exact.',
      proof: ['SET {ns}price 9.99', 'INCRBYFLOAT {ns}price 1'],
    },
    {
      id: 'fundamentals-incr-overflow',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'The counter already holds the largest signed 64-bit integer. What does INCR reply?',
      commands: ['SET {ns}n 9223372036854775807', 'INCR {ns}n'],
      answer: '(error) ERR increment or decrement would overflow',
      explanation:
        'Integer counters are signed 64-bit (max 9223372036854775807). Redis checks for overflow before changing the value, ' +
        'so the command fails and the value is untouched instead of wrapping around to a negative number.',
    },
    {
      id: 'fundamentals-blpop-timeout',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'A blocking pop with a 100 ms timeout runs against a key that does not exist. What is the reply once the timeout expires?',
      commands: ['BLPOP {ns}empty-queue 0.1'],
      answer: '(nil)',
      explanation:
        'When the timeout expires with nothing to pop, BLPOP returns a null reply, which redis-cli shows as (nil). Since ' +
        'Redis 6.0 the timeout is a decimal number of seconds, so 0.1 means 100 ms; a timeout of 0 would wait forever.',
    },
    {
      id: 'fundamentals-atomic-incrby',
      kind: 'command',
      level: 'beginner',
      versions: 'Redis 1.0+ · Valkey 7.2+',
      question: '`{ns}visits` holds 10. Add 5 to it in one atomic command (no GET followed by SET).',
      setup: ['SET {ns}visits 10'],
      check: all(stringEquals('visits', '15'), learnerUsed('INCRBY', 'INCRBYFLOAT')),
      answer: ['INCRBY {ns}visits 5'],
      wrong: ['SET {ns}visits 15'],
      explanation:
        'INCRBY reads, adds and writes inside one command, and commands never interleave, so concurrent clients cannot lose ' +
        'updates. Reading with GET and writing back with SET is a race: two clients can both read 10 and both write 15.',
      proof: ['INCRBY {ns}visits 5'],
    },
    {
      id: 'fundamentals-blocking-pop',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 2.0+ · Valkey 7.2+',
      question:
        '`{ns}jobs` is a FIFO queue filled with RPUSH. Take the oldest job with a blocking pop that would wait up to 5 seconds if the queue were empty.',
      setup: ['RPUSH {ns}jobs job-1 job-2'],
      check: all(listEquals('jobs', ['job-2']), learnerUsed('BLPOP', 'BLMPOP', 'BLMOVE', 'BRPOPLPUSH')),
      answer: ['BLPOP {ns}jobs 5'],
      wrong: ['RPOP {ns}jobs'],
      explanation:
        'Producers RPUSH to the tail, so the oldest job sits at the head and BLPOP takes it. The blocking form lets workers ' +
        'wait without polling. For at-least-once processing, BLMOVE (6.2+) moves the job to a processing list atomically so ' +
        'a crashed worker does not lose it.',
      proof: ['RPUSH {ns}jobs job-1 job-2', 'BLPOP {ns}jobs 5', 'BLMOVE {ns}jobs {ns}processing LEFT RIGHT 5'],
    },
    {
      id: 'fundamentals-single-thread-tradeoffs',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question:
        'Redis executes commands on one thread. What does that guarantee, what does it cost, and how do you get more throughput when one core is not enough?',
      keyPoints: [
        'Guarantee: every command is atomic and isolated; MULTI/EXEC and Lua scripts run without interleaving',
        'Cost: one slow command (O(N) on a big key, KEYS, a long script) delays every other client',
        'Throughput per instance is bounded by one core for execution; usually network round trips are the real limit',
        'Scale reads with replicas, scale writes and memory with Redis Cluster (sharding across primaries)',
        'Use pipelining and batch commands to cut round trips; io-threads (6.0+) help with network-heavy loads',
        'Run several instances per machine if CPU cores sit idle',
      ],
      explanation:
        'Single-threaded execution is a deliberate trade: simplicity and atomicity in exchange for one core of execution per ' +
        'instance. Good answers connect this to avoiding slow commands and to the horizontal scaling options (replicas for ' +
        'reads, Cluster for writes) rather than to adding threads.',
    },
    {
      id: 'fundamentals-request-lifecycle',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'Walk through what happens between a client sending `SET user:1 Ada` and receiving `OK`.',
      keyPoints: [
        'The client encodes the command as a RESP array of bulk strings and writes it to the TCP socket',
        'The event loop (epoll/kqueue) reports the socket readable; Redis reads into the client query buffer and parses RESP',
        'It looks the command up in the command table, checks arity, ACL permissions, maxmemory and cluster slot',
        'The main thread executes it: a dictionary insert in the database keyspace, replacing any old value and TTL',
        'The write is propagated to the AOF buffer and to replicas; keyspace notifications and tracking invalidations fire',
        'The reply +OK goes to the client output buffer and is written to the socket before the loop sleeps again',
      ],
      explanation:
        'This question checks that you understand the event loop, RESP and where persistence and replication hook in. ' +
        'Mentioning that the write reaches replicas and the AOF asynchronously, after the command ran, shows you know where ' +
        'durability gaps come from.',
    },
  ],
};
