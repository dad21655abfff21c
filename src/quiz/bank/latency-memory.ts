// Quiz topic: Latency and memory in practice.
import { learnerReply } from '../../engine/checks.js';
import type { Topic } from '../types.js';

/** A reply as text: INFO replies arrive as a string or a buffer. */
const text = (reply: unknown): string => (Buffer.isBuffer(reply) ? reply.toString() : typeof reply === 'string' ? reply : '');

/** The upper-cased command name and subcommand of a learner command. */
const head = (args: string[]): string => args.slice(0, 2).join(' ').toUpperCase();

export const topic: Topic = {
  id: 'latency-memory',
  title: 'Latency and memory in practice',
  intro:
    'Diagnosing and tuning latency and memory on a running server: client eviction and CLIENT NO-EVICT, the memory ' +
    'that maxmemory does not count, lazy freeing and eviction tenacity, per-command latency histograms and ' +
    'percentiles, error statistics, what the slow log cannot see, and the script cache that grows when values are ' +
    'pasted into EVAL scripts.',
  questions: [
    {
      id: 'latency-memory-maxmemory-clients-default',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'With the default configuration, what is the limit on the memory all client connections together may use?',
      commands: ['CONFIG GET maxmemory-clients'],
      answer: '1) "maxmemory-clients" 2) "0"',
      explanation:
        '0 means client eviction is off: connections may use as much memory as they like, within their output-buffer ' +
        'limits, and the normal class has no output-buffer limit at all by default (`normal 0 0 0`). Client memory ' +
        'counts toward maxmemory, so a few clients pulling huge replies can push the server into evicting keys or ' +
        'refusing writes. Set it to a size or a percentage of maxmemory, such as `5%`, to cap them.',
      proof: ['CONFIG GET maxmemory-clients', 'CONFIG GET client-output-buffer-limit', 'INFO clients'],
    },
    {
      id: 'latency-memory-client-eviction',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'You set `maxmemory-clients 1gb`. Which statements about client eviction are true? (Pick all that apply.)',
      options: [
        {
          text: 'When normal and Pub/Sub connections together use more than 1 GB, Redis disconnects the connections using the most memory first until the total is under the limit',
          correct: true,
          why: 'Clients are kept in buckets by memory use, so the biggest ones go first; evicted_clients in INFO stats counts them.',
        },
        {
          text: 'Replica links, the link to the primary, and connections that ran `CLIENT NO-EVICT on` are never evicted',
          correct: true,
          why: 'Only normal and Pub/Sub clients are candidates, and NO-EVICT exempts one connection, such as an admin tool.',
        },
        {
          text: "A client's memory includes its query buffer, its output buffer and the arguments of the command it is running",
          correct: true,
          why: 'CLIENT LIST shows the total per connection as tot-mem, next to qbuf, omem and argv-mem.',
        },
        {
          text: 'An evicted client gets an OOM error reply and keeps its connection',
          correct: false,
          why: 'The connection is closed; the client library sees a disconnect and usually reconnects.',
        },
        {
          text: 'With client eviction on, keys are never evicted',
          correct: false,
          why: 'Key eviction still follows maxmemory and maxmemory-policy; client eviction only keeps connections from eating the memory meant for data.',
        },
      ],
      explanation:
        'Before 7.0 the only defence against connections that buffer huge replies (KEYS, HGETALL of a giant hash, ' +
        'a slow Pub/Sub subscriber, a pipeline that never reads) was client-output-buffer-limit per class, and the normal ' +
        'class is unlimited by default. maxmemory-clients caps the total. It is off by default; the server logs each ' +
        'evicted client with its details.',
      proof: ['CONFIG GET maxmemory-clients', 'CLIENT LIST', 'INFO stats'],
    },
    {
      id: 'latency-memory-client-no-evict',
      kind: 'command',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'The server runs with `maxmemory-clients 5%`. Your operations console keeps one connection open and sometimes ' +
        'pulls big replies; it must not be the connection that gets dropped. Exempt the current connection from client eviction.',
      setup: [],
      check: learnerReply(
        'CLIENT NO-EVICT on, answered OK',
        (reply, args) => head(args) === 'CLIENT NO-EVICT' && String(args[2]).toLowerCase() === 'on' && reply === 'OK',
      ),
      answer: ['CLIENT NO-EVICT on'],
      wrong: ['CLIENT NO-EVICT off'],
      explanation:
        'CLIENT NO-EVICT on marks the connection with the `e` flag (visible in CLIENT LIST and CLIENT INFO), and client ' +
        'eviction skips it; its memory still counts toward the total, so the others are evicted sooner. Use it for ' +
        'the few connections that must survive (monitoring, admin), not for application pools. Since 7.2 the RESET ' +
        'command clears the flag too.',
      proof: ['CLIENT NO-EVICT on', 'CLIENT INFO', 'CLIENT NO-EVICT off'],
    },
    {
      id: 'latency-memory-not-counted-for-evict',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'A primary with `maxmemory 10gb` and allkeys-lru shows `used_memory` at 10.4 GB, yet it is not evicting. INFO ' +
        'memory shows `mem_not_counted_for_evict:629145600`. What is going on? (Pick all that apply.)',
      options: [
        {
          text: 'Replica output buffers beyond the replication backlog, and the AOF buffer, are subtracted from used_memory before it is compared with maxmemory',
          correct: true,
          why: 'Here 600 MB is excluded, so the memory that counts is under 10 GB and nothing needs evicting.',
        },
        {
          text: 'It avoids a feedback loop: every evicted key is propagated as a DEL, which grows those very buffers and would trigger more eviction',
          correct: true,
          why: 'Counting them could evict far more than needed, in the worst case the whole dataset.',
        },
        {
          text: 'Size the host for it: RAM must cover maxmemory plus these buffers, fragmentation and fork copy-on-write',
          correct: true,
          why: 'maxmemory is not the process size; a host sized at maxmemory gets the OOM killer during a slow replica or a rewrite.',
        },
        {
          text: 'The whole replication backlog is never counted',
          correct: false,
          why: 'The backlog counts (it is capped by repl-backlog-size); since 7.0 replicas share one replication buffer with the backlog, and only what exceeds the backlog size is excluded.',
        },
        {
          text: 'Redis checks maxmemory only once per second, so it lags behind',
          correct: false,
          why: 'The check runs before every command that may use memory.',
        },
      ],
      explanation:
        'used_memory is what the allocator handed out; for eviction Redis uses used_memory minus ' +
        'mem_not_counted_for_evict. A replica that falls behind can therefore hold gigabytes on top of maxmemory ' +
        'without any eviction, until client-output-buffer-limit replica disconnects it. Watch mem_not_counted_for_evict ' +
        'and the per-replica lag, and leave headroom between maxmemory and RAM.',
      proof: ['INFO memory', 'CONFIG GET client-output-buffer-limit', 'CONFIG GET repl-backlog-size'],
    },
    {
      id: 'latency-memory-lazy-eviction-default',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 4.0+ (default no) · Valkey 8.0+ (default yes)',
      question: 'With the default configuration, are keys removed by eviction freed in a background thread?',
      commands: ['CONFIG GET lazyfree-lazy-eviction'],
      answer: '1) "lazyfree-lazy-eviction" 2) "no"',
      answerOn: [{ server: 'Valkey', answer: '1) "lazyfree-lazy-eviction" 2) "yes"' }],
      explanation:
        'Redis frees evicted values on the main thread by default: evicting one big hash or set blocks every client ' +
        'while it is freed. `lazyfree-lazy-eviction yes` hands the freeing to a background thread, like UNLINK. Valkey ' +
        '8.0 turned all the lazyfree options on by default (eviction, expiry, server deletes, user DEL and FLUSH, ' +
        'replica flush), so Valkey replies "yes" here. The trade-off: memory is released a little after the key ' +
        'disappears, so used_memory may stay above maxmemory a moment longer.',
      proof: ['CONFIG GET lazyfree*', 'CONFIG GET replica-lazy-flush'],
    },
    {
      id: 'latency-memory-eviction-tenacity',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question:
        'A cache at maxmemory takes a burst of large writes. What do `maxmemory-eviction-tenacity` and lazy eviction ' +
        'change? (Pick all that apply.)',
      options: [
        {
          text: 'Each eviction pass before a command has a time budget set by tenacity (about 500 µs at the default 10); if memory is still over, a timer keeps evicting in the background and commands are accepted meanwhile',
          correct: true,
          why: 'Since 6.2 eviction is spread out instead of blocking one command for as long as it takes; memory can sit above maxmemory while it catches up.',
        },
        {
          text: 'Tenacity 100 removes the time limit: a pass evicts until memory is under maxmemory, at the cost of latency spikes',
          correct: true,
          why: 'Values 11 to 99 grow the budget geometrically; 100 means no limit.',
        },
        {
          text: 'With lazyfree-lazy-eviction yes, the main thread only unlinks the victims and a background thread frees them, so big victims stop causing spikes',
          correct: true,
          why: 'Redis then rechecks memory during the pass, since the background thread releases it over time.',
        },
        {
          text: 'A higher tenacity picks better victims',
          correct: false,
          why: 'Victim quality is maxmemory-samples (how many keys are sampled per choice); tenacity is only about time.',
        },
        {
          text: 'With lazy eviction used memory can never exceed maxmemory',
          correct: false,
          why: 'It makes overshoot more likely, for a moment: the keys are gone but their memory is not freed yet.',
        },
      ],
      explanation:
        'If writes arrive faster than eviction can keep up, raise tenacity a little rather than to 100, and look at INFO ' +
        'stats: evicted_keys, total_eviction_exceeded_time and current_eviction_exceeded_time (time spent above ' +
        'maxmemory). The latency monitor records eviction-cycle and eviction-del events. Big keys remain the root ' +
        'cause of slow eviction; lazy freeing hides their cost from the main thread.',
      proof: ['CONFIG GET maxmemory-eviction-tenacity', 'CONFIG GET lazyfree-lazy-eviction', 'INFO stats'],
    },
    {
      id: 'latency-memory-tenacity-default',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question: 'With the default configuration, what is the eviction tenacity?',
      commands: ['CONFIG GET maxmemory-eviction-tenacity'],
      answer: '1) "maxmemory-eviction-tenacity" 2) "10"',
      explanation:
        'The scale runs from 0 to 100. Up to 10 the time budget per eviction pass grows linearly (50 µs per step, so ' +
        'about 500 µs at the default), from 11 to 99 it grows by 15% per step, and 100 means no limit. The default ' +
        'favours latency: eviction spreads over several passes and a background timer.',
      proof: ['CONFIG GET maxmemory-eviction-tenacity', 'CONFIG GET maxmemory-samples'],
    },
    {
      id: 'latency-memory-latency-tools',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'Which statements about the per-command latency tools are true? (Pick all that apply.)',
      options: [
        {
          text: '`LATENCY HISTOGRAM [command …]` returns, per command, the number of calls and a cumulative histogram of execution times in power-of-two microsecond buckets',
          correct: true,
          why: 'Each bucket gives how many calls took at most that long; empty buckets are left out.',
        },
        {
          text: '`INFO latencystats` gives p50, p99 and p99.9 per command, the percentiles being set by latency-tracking-info-percentiles',
          correct: true,
          why: 'Lines look like latency_percentiles_usec_get:p50=1.003,p99=2.007,p99.9=5.023.',
        },
        {
          text: 'Both are on by default (latency-tracking yes) and are reset by CONFIG RESETSTAT',
          correct: true,
          why: 'Tracking costs little; reset the stats before a measurement window to read that window alone.',
        },
        {
          text: '`LATENCY LATEST` shows the same per-command percentiles',
          correct: false,
          why: 'LATENCY LATEST belongs to the latency monitor: the latest and worst spike per event type (command, fork, expire-cycle…), and only once latency-monitor-threshold is above 0.',
        },
        {
          text: 'They measure the latency the client sees, network included',
          correct: false,
          why: 'They time the execution of the command inside the server, like SLOWLOG.',
        },
      ],
      explanation:
        'Before 7.0 INFO commandstats only had an average (usec_per_call), which hides tails. The histograms come from ' +
        'HdrHistogram, per command and subcommand (`config|get`). Use them to find which command has the bad tail, the ' +
        'latency monitor for spikes from other sources, and client-side timing for what the network and queueing add.',
      proof: ['LATENCY HISTOGRAM get set', 'INFO latencystats', 'CONFIG GET latency-tracking'],
    },
    {
      id: 'latency-memory-histogram-command',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'Show the latency distribution of the SET and GET commands only, with their call counts.',
      setup: ['SET {ns}greeting hello', 'GET {ns}greeting'],
      check: learnerReply('LATENCY HISTOGRAM with exactly the set and get histograms', (reply, args) => {
        if (head(args) !== 'LATENCY HISTOGRAM' || !Array.isArray(reply)) return false;
        const names = reply.filter((_, i) => i % 2 === 0).map((n) => String(n).toLowerCase());
        return names.length === 2 && names.includes('set') && names.includes('get');
      }),
      answer: ['LATENCY HISTOGRAM SET GET'],
      wrong: ['LATENCY LATEST'],
      explanation:
        'LATENCY HISTOGRAM takes command names (or none, for every command that has run) and replies with a map: for ' +
        'each command, `calls` and `histogram_usec`, pairs of bucket upper bound in microseconds and the cumulative ' +
        'number of calls up to it. A command that was never called is left out. Subcommands are named like ' +
        '`client|list`.',
      proof: ['SET {ns}greeting hello', 'GET {ns}greeting', 'LATENCY HISTOGRAM SET GET'],
    },
    {
      id: 'latency-memory-percentiles-default',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'With the default configuration, which percentiles does `INFO latencystats` report for each command?',
      commands: ['CONFIG GET latency-tracking-info-percentiles'],
      answer: '1) "latency-tracking-info-percentiles" 2) "50 99 99.9"',
      explanation:
        'p50, p99 and p99.9, configurable as a space-separated list of percentiles (for example "50 90 99 99.99"). ' +
        'Export them to your metrics system and alert on p99.9 of the commands your service uses: averages hide the ' +
        'tail a few slow calls create.',
      proof: ['CONFIG GET latency-tracking-info-percentiles', 'INFO latencystats'],
    },
    {
      id: 'latency-memory-latencystats-command',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'With one command, show the p50, p99 and p99.9 execution latency of every command the server has run.',
      setup: ['SET {ns}k v'],
      check: learnerReply('an INFO reply with latency_percentiles_usec_ lines', (reply, args) => {
        return String(args[0]).toUpperCase() === 'INFO' && text(reply).includes('latency_percentiles_usec_');
      }),
      answer: ['INFO latencystats'],
      wrong: ['INFO commandstats'],
      explanation:
        'INFO latencystats prints one line per command that has run, such as ' +
        '`latency_percentiles_usec_set:p50=1.003,p99=3.007,p99.9=8.031`. INFO commandstats has calls, total ' +
        'microseconds, the average per call, and rejected and failed calls, but no percentiles. Neither includes ' +
        'network or queueing time.',
      proof: ['INFO latencystats', 'INFO commandstats'],
    },
    {
      id: 'latency-memory-errorstats',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question: 'After a deploy, error rates rise. What do INFO errorstats and commandstats tell you? (Pick all that apply.)',
      options: [
        {
          text: 'errorstats counts error replies by their first word: `errorstat_WRONGTYPE:count=…`, `errorstat_NOPERM`, `errorstat_OOM`, `errorstat_ERR` for generic ones',
          correct: true,
          why: 'The error code is the prefix of the error message, so a new kind of failure shows up as a new line.',
        },
        {
          text: 'commandstats splits errors per command into rejected_calls (refused before running: wrong arity, ACL, OOM, READONLY) and failed_calls (failed while running, such as WRONGTYPE)',
          correct: true,
          why: 'A rising rejected_calls on SET after a deploy points at the client or the ACLs; failed_calls points at data the command did not expect.',
        },
        {
          text: 'INFO stats has total_error_replies, the sum of all of them, for a single alert',
          correct: true,
          why: 'Graph its rate; errorstats then tells you which kind grew.',
        },
        {
          text: 'Errors are only counted when the slow log is enabled',
          correct: false,
          why: 'Error statistics are independent of the slow log and always on.',
        },
      ],
      explanation:
        'These counters (6.2+) make errors observable server-side without client logs: errorstat_ lines per error code, ' +
        'rejected/failed calls per command, and the total. CONFIG RESETSTAT clears them. An unknown command counts as ' +
        'an ERR in errorstats but under no command, since there is none. Since Redis 7.4 errorstats stops adding new ' +
        'error codes after 128 distinct ones (a protection against scripts inventing error codes) until the next ' +
        'RESETSTAT.',
      proof: ['INFO errorstats', 'INFO commandstats', 'INFO stats'],
    },
    {
      id: 'latency-memory-slowlog-blind-spots',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'Clients report p99 of 40 ms. SLOWLOG is empty with the default 10 ms threshold, and INFO latencystats shows ' +
        'p99.9 under 10 µs for every command. What can explain it? (Pick all that apply.)',
      options: [
        {
          text: 'Queueing: a burst of commands (a big pipeline, a batch job) makes other clients wait their turn on the single execution thread, although each command is fast',
          correct: true,
          why: 'Waiting time is nobody’s execution time, so neither tool records it: 10,000 pipelined commands of 4 µs each still hold the thread for 40 ms.',
        },
        {
          text: 'Work outside command execution: a fork for BGSAVE or an AOF rewrite (latest_fork_usec), the active expiry cycle, eviction before a command, writing big replies to sockets',
          correct: true,
          why: 'These block the event loop but are not part of any command; the latency monitor records several of them (fork, expire-cycle, eviction-cycle).',
        },
        {
          text: 'Outside Redis: network round trips, waits for a connection from the client pool, pauses in the application',
          correct: true,
          why: 'Compare `redis-cli --latency` from the application host with the latency the application measures.',
        },
        {
          text: 'SLOWLOG samples one command in a hundred, so it missed them',
          correct: false,
          why: 'It records every command above the threshold; the issue is what it measures.',
        },
        {
          text: 'latencystats include network time, so the network is ruled out',
          correct: false,
          why: 'They time execution only, exactly like SLOWLOG; they rule out slow commands, not the network.',
        },
      ],
      explanation:
        'SLOWLOG, LATENCY HISTOGRAM and INFO latencystats all time the same thing: the command running inside the ' +
        'server. When they are clean and clients still see slowness, look at what happens between commands (the ' +
        'latency monitor with latency-monitor-threshold set, LATENCY DOCTOR, latest_fork_usec, swapping, transparent ' +
        'huge pages) and outside the server (network, client pools, the application). In Valkey 8.1 the slow log is ' +
        'part of COMMANDLOG, which also logs large requests and large replies.',
      proof: ['SLOWLOG GET 5', 'INFO latencystats', 'LATENCY LATEST', 'INFO persistence'],
    },
    {
      id: 'latency-memory-inlined-scripts-cached',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question:
        'An application builds its Lua script by pasting the price into the source. After two calls with different ' +
        'prices, it checks the script cache for the SHA1 of both script bodies. What is the reply?',
      commands: [
        `EVAL "return redis.call('SET', KEYS[1], '19.99')" 1 {ns}price:1`,
        `EVAL "return redis.call('SET', KEYS[1], '24.50')" 1 {ns}price:1`,
        'SCRIPT EXISTS 4bb2d32e0d57cfca61b7b6fed641fc792236f486 096fcd4bc5a56adb94b36334dd3802d7bf305a35',
      ],
      answer: '1) (integer) 1 2) (integer) 1',
      explanation:
        'EVAL compiles each script body it has not seen and caches it under the SHA1 of the body, so both versions are ' +
        'cached: every distinct price adds one more script. With values pasted in, the cache grows with every new ' +
        'value (INFO memory: number_of_cached_scripts, used_memory_scripts_eval) and never shrinks, until SCRIPT FLUSH ' +
        'or, since Redis 7.4 and Valkey 8.0, until it holds 500 EVAL scripts and starts evicting the least recently ' +
        "used. Write the script once with `redis.call('SET', KEYS[1], ARGV[1])` and pass the price as an argument.",
      proof: [
        `EVAL "return redis.call('SET', KEYS[1], ARGV[1])" 1 {ns}price:1 19.99`,
        `EVAL "return redis.call('SET', KEYS[1], ARGV[1])" 1 {ns}price:1 24.50`,
        'INFO memory',
      ],
    },
    {
      id: 'latency-memory-script-cache-growth',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.4+ · Valkey 8.0+',
      question:
        'INFO memory shows number_of_cached_scripts at 2,000,000 and used_memory_scripts_eval in gigabytes. Which ' +
        'statements are true? (Pick all that apply.)',
      options: [
        {
          text: 'Some client generates a new script body per call, typically by pasting values into the source instead of passing them in ARGV',
          correct: true,
          why: 'Every distinct body is compiled and cached under its SHA1; a fixed set of scripts stays a handful of entries.',
        },
        {
          text: 'Since Redis 7.4 and Valkey 8.0, scripts that only came in through EVAL are kept to the 500 most recently used; scripts loaded with SCRIPT LOAD are not evicted by this',
          correct: true,
          why: 'INFO stats evicted_scripts counts those evictions; a large, rising number is the same smell as a huge cache on older versions.',
        },
        {
          text: 'allkeys-lru will evict the cached scripts when memory runs out',
          correct: false,
          why: 'Key eviction only evicts keys; the script cache is not part of the keyspace.',
        },
        {
          text: 'Running SCRIPT FLUSH every hour is the fix',
          correct: false,
          why: 'It empties the cache (and breaks EVALSHA callers that then need a retry), and the leak fills it again; fix the client.',
        },
      ],
      explanation:
        'The script cache is meant for a small, fixed set of scripts called by SHA1. A client that builds scripts ' +
        'dynamically leaks memory on the server and burns CPU compiling every call. Find it with the slow log or ' +
        'MONITOR for a second (look for EVAL bodies that differ only in literals), then parametrise with KEYS and ' +
        'ARGV and call EVALSHA, or move the logic into a function library (FUNCTION LOAD, 7.0+). On servers before 7.4 ' +
        'nothing evicts EVAL scripts, so a leaking client grows the cache until SCRIPT FLUSH or a restart.',
      proof: ['INFO memory', 'INFO stats', 'SCRIPT EXISTS 4bb2d32e0d57cfca61b7b6fed641fc792236f486'],
    },
    {
      id: 'latency-memory-oom-small-dataset',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'Writes fail with "OOM command not allowed when used memory > \'maxmemory\'" (policy noeviction), yet INFO ' +
        'memory shows used_memory_dataset at about 55% of maxmemory. Where is the rest, and what do you do?',
      keyPoints: [
        'Read the breakdown: used_memory versus used_memory_dataset and used_memory_overhead; MEMORY STATS and MEMORY DOCTOR split the overhead further.',
        'Client buffers: mem_clients_normal and CLIENT LIST (omem, qbuf, tot-mem) find connections holding big replies or query buffers (KEYS, HGETALL of huge keys, slow Pub/Sub subscribers, pipelines that never read); cap them with maxmemory-clients or client-output-buffer-limit.',
        'Script cache: number_of_cached_scripts and used_memory_scripts_eval growing means a client pastes values into EVAL scripts.',
        'Replication: the backlog counts toward maxmemory (repl-backlog-size), while replica buffers beyond it are excluded (mem_not_counted_for_evict), so they explain RSS growth rather than the OOM.',
        'Keyspace overhead: the hash tables of keys and expires, especially while rehashing; fragmentation (RSS above used_memory) does not count toward maxmemory.',
        'Fix the cause, then leave headroom: maxmemory below RAM minus buffers, fragmentation and fork copy-on-write.',
      ],
      explanation:
        'maxmemory compares used_memory (minus replica and AOF buffers) with the limit, and used_memory includes far ' +
        'more than the data: client connections, the replication backlog, Lua scripts, and the keyspace tables. With ' +
        'noeviction the symptom is refused writes; with an eviction policy it would be keys evicted to make room for ' +
        'buffers. Work from INFO memory down to the consumer, fix it, and use maxmemory-clients as a safety net.',
      proof: ['INFO memory', 'MEMORY STATS', 'CLIENT LIST', 'MEMORY DOCTOR'],
    },
  ],
};
