// Quiz topic "memory-operations": INFO and MEMORY commands, fragmentation, big and hot keys, UNLINK, SCAN, SLOWLOG, latency, clients.
import { all, learnerReply, learnerUsed, notExists } from '../../engine/checks.js';
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'memory-operations',
  title: 'Memory and operations',
  intro:
    'Running Redis in production means watching memory and latency: how much the data really takes, why the operating ' +
    'system sees more than Redis reports, which keys are big or hot, and which commands block the single thread that ' +
    'executes every command. These questions cover INFO, the MEMORY and OBJECT commands, SLOWLOG and the latency ' +
    'monitor, client connections, and the non-blocking replacements for dangerous commands.',
  questions: [
    {
      id: 'memory-ops-keys-vs-scan',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'Why is `KEYS user:*` dangerous on a production server with 50 million keys, and what replaces it?',
      options: [
        {
          text: 'It walks the whole keyspace in one call and blocks every other client meanwhile; SCAN with MATCH and COUNT iterates in small steps instead',
          correct: true,
          why: 'Commands run one at a time, so an O(N) walk over 50 million keys stalls everyone for a long time.',
        },
        {
          text: 'It deletes the keys that match the pattern',
          correct: false,
          why: 'KEYS only reads; the danger is how long it blocks.',
        },
        {
          text: 'It returns only the first 1,000 matches',
          correct: false,
          why: 'It returns every match at once, which is part of the problem.',
        },
        {
          text: 'It is fine, because the pattern is answered from an index',
          correct: false,
          why: 'There is no index of key names; every key is compared with the pattern.',
        },
      ],
      explanation:
        'Redis executes commands on one main thread, so an O(N) command over the whole keyspace stalls every client. ' +
        'SCAN returns a cursor and a small batch per call; a full iteration returns every key that existed for its whole ' +
        'duration, possibly some twice, and MATCH filters after fetching, so a page can be empty while the cursor is ' +
        'not 0 yet. HSCAN, SSCAN and ZSCAN do the same inside big collections.',
      proof: ['SCAN 0 MATCH {ns}user:* COUNT 1000'],
    },
    {
      id: 'memory-ops-scan-sessions',
      kind: 'command',
      level: 'beginner',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'List the session keys (`{ns}session:*`) the production-safe way, without KEYS.',
      setup: ['SET {ns}session:1 a', 'SET {ns}session:2 b', 'SET {ns}session:3 c', 'SET {ns}user:1 x'],
      check: learnerReply(
        'a SCAN with MATCH over the session keys',
        (_reply, args) => String(args[0]).toUpperCase() === 'SCAN' && args.some((a) => a.toUpperCase() === 'MATCH'),
      ),
      answer: ['SCAN 0 MATCH {ns}session:* COUNT 100'],
      wrong: ['KEYS {ns}session:*'],
      explanation:
        'SCAN 0 starts an iteration; call it again with the returned cursor until the cursor comes back as 0. COUNT is a ' +
        'hint for how much work each call does (10 by default), not a page size. `redis-cli --scan --pattern` runs the ' +
        'whole loop for you.',
      proof: ['SCAN 0 MATCH {ns}session:* COUNT 100'],
    },
    {
      id: 'memory-ops-fragmentation',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question:
        '`INFO memory` shows `used_memory_human:2.00G`, `used_memory_rss_human:3.40G` and `mem_fragmentation_ratio:1.70`. ' +
        'What does it mean, and what can you do?',
      options: [
        {
          text: 'The process holds far more memory from the OS than the data needs (fragmentation, typically after many deletes or size changes); enable `activedefrag yes` or fail over to a freshly started replica',
          correct: true,
          why: 'RSS over used_memory is memory the allocator holds but cannot use well; active defrag compacts it online.',
        },
        {
          text: 'The dataset is 3.4 GB and 1.4 GB of it is swapped out',
          correct: false,
          why: 'RSS is memory resident in RAM. Swapping shows up the other way round, as a ratio below 1.',
        },
        {
          text: 'Redis is leaking memory and only FLUSHALL will fix it',
          correct: false,
          why: "Fragmentation is a property of the allocator's pages, not a leak, and deleting the data is never the fix.",
        },
        {
          text: 'maxmemory is 2 GB, so Redis is evicting the other 1.4 GB',
          correct: false,
          why: 'maxmemory limits used_memory; RSS above it is allocator overhead that has not been returned to the OS.',
        },
      ],
      explanation:
        "used_memory is what Redis's allocator has handed out for data and overhead; used_memory_rss is what the OS has " +
        'mapped to the process; their ratio is the fragmentation ratio. Around 1.0 to 1.5 is normal on a real dataset ' +
        '(on a nearly empty server the ratio is meaningless); far above wastes RAM, and below 1 means part of Redis is ' +
        'swapped out, which ruins latency. Active defragmentation needs the jemalloc bundled with the Redis sources (builds ' +
        'against a system jemalloc, as some distribution packages are, refuse `activedefrag yes`) and is tuned with ' +
        'active-defrag-ignore-bytes and active-defrag-threshold-lower/upper; MEMORY DOCTOR gives a quick verdict.',
      proof: ['INFO memory', 'MEMORY DOCTOR', 'CONFIG GET activedefrag'],
    },
    {
      id: 'memory-ops-unlink-count',
      kind: 'predict',
      level: 'beginner',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question: 'One of the three keys does not exist. What does UNLINK reply?',
      setup: ['SET {ns}a 1', 'RPUSH {ns}c x y z'],
      commands: ['UNLINK {ns}a {ns}b {ns}c'],
      answer: '(integer) 2',
      explanation:
        'Like DEL, UNLINK returns how many of the given keys existed and were removed: here a and c. The difference is ' +
        'when the memory is freed: UNLINK removes the keys from the keyspace at once and frees large values in a ' +
        'background thread.',
      proof: ['UNLINK {ns}a {ns}b {ns}c'],
    },
    {
      id: 'memory-ops-unlink-big',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question: 'In production `{ns}big:list` holds millions of elements. Delete it so that freeing its memory does not block the server.',
      setup: ['RPUSH {ns}big:list a b c d e f g h'],
      check: all(notExists('big:list'), learnerUsed('UNLINK')),
      answer: ['UNLINK {ns}big:list'],
      wrong: ['DEL {ns}big:list'],
      explanation:
        'DEL frees the value on the main thread; for a collection with millions of elements that can take a noticeable ' +
        'fraction of a second or more, and nobody is served meanwhile. UNLINK (4.0+) removes the key in O(1) and hands ' +
        'big values to a background thread. Since 6.0, `lazyfree-lazy-user-del yes` makes DEL behave like UNLINK; ' +
        'related lazyfree options cover eviction, expiry, internal deletes and FLUSHALL/FLUSHDB (or use their ASYNC flag).',
      proof: ['UNLINK {ns}big:list', 'CONFIG GET lazyfree*'],
    },
    {
      id: 'memory-ops-object-freq',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question: 'The server runs with the default eviction policy (noeviction). What does OBJECT FREQ reply for an existing key?',
      setup: ['SET {ns}product:1 lamp'],
      commands: ['OBJECT FREQ {ns}product:1'],
      answer:
        '(error) ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when ' +
        'switching between policies at runtime LRU and LFU data will take some time to adjust.',
      explanation:
        'Each key has one small field that holds either LRU data (last access time) or LFU data (a logarithmic access ' +
        'counter), depending on maxmemory-policy. OBJECT FREQ, and `redis-cli --hotkeys` which relies on it, need an ' +
        'LFU policy such as allkeys-lfu; OBJECT IDLETIME is the LRU counterpart and fails under an LFU policy instead.',
      proof: ['CONFIG SET maxmemory-policy allkeys-lfu', 'OBJECT FREQ {ns}product:1'],
    },
    {
      id: 'memory-ops-big-keys',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'How do you find the keys that use the most memory without blocking the server?',
      options: [
        {
          text: '`redis-cli --memkeys` (or `--bigkeys` for element counts), which walk the keyspace with SCAN, then `MEMORY USAGE` on suspects',
          correct: true,
          why: 'Both scan incrementally and can be throttled with `-i`; MEMORY USAGE gives the bytes of one key.',
        },
        {
          text: '`KEYS *` and then STRLEN on each key',
          correct: false,
          why: 'KEYS blocks, and STRLEN only measures strings.',
        },
        {
          text: '`INFO keyspace`',
          correct: false,
          why: 'It reports key counts and expiry counts per database, not sizes.',
        },
        {
          text: '`MEMORY STATS`, which lists the largest keys',
          correct: false,
          why: 'MEMORY STATS breaks down overall usage (dataset, overhead, clients, replication backlog), not individual keys.',
        },
      ],
      explanation:
        '--bigkeys reports the biggest key of each type by length or element count; --memkeys measures bytes with MEMORY ' +
        'USAGE. MEMORY USAGE samples nested elements of aggregates (5 by default; `SAMPLES 0` measures all), so it is an ' +
        'estimate for big collections. Run these scans on a replica where you can.',
      proof: ['MEMORY USAGE {ns}user:1', 'MEMORY USAGE {ns}user:1 SAMPLES 0'],
    },
    {
      id: 'memory-ops-slowlog',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.2+ · Valkey 7.2+',
      question: 'Which statements about SLOWLOG are true? (Pick all that apply.)',
      options: [
        {
          text: 'It records commands whose execution took longer than `slowlog-log-slower-than` microseconds (10000, i.e. 10 ms, by default)',
          correct: true,
          why: 'The threshold is in microseconds; 0 logs everything and a negative value disables the log.',
        },
        {
          text: 'The measured time excludes network I/O and time spent waiting to be executed, so clients can see high latency while the slowlog is empty',
          correct: true,
          why: "It measures only the command's execution inside Redis.",
        },
        {
          text: "`SLOWLOG GET 10` shows the latest entries with their duration, arguments, and the client's address and name",
          correct: true,
          why: 'Naming connections with CLIENT SETNAME makes these entries much easier to trace.',
        },
        {
          text: 'It is written to a file on disk',
          correct: false,
          why: 'It is an in-memory list of at most slowlog-max-len entries (128 by default).',
        },
        {
          text: 'It is disabled by default',
          correct: false,
          why: 'It is on, with the 10 ms threshold.',
        },
      ],
      explanation:
        'The slow log is an in-memory ring buffer of commands that ran longer than the threshold. Typical offenders are ' +
        'KEYS, SMEMBERS or HGETALL on huge keys, DEL of big values, SORT and long Lua scripts. Because it measures only ' +
        'execution, pair it with client-side latency metrics, `redis-cli --latency` and the latency monitor.',
      proof: ['SLOWLOG GET 10', 'SLOWLOG LEN', 'CONFIG GET slowlog-log-slower-than'],
    },
    {
      id: 'memory-ops-latency-tools',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'Latency spikes appear a few times an hour on a busy production server. What do you reach for first?',
      options: [
        {
          text: 'Enable the latency monitor (`CONFIG SET latency-monitor-threshold 100`), then read `LATENCY DOCTOR` and `LATENCY LATEST`, alongside SLOWLOG',
          correct: true,
          why: 'The latency monitor records spikes and their source (commands, fork, AOF fsync, expiry) with timestamps.',
        },
        {
          text: 'Run MONITOR for an hour and read through the output',
          correct: false,
          why: 'MONITOR streams every command to your client; one MONITOR client can cut throughput by half or more, and an hour of output is unreadable.',
        },
        {
          text: 'Reproduce the spikes with DEBUG SLEEP',
          correct: false,
          why: 'That creates a spike; it does not explain the real ones. DEBUG is also disabled by default since 7.0.',
        },
        {
          text: 'Add io-threads',
          correct: false,
          why: 'I/O threads help with network throughput at very high load; commands still execute on one thread, and they do not explain spikes.',
        },
      ],
      explanation:
        'The latency monitor is off by default (threshold 0). Once on, it records events above the threshold, such as ' +
        'slow commands, fork for RDB or AOF rewrite, AOF fsync and expiry cycles, and LATENCY DOCTOR turns them into ' +
        'advice. Also check INFO persistence (latest_fork_usec), swapping and transparent huge pages. Use MONITOR only ' +
        'for seconds, ideally not on the busiest primary.',
      proof: ['CONFIG SET latency-monitor-threshold 100', 'LATENCY LATEST', 'LATENCY DOCTOR'],
    },
    {
      id: 'memory-ops-max-clients',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'The application logs `ERR max number of clients reached`. What do you do?',
      options: [
        {
          text: 'Look at INFO clients and CLIENT LIST (addr, name, age, idle, cmd) to see who holds the connections, then fix the leak, usually a client or pool created per request',
          correct: true,
          why: 'CLIENT LIST shows every connection; grouping by address and name finds the culprit quickly.',
        },
        {
          text: 'Raise maxclients to 1,000,000',
          correct: false,
          why: 'Redis caps maxclients to what the open-file limit allows, and a bigger limit only hides the leak until it is hit again.',
        },
        {
          text: 'Run FLUSHALL to free connection slots',
          correct: false,
          why: 'Data has nothing to do with connections.',
        },
        {
          text: 'Restart Redis every night',
          correct: false,
          why: 'It drops every client and the leak comes back.',
        },
      ],
      explanation:
        "maxclients defaults to 10,000, reduced to fit the process's file-descriptor limit (Redis keeps 32 for itself). " +
        'INFO clients shows connected_clients and blocked_clients, INFO stats counts rejected_connections, and CLIENT ' +
        "LIST shows each connection's address, name, age and idle time. Name connections with CLIENT SETNAME, pool them " +
        'in the application, and consider the `timeout` setting (0, never, by default) for idle ones.',
      proof: ['INFO clients', 'CLIENT LIST', 'CONFIG GET maxclients'],
    },
    {
      id: 'memory-ops-hit-ratio',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: "How do you measure a Redis cache's hit ratio from the server side?",
      options: [
        {
          text: 'From INFO stats: keyspace_hits / (keyspace_hits + keyspace_misses)',
          correct: true,
          why: 'Every key lookup counts as a hit or a miss since the last restart or CONFIG RESETSTAT.',
        },
        {
          text: 'From INFO keyspace: keys divided by expires',
          correct: false,
          why: 'That compares how many keys have a TTL, not how often lookups succeed.',
        },
        {
          text: 'From SLOWLOG: fast commands are hits',
          correct: false,
          why: 'The slow log records only slow commands, and speed says nothing about hits.',
        },
        {
          text: 'Redis cannot tell; only the application knows',
          correct: false,
          why: 'Redis counts hits and misses of key lookups; the application can add finer per-endpoint numbers.',
        },
      ],
      explanation:
        'keyspace_hits and keyspace_misses count successful and failed key lookups; sample them twice and divide the ' +
        'deltas to get the current ratio. Read them next to evicted_keys (memory pressure pushing data out) and ' +
        'expired_keys (TTLs doing their job). A falling hit ratio with rising evictions means the cache is too small or ' +
        'its TTLs too long for the working set.',
      proof: ['INFO stats', 'INFO keyspace'],
    },
    {
      id: 'memory-ops-memory-growth',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question: 'Redis memory grew from 4 GB to 11 GB in a week, although the dataset should be stable. How do you find out why?',
      keyPoints: [
        'INFO memory: used_memory against used_memory_rss (fragmentation), used_memory_dataset against overhead, maxmemory and the policy.',
        'INFO keyspace: key counts and how many keys have an expiry; keys without TTL are the usual leak (a plain SET that dropped the TTL, a missing EXPIRE).',
        'Find big keys with redis-cli --bigkeys/--memkeys (on a replica) and MEMORY USAGE: unbounded lists, streams and sets that lack LTRIM or MAXLEN.',
        'MEMORY STATS and MEMORY DOCTOR: client output buffers, replication backlog, AOF buffers, script caches.',
        'CLIENT LIST: omem and qbuf show clients with huge buffers (slow Pub/Sub subscribers, MONITOR, replicas that fall behind).',
        'Fix at the source: add TTLs and trims, set an eviction policy if it is a cache, enable activedefrag for fragmentation.',
      ],
      explanation:
        'Work from the top down: is the growth in data, in overhead, or in fragmentation? INFO and MEMORY STATS answer ' +
        'that in a minute. Data growth leads to key counts, TTL coverage and big keys; overhead growth leads to client ' +
        'buffers and the replication backlog; fragmentation leads to activedefrag or a restart through failover.',
      proof: ['INFO memory', 'INFO keyspace', 'MEMORY STATS', 'CLIENT LIST'],
    },
    {
      id: 'memory-ops-latency-runbook',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'Users report that Redis p99 latency jumps from 1 ms to 200 ms several times a day. Walk through your investigation.',
      keyPoints: [
        'Separate client from server: `redis-cli --latency` from the app host, `--intrinsic-latency` on the Redis host, and client-side connection pool metrics.',
        'Slow commands: SLOWLOG GET, plus the latency monitor (latency-monitor-threshold) and LATENCY DOCTOR.',
        'Persistence: fork time (INFO persistence latest_fork_usec) for RDB saves and AOF rewrites, AOF fsync stalls on slow disks, transparent huge pages.',
        'Memory: swapping (mem_fragmentation_ratio below 1), evictions at maxmemory, big deletes without UNLINK.',
        'Keyspace events: many keys expiring at the same moment, big keys or O(N) commands (KEYS, HGETALL on huge hashes), long Lua scripts.',
        'Correlate spike times with cron jobs, deploys, backups and traffic peaks.',
      ],
      explanation:
        'Latency spikes come from a short list of causes: slow commands, fork and disk for persistence, swapping, ' +
        'expiry or eviction storms, and the network. Measure where the time goes before changing anything: the latency ' +
        'monitor and the slow log tell server-side causes apart, and client-side measurements catch network and pool ' +
        'problems that Redis never sees.',
    },
  ],
};
