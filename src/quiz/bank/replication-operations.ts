// Quiz topic: Replication in operation — full sync, diskless sync, buffers and loops, the backlog, PSYNC2, chains, expiry on replicas.
import { learnerReply } from '../../engine/checks.js';
import type { Topic } from '../types.js';

/** The command name and subcommand a learner typed, upper case. */
const verb = (args: readonly string[]): string => `${String(args[0] ?? '').toUpperCase()} ${String(args[1] ?? '').toUpperCase()}`.trim();

export const topic: Topic = {
  id: 'replication-operations',
  title: 'Replication in operation',
  intro:
    'How a replica really syncs: the full-sync flow, diskless sync, the backlog and partial resync, output-buffer limits and full-sync loops, and the settings that decide which replica is promoted.',
  questions: [
    {
      id: 'replication-operations-full-sync-flow',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'A new, empty replica runs `REPLICAOF 10.0.0.5 6379` against a primary holding 20 GB while clients keep writing. Which statements describe the full synchronisation correctly?',
      options: [
        {
          text: 'The replica offers in `PSYNC` whatever history it has (`PSYNC ? -1` when it has none); the primary cannot continue it and answers `+FULLRESYNC <replid> <offset>`',
          correct: true,
          why: 'The offset in the FULLRESYNC reply is where the snapshot sits in the primary’s stream: the replica continues from there once it has loaded it.',
        },
        {
          text: 'The primary forks; the child produces an RDB snapshot while the parent keeps serving clients, and every write from that moment on is queued for the replica in its output buffer on the primary',
          correct: true,
          why: 'Those queued writes turn a point-in-time snapshot into an up-to-date copy.',
        },
        {
          text: 'The replica throws its old data away, loads the RDB, and only then receives the queued writes, followed by the live stream',
          correct: true,
          why: 'Until the replica has loaded the snapshot, the queue grows on the primary (Redis 8.0 can stream it to the replica in parallel, over a second connection).',
        },
        {
          text: 'The primary refuses writes until the snapshot has been sent, so that the copy is consistent',
          correct: false,
          why: 'The forked child sees a frozen copy-on-write image of memory; the parent goes on accepting writes the whole time.',
        },
        {
          text: 'The replica replays the primary’s AOF file and then fetches the keys it is missing one by one',
          correct: false,
          why: 'Replication ships an RDB snapshot plus a command stream; the AOF plays no part, and nothing is fetched key by key.',
        },
      ],
      explanation:
        'Measured on Redis 7.0.15 (this machine): the primary logs "Full resync requested by replica", then "Delay next BGSAVE ' +
        'for diskless SYNC", then "Starting BGSAVE for SYNC with target: replicas sockets"; the replica logs "Full resync from ' +
        'master: <replid>:<offset>", "Flushing old data", "Loading DB in memory" and "Finished with success". What the replica ' +
        'offers first depends on its past: a server started with `replicaof` in its config has nothing cached and sends ' +
        '`PSYNC ? -1` ("Partial resynchronization not possible (no cached master)"), while a server that was a primary and is ' +
        'told REPLICAOF at runtime offers its own replid and offset + 1, which the primary refuses ("Replication ID mismatch"). ' +
        'Either way the primary counts the sync in `sync_full` (INFO stats). The expensive parts are the fork (copy-on-write ' +
        'memory), the transfer, the load on the replica, and the writes queued for the replica meanwhile.',
      proof: ['redis-cli -p 6380 REPLICAOF 127.0.0.1 6379', 'redis-cli -p 6379 INFO stats', 'redis-cli -p 6380 INFO replication'],
      proofOn: 'shell',
    },
    {
      id: 'replication-operations-diskless-default',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+ (the default was no in Redis 2.8.18–6.2)',
      question:
        'With the default configuration, does this server stream a full-sync snapshot straight to the replica’s socket, without writing an RDB file first?',
      commands: ['CONFIG GET repl-diskless-sync'],
      answer: '1) "repl-diskless-sync" 2) "yes"',
      explanation:
        'Since Redis 7.0 diskless sync is the default: the forked child writes the RDB directly into the replica sockets, so a ' +
        'full sync costs no disk I/O on the primary (and works on a primary whose disk is slow or full). Before 7.0 the ' +
        'default was `no`: the child wrote an RDB file which was then sent, and a replica arriving during that save could ' +
        'share the same file. With diskless sync a transfer cannot be joined once it has started, which is why the primary ' +
        'waits `repl-diskless-sync-delay` seconds before starting one. Redis 8.0.2 and Valkey 8.1.1 reply the same.',
      proof: ['CONFIG GET repl-diskless-sync', 'CONFIG GET repl-diskless-sync-max-replicas'],
    },
    {
      id: 'replication-operations-diskless-delay',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 2.8.18+ · Valkey 7.2+',
      question:
        'With the default configuration, how many seconds does a primary using diskless sync wait before it starts streaming a snapshot to a replica that asked for a full sync?',
      commands: ['CONFIG GET repl-diskless-sync-delay'],
      answer: '1) "repl-diskless-sync-delay" 2) "5"',
      explanation:
        'Five seconds. A diskless transfer is one stream that every receiving replica must get from its first byte, so a ' +
        'replica that arrives once it has started waits for the next one. The delay lets several replicas (all of them ' +
        'reconnecting after a primary restart, say) share one fork and one transfer. Measured on Redis 7.0.15: "Delay next ' +
        'BGSAVE for diskless SYNC", then "Starting BGSAVE for SYNC with target: replicas sockets" 5.5 s later. ' +
        '`repl-diskless-sync-max-replicas` (Redis 7.0+) starts early once that many replicas are waiting; a delay of 0 starts ' +
        'at once. Redis 8.0.2 and Valkey 8.1.1 reply the same.',
      proof: ['CONFIG GET repl-diskless-sync-delay', 'CONFIG GET repl-diskless-sync-max-replicas'],
    },
    {
      id: 'replication-operations-diskless-load',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 6.0+ · Valkey 7.2+ (serving the old data during a swapdb load: Redis 7.0+)',
      question:
        'Full syncs to a replica are slow because it writes the received RDB to a slow disk before loading it. What do the values of the replica’s `repl-diskless-load` trade?',
      options: [
        {
          text: '`disabled` (the default): the replica saves the received RDB to disk, then loads it; safe, but the disk adds to every full sync',
          correct: true,
          why: 'It is also the only mode that leaves an RDB on the replica’s disk after the sync.',
        },
        {
          text: '`swapdb`: the replica parses the RDB straight from the socket while keeping its current dataset in memory, so it needs room for both; since Redis 7.0 it can keep serving the old data during the load',
          correct: true,
          why: 'Keeping the old data means a failed transfer does not leave the replica empty, at the price of up to twice the memory (an OOM kill if it is not there).',
        },
        {
          text: '`on-empty-db`: load from the socket only when the replica’s dataset is empty, so there is never a second copy in memory',
          correct: true,
          why: 'A fresh replica gets the speed; a replica with data falls back to the disk path.',
        },
        {
          text: '`swapdb` halves memory use because the old dataset is freed before the new one is read',
          correct: false,
          why: 'It is the opposite: the old dataset is kept until the new one has loaded.',
        },
        {
          text: '`repl-diskless-load` is set on the primary and decides whether the primary writes an RDB file',
          correct: false,
          why: 'That is `repl-diskless-sync`, on the primary. `repl-diskless-load` is read by the replica.',
        },
      ],
      explanation:
        'Diskless sync (the primary side) and diskless load (the replica side) are separate settings. Loading from the socket ' +
        'removes the replica’s disk from the critical path of a full sync; the risk is memory (swapdb) or having no local RDB ' +
        'afterwards. The redis.conf warning also applies: modules that cannot handle read errors during a socket load may ' +
        'abort the replica. Redis 8.0.2 and Valkey 8.1.1 keep `disabled` as the default.',
      proof: ['CONFIG GET repl-diskless-load'],
    },
    {
      id: 'replication-operations-output-buffer-limit',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'Show the output-buffer limits this server applies to its replica connections: the hard limit, the soft limit and the soft-limit seconds.',
      setup: [],
      check: learnerReply('the client-output-buffer-limit setting, with its replica ("slave") class', (reply, args) => {
        if (verb(args) !== 'CONFIG GET' || !Array.isArray(reply)) return false;
        return reply.some((v) => /\bslave \d+ \d+ \d+/.test(String(v)));
      }),
      answer: ['CONFIG GET client-output-buffer-limit'],
      wrong: ['CONFIG GET repl-backlog-size'],
      explanation:
        'The reply holds every class: `normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60`. The replica class ' +
        'is still printed `slave` although `replica` is accepted when you set it. A replica whose pending data reaches 256 MB ' +
        'is disconnected at once; one that stays above 64 MB for 60 seconds in a row is disconnected too. The pending data ' +
        'grows most during a full sync, when every write made while the snapshot is produced, sent and loaded waits for the ' +
        'replica. Redis 8.0.2 and Valkey 8.1.1 have the same defaults.',
      proof: ['CONFIG GET client-output-buffer-limit'],
    },
    {
      id: 'replication-operations-full-sync-loop',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.8+ · Valkey 7.2+ (RDB channel: Redis 8.0+; dual-channel replication: Valkey 8.0+, off by default)',
      question:
        'A replica of a 40 GB, write-heavy primary starts a full sync, loads for minutes, and starts again, over and over. The primary logs "scheduled to be closed ASAP for overcoming of output buffer limits". What is going on, and what helps?',
      options: [
        {
          text: 'Writes made while the snapshot is produced, transferred and loaded pile up for the replica on the primary; past 256 MB (or above 64 MB for 60 s) the primary drops the replica, which then needs a new full sync from scratch',
          correct: true,
          why: 'That is the full-sync loop: each attempt takes as long as the last one and overflows the same way.',
        },
        {
          text: 'Raise the replica class limit to at least the write rate × the duration of a full sync (for example `CONFIG SET client-output-buffer-limit "replica 4gb 2gb 300"`), with that much memory spare on the primary',
          correct: true,
          why: 'The buffer must hold every write made until the replica starts reading again; the memory comes out of the primary’s headroom.',
        },
        {
          text: 'Shorten the sync: diskless sync and load, a faster network, smaller primaries (sharding); Redis 8.0’s RDB channel and Valkey 8’s dual-channel replication move the buffering to the replica',
          correct: true,
          why: 'Less time in the sync means fewer queued writes; buffering on the replica takes the pressure off the primary’s limit.',
        },
        {
          text: 'Raise `repl-backlog-size`: the loop is the backlog overflowing',
          correct: false,
          why: 'The backlog decides partial resyncs after a short cut. A replica that never finished its first sync has no offset to continue from, and what cut it was the output-buffer limit.',
        },
        {
          text: 'Lower `repl-timeout` so that the replica gives up sooner and retries',
          correct: false,
          why: 'A retry is another full sync from scratch; timing out sooner only makes the loop faster.',
        },
      ],
      explanation:
        'The replica cannot read the queued writes until it has loaded the snapshot, so the queue on the primary must last for ' +
        'the whole sync. Once it overflows, the attempt is wasted, and the next one fails the same way while the primary forks ' +
        'again and again. The log line is written on Redis 7.0.15 as "Client … scheduled to be closed ASAP for overcoming of ' +
        'output buffer limits". Size the limit from measurements (write rate from `master_repl_offset` growth, sync duration ' +
        'from the logs), raise it at runtime before the next attempt, and watch `sync_full` in INFO stats. Measured on Redis ' +
        '8.0.2: the primary logs "Full sync will continue with dedicated rdb channel" and the replica "Starting to receive RDB ' +
        'and replication stream in parallel", buffering up to `replica-full-sync-buffer-limit` (0 means the replica hard limit). ' +
        'Valkey 8.1.1 has `dual-channel-replication-enabled no` by default.',
      proof: ['CONFIG GET client-output-buffer-limit', 'INFO stats'],
    },
    {
      id: 'replication-operations-shared-buffer',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'A primary has four replicas that each lag about 100 MB behind while they catch up, and a 1 GB backlog. What did Redis 7.0 change about the memory this costs?',
      options: [
        {
          text: 'The backlog and every replica point into one shared replication buffer: the bytes are not copied per replica, so four replicas lagging on the same data cost about 100 MB once, not 400 MB',
          correct: true,
          why: 'Before 7.0 each replica had its own output buffer holding its own copy of the stream, on top of the backlog.',
        },
        {
          text: 'A block of the shared buffer is freed only when neither the backlog nor any replica needs it any more, so the backlog can hold more than `repl-backlog-size` while a replica still reads older blocks',
          correct: true,
          why: 'Redis does not trim blocks a replica still references; the backlog is larger for a while, and partial resyncs reach further back.',
        },
        {
          text: '`INFO memory` reports the total as `mem_total_replication_buffers`, with `mem_replication_backlog` beside it',
          correct: true,
          why: '`mem_total_replication_buffers` arrived with the shared buffer in 7.0; `mem_replication_backlog` is older.',
        },
        {
          text: '`client-output-buffer-limit` no longer applies to replicas',
          correct: false,
          why: 'It still applies to each replica, counted as the part of the shared buffer that replica has not consumed yet.',
        },
        {
          text: 'Each replica now gets its own copy of the backlog',
          correct: false,
          why: 'There is one backlog; 7.0 removed copies rather than adding them.',
        },
      ],
      explanation:
        'In 7.0 the replication stream is written once into a list of blocks; the backlog and each replica hold references into ' +
        'it. Memory now grows with the lag of the slowest replica, not with the number of replicas × their lag. Two ' +
        'consequences for operations: the replica output-buffer limit is still the safety valve against one replica pinning ' +
        'gigabytes, and the backlog’s real size can exceed the configured one while a replica lags.',
      proof: ['INFO memory', 'CONFIG GET repl-backlog-size'],
    },
    {
      id: 'replication-operations-buffer-memory',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'Find how much memory this server spends on replication buffers: the one buffer the backlog and the replicas share since Redis 7.0.',
      setup: [],
      check: learnerReply(
        'a reply showing mem_total_replication_buffers (INFO or INFO memory)',
        (reply) => typeof reply === 'string' && reply.includes('mem_total_replication_buffers'),
      ),
      answer: ['INFO memory'],
      wrong: ['INFO replication'],
      explanation:
        '`INFO memory` has `mem_total_replication_buffers` (the shared buffer), `mem_replication_backlog` (the backlog’s part of ' +
        'it) and `mem_clients_slaves`. On this server, with no replica, they are 0. On a primary with a lagging replica, ' +
        'compare them with `repl_backlog_size` and the replica limits. Redis 8.0 adds `mem_replica_full_sync_buffer` for its ' +
        'replica-side buffering. `INFO replication` shows offsets and backlog settings, not the memory.',
      proof: ['INFO memory'],
    },
    {
      id: 'replication-operations-backlog-ttl',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'With the default configuration, how many seconds after its last replica disconnects does a primary free its replication backlog?',
      commands: ['CONFIG GET repl-backlog-ttl'],
      answer: '1) "repl-backlog-ttl" 2) "3600"',
      explanation:
        'One hour. The backlog is created when the first replica connects (Redis logs "Replication backlog created") and ' +
        'freed when no replica has been connected for `repl-backlog-ttl` seconds; a replica that comes back later needs a ' +
        'full sync. 0 means never free it. Replicas never free theirs, whatever the setting: since Redis 4.0 (PSYNC2) a ' +
        'replica may be promoted and must then serve partial resyncs to the others. Redis 8.0.2 and Valkey 8.1.1 reply the same.',
      proof: ['CONFIG GET repl-backlog-ttl', 'INFO replication'],
    },
    {
      id: 'replication-operations-psync2-failover',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question:
        'Primary A (replid `82292b…`) dies at offset 3065. Replica B is promoted with `REPLICAOF NO ONE`, and replica C is pointed at B. Why can C continue with a partial resync instead of a full sync?',
      options: [
        {
          text: 'B took a new replid but kept A’s as `master_replid2`, valid up to `second_repl_offset` 3066; C asks `PSYNC 82292b… 3066`, and B accepts because it knows that history and holds the bytes in its backlog',
          correct: true,
          why: 'This is PSYNC2: a promoted replica remembers the history it shares with its former siblings.',
        },
        {
          text: 'B keeps A’s replid as its own, so nothing changes for C',
          correct: false,
          why: 'B takes a new replid at promotion: its history diverges from anything A might have written after the cut.',
        },
        {
          text: 'C compares its keys with B’s and fetches only the keys that differ',
          correct: false,
          why: 'Replication works on a byte stream and offsets; there is no key-by-key comparison.',
        },
        {
          text: 'It only works if C was already a chained replica of B before the failover',
          correct: false,
          why: 'Any replica that followed A up to an offset B also reached can continue from B.',
        },
      ],
      explanation:
        'Measured on Redis 7.0.15: B logged "Setting secondary replication ID to 82292b…, valid up to offset: 3066. New ' +
        'replication ID is f660b9…", and for C "Partial resynchronization request … accepted. Sending 0 bytes of backlog ' +
        'starting from offset 3066"; C logged "Successful partial resynchronization with master" and B counted ' +
        '`sync_partial_ok`. Before Redis 4.0 a promotion forced every other replica into a full sync. 4.0 also stores the ' +
        'replid and offset in the RDB, so a replica restarted cleanly (SHUTDOWN saving an RDB) can partially resync too.',
      proof: [
        'redis-cli -p 6380 REPLICAOF NO ONE',
        'redis-cli -p 6380 INFO replication',
        'redis-cli -p 6381 REPLICAOF 127.0.0.1 6380',
        'redis-cli -p 6380 INFO stats',
      ],
      proofOn: 'shell',
    },
    {
      id: 'replication-operations-repl-timeout',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'With the default configuration, after how many seconds of silence does a replica give up on its primary (and a primary on a replica that stopped acknowledging)?',
      commands: ['CONFIG GET repl-timeout'],
      answer: '1) "repl-timeout" 2) "60"',
      explanation:
        'Sixty seconds, and the one setting covers three timers: the replica waiting for bulk data during a full sync, the ' +
        'replica hearing nothing from its primary (data or the PING sent every `repl-ping-replica-period`, 10 s), and the ' +
        'primary hearing no REPLCONF ACK from an online replica. Keep it well above the ping period, or quiet links time ' +
        'out. An online replica that stalls longer than that (a swap storm, a frozen VM) is dropped and has to resync. ' +
        'Redis 8.0.2 and Valkey 8.1.1 reply the same. ROLE shows the link state in short: on a primary `master`, its offset ' +
        'and each replica’s acknowledged offset; on a replica `slave`, the primary, `connect` / `connecting` / `sync` / ' +
        '`connected`, and the offset it has processed.',
      proof: ['CONFIG GET repl-timeout', 'CONFIG GET repl-ping-replica-period', 'ROLE'],
    },
    {
      id: 'replication-operations-waitaof',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 7.2+ · Valkey 7.2+',
      question:
        'With the default configuration (`appendonly no`), what does the last command reply on this server? The quiz’s reference server is Redis 7.0; the explanation gives the other replies.',
      commands: ['SET {ns}invoice:9 paid', 'WAITAOF 1 0 100'],
      answer: "(error) ERR unknown command 'WAITAOF'",
      answerOn: [
        { server: 'Redis 7.2', answer: '(error) ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.' },
        { server: 'Redis 7.4', answer: '(error) ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.' },
        { server: 'Redis 8', answer: '(error) ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.' },
        { server: 'Valkey', answer: '(error) ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.' },
      ],
      explanation:
        'WAITAOF numlocal numreplicas timeout arrived in Redis 7.2, so Redis 7.0 does not know it. From 7.2 (and in Redis 8.0.2 ' +
        'and Valkey 8.1.1, measured) it blocks until this client’s earlier writes are fsynced to the local AOF (numlocal 1) ' +
        'and to the AOF of numreplicas replicas, and replies with two counts: `1) local 2) replicas`. Asking for a local ' +
        'fsync with AOF off is refused at once, as here; `WAITAOF 0 1 100` is allowed and counts only replicas that run with ' +
        'AOF. WAIT counts replicas that received the writes; WAITAOF counts the ones that made them durable. Neither rolls ' +
        'a write back, and neither makes Redis a consensus system.',
      proof: ['SET {ns}invoice:9 paid', 'WAIT 0 100', 'CONFIG GET appendonly'],
    },
    {
      id: 'replication-operations-chained',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question: 'Replica B follows primary A, and replica C follows B (a chain). What is true?',
      options: [
        {
          text: 'C receives the stream B receives from A, byte for byte: C shows A’s replid and the same offsets as A and B',
          correct: true,
          why: 'Measured on Redis 7.0.15: ROLE showed offset 14 on all three, and C’s full sync was "from master: 82292b…:14", A’s replid.',
        },
        {
          text: 'It takes load off A (one fork, one transfer, one output buffer instead of two), at the price of one more hop of lag: C falls behind whenever B does',
          correct: true,
          why: 'Chains are used to fan out to many replicas or to a remote site without loading the primary.',
        },
        {
          text: 'A write made on B (with `replica-read-only no`) stays on B: it never reaches C',
          correct: true,
          why: 'Since 4.0, B forwards exactly what it receives from A; its own local writes are not part of that stream.',
        },
        {
          text: 'B executes A’s commands and sends C a stream of its own, with its own replid',
          correct: false,
          why: 'That was the case before 4.0; since then the stream is proxied unchanged.',
        },
        {
          text: 'A lists C among its replicas in INFO replication',
          correct: false,
          why: 'A only sees B; C appears in B’s INFO replication, so monitoring must walk the chain.',
        },
      ],
      explanation:
        'Because C shares A’s replid and offsets, C can partially resync from A or from B after a topology change, and WAIT ' +
        'on A counts only A’s direct replicas (B), not C. When B is promoted, C stays attached: measured on 7.0.15, B dropped ' +
        'C’s link at promotion and C reconnected with a partial resync of 0 bytes.',
      proof: ['redis-cli -p 6381 REPLICAOF 127.0.0.1 6380', 'redis-cli -p 6381 ROLE', 'redis-cli -p 6379 ROLE'],
      proofOn: 'shell',
    },
    {
      id: 'replication-operations-replica-expiry',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 3.2+ · Valkey 7.2+',
      question:
        'A key with a 1.5 s TTL was replicated; then the primary stalls (paused) before it deletes the key. Once the TTL has passed, what does the replica do?',
      options: [
        {
          text: 'GET returns nil, EXISTS 0 and TTL -2: a replica hides a logically expired key from reads',
          correct: true,
          why: 'Since Redis 3.2 a replica checks the TTL on reads, so clients do not see expired data there.',
        },
        {
          text: 'DBSIZE still counts the key: the replica does not delete it, it waits for the DEL the primary sends when it expires the key',
          correct: true,
          why: 'Only the primary expires keys; the DEL travels down the replication stream like any write.',
        },
        {
          text: 'The replica deletes the key itself and tells the primary',
          correct: false,
          why: 'Replication is one-way, and a replica deleting on its own clock could diverge from the primary’s stream.',
        },
        {
          text: 'GET keeps returning the value until the primary’s DEL arrives',
          correct: false,
          why: 'That was the behaviour before 3.2, a classic source of stale reads on replicas.',
        },
      ],
      explanation:
        'Measured on Redis 7.0.15 with the primary paused by SIGSTOP: after the TTL, the replica answered GET (nil), EXISTS 0, ' +
        'TTL -2, but DBSIZE 1001 against the primary’s 1000 and `expires=1` in INFO keyspace; once the primary resumed, its ' +
        'DEL arrived and both said 1000. So key counts and memory on a replica can include expired keys, and a replica whose ' +
        'primary is gone keeps them until it is promoted (then it expires them itself). Replicas do not evict either ' +
        '(`replica-ignore-maxmemory yes`): eviction also arrives as DELs from the primary.',
      proof: ['SET {ns}session:1 x PX 100000', 'TTL {ns}session:1', 'CONFIG GET replica-ignore-maxmemory'],
    },
    {
      id: 'replication-operations-serve-stale',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 2.6+ (named slave-serve-stale-data before 5.0) · Valkey 7.2+',
      question: 'With the default configuration, does a replica whose link to the primary is down (or still syncing) keep answering reads?',
      commands: ['CONFIG GET replica-serve-stale-data'],
      answer: '1) "replica-serve-stale-data" 2) "yes"',
      explanation:
        'Yes: by default the replica answers from whatever data it has, which may be minutes old after a long cut. With `no` ' +
        'it refuses most commands with "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to \'no\'." ' +
        '(INFO, PING, ROLE, REPLICAOF and a few others still work), which suits clients that prefer an error to stale data. ' +
        'Either way, watch `master_link_status` and `master_last_io_seconds_ago` on replicas that serve reads. Redis 8.0.2 and ' +
        'Valkey 8.1.1 reply the same.',
      proof: ['CONFIG GET replica-serve-stale-data', 'INFO replication'],
    },
    {
      id: 'replication-operations-lazy-flush',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 4.0+ · Valkey 7.2+ (default yes from Valkey 8.0)',
      question: 'With the default configuration, does a replica free its old dataset in a background thread when a full sync replaces it?',
      commands: ['CONFIG GET replica-lazy-flush'],
      answer: '1) "replica-lazy-flush" 2) "no"',
      answerOn: [{ server: 'Valkey', answer: '1) "replica-lazy-flush" 2) "yes"' }],
      explanation:
        'On Redis (7.0.15 and 8.0.2, measured) the default is `no`: before loading the new snapshot the replica frees its old ' +
        'dataset on the main thread, which for tens of gigabytes means seconds during which it answers nobody. With `yes` ' +
        'the old data is freed by a background thread. Valkey 8.0 turned the lazy-free defaults on, so Valkey 8.1.1 replies ' +
        '`yes`. The other lazy-free settings (`lazyfree-lazy-eviction`, `-expire`, `-server-del`, `-user-del`) follow the same ' +
        'split between Redis and Valkey 8.',
      proof: ['CONFIG GET replica-lazy-flush', 'CONFIG GET lazyfree-lazy-server-del'],
    },
    {
      id: 'replication-operations-min-replicas-good',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.8+ (min-slaves-* names before 5.0) · Valkey 7.2+',
      question:
        'A primary runs with `min-replicas-to-write 2` and `min-replicas-max-lag 10`. Of its two replicas, one is online and acknowledged a second ago; the other is in the middle of a full sync. What does `SET k v` get?',
      options: [
        {
          text: '`(error) NOREPLICAS Not enough good replicas to write.`',
          correct: true,
          why: 'A good replica is online (its sync finished) and acknowledged within max-lag seconds; a syncing replica does not count.',
        },
        {
          text: '`OK`, because two replicas are connected',
          correct: false,
          why: 'Connected is not enough: the count is of replicas in the online state with a recent REPLCONF ACK.',
        },
        {
          text: 'The SET blocks until the second replica finishes its sync',
          correct: false,
          why: 'The check never blocks: the write is refused at once, before it runs.',
        },
        {
          text: '`OK`, and the write is rolled back if no second replica acknowledges it within 10 s',
          correct: false,
          why: 'Redis never rolls a write back; the guard only refuses writes up front.',
        },
      ],
      explanation:
        'Replicas send REPLCONF ACK every second; the primary counts those online with an ACK no older than ' +
        '`min-replicas-max-lag` seconds and refuses write commands (reads still work) while the count is below ' +
        '`min-replicas-to-write`. That is what stops an isolated primary from taking writes that a failover would discard, ' +
        'within about max-lag seconds. The cost is availability: with too few healthy replicas, including during their full ' +
        'syncs, writes fail. Either setting at 0 turns the guard off (the default).',
      proof: ['CONFIG GET min-replicas-to-write', 'CONFIG GET min-replicas-max-lag'],
    },
    {
      id: 'replication-operations-sizing',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'You take over a primary with 50 GB of data, about 40 MB/s of replication traffic at peak, and two replicas in another zone. Which replication settings do you review, and how do you size them?',
      keyPoints: [
        'repl-backlog-size ≥ write rate × the longest cut to survive with a partial resync (40 MB/s × 60 s ≈ 2.4 GB), measured from master_repl_offset growth',
        'client-output-buffer-limit replica ≥ write rate × full-sync duration (snapshot, transfer, load), or full syncs loop',
        'Diskless sync (default since 7.0) with repl-diskless-sync-delay / max-replicas; repl-diskless-load on replicas with memory to spare',
        'Fork cost: memory headroom for copy-on-write, vm.overcommit_memory = 1, transparent huge pages off',
        'replica-lazy-flush, repl-timeout against load time; alert on sync_full, sync_partial_err, master_link_status and lag',
        'Smaller primaries (sharding) so that a full sync takes minutes, not an hour',
      ],
      explanation:
        'A strong answer starts from measurements (write rate, RDB size, transfer and load time) and derives the backlog and ' +
        'the replica buffer limit from them, rather than quoting defaults: the 1 MB backlog covers well under a second at ' +
        '40 MB/s, and the 256 MB hard limit about six seconds of a full sync. It then covers the fork (copy-on-write memory ' +
        'and latency on a 50 GB process), the cross-zone link as the bottleneck of every full sync, and what to monitor to ' +
        'see a sync loop or a lagging replica before a failover needs it.',
    },
  ],
};
