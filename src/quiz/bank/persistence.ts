// Quiz topic: RDB snapshots, the AOF (fsync policies, rewrite, multi-part AOF), and durability trade-offs.
import { learnerReply } from '../../engine/checks.js';
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'persistence',
  title: 'Persistence',
  intro:
    'Redis keeps data in memory and offers two ways to put it on disk: RDB snapshots written by a forked child, and the ' +
    'append-only file (AOF) that logs every write. They can be combined, and since Redis 7.0 the AOF is a directory of ' +
    'files tracked by a manifest. Interview questions are about what each loses on a crash, what fork and copy-on-write ' +
    'cost, and which setup suits a cache, a session store or a system of record.',
  questions: [
    {
      id: 'persistence-rdb-vs-aof',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question: 'Which statements about RDB and AOF are true? (pick all that apply)',
      options: [
        {
          text: 'RDB is a compact point-in-time snapshot: fast to load, but writes since the last snapshot are lost on a crash',
          correct: true,
          why: 'With save points such as "every 5 minutes if 100 keys changed", minutes of writes can be lost.',
        },
        {
          text: 'AOF logs every write command; with appendfsync everysec a machine crash loses about a second of writes, up to about two when the disk lags',
          correct: true,
          why: 'The log is replayed on restart, so only what had not reached the disk is lost; a slow fsync makes Redis postpone writes for up to 2 s.',
        },
        {
          text: 'RDB records every command so it can be replayed',
          correct: false,
          why: 'RDB stores the data itself (a binary dump), not the commands that produced it.',
        },
        {
          text: 'A plain AOF usually loads faster than an RDB file of the same dataset',
          correct: false,
          why: 'Replaying commands is slower than loading a binary dump; that is why the AOF base is RDB-formatted by default.',
        },
      ],
      explanation:
        'RDB gives compact backups and fast restarts at the price of a larger loss window; AOF gives a small loss window at ' +
        'the price of bigger files and the need to rewrite them. Most production setups that care about data enable AOF ' +
        '(whose base file is itself RDB-formatted) and still take RDB snapshots for backups.',
      proof: ['CONFIG GET save', 'CONFIG GET appendonly', 'INFO persistence'],
    },
    {
      id: 'persistence-fork-cow',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'BGSAVE runs on a 20 GB instance that receives heavy writes. What should you worry about? (pick all that apply)',
      options: [
        {
          text: 'Memory: the child shares pages copy-on-write, so every page the parent modifies meanwhile is duplicated, up to twice the dataset in the worst case',
          correct: true,
          why: 'Write-heavy workloads touch many pages during a long snapshot; leave RAM headroom.',
        },
        {
          text: 'Latency: fork() itself copies the page tables and pauses the main thread, longer for bigger datasets',
          correct: true,
          why: 'INFO stats reports latest_fork_usec; huge instances can pause for tens or hundreds of milliseconds.',
        },
        {
          text: 'Transparent huge pages, if they are on for the Redis process, make copy-on-write copy 2 MB at a time, amplifying both problems',
          correct: true,
          why: 'Since 6.2 Redis turns THP off for its own process when the kernel has it on "always" (disable-thp yes, the default); older versions only log a warning.',
        },
        {
          text: 'All clients are blocked until the snapshot is written',
          correct: false,
          why: 'That is SAVE; BGSAVE writes in the child while the parent keeps serving.',
        },
      ],
      explanation:
        'Snapshots and AOF rewrites fork a child that sees a frozen view of memory. The parent keeps working, but each page ' +
        'it changes must be copied, and the fork call itself stalls the event loop for a time proportional to memory size. ' +
        'Size maxmemory well below RAM and watch latest_fork_usec and copy-on-write stats in INFO.',
      proof: ['BGSAVE', 'INFO persistence', 'INFO stats'],
    },
    {
      id: 'persistence-appendfsync',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'What is the default `appendfsync` policy and how much can a power failure lose with it?',
      options: [
        {
          text: 'everysec: about one second of writes, and about two when fsync lags behind a slow disk',
          correct: true,
          why: 'A background thread fsyncs once per second; while an fsync lags, Redis holds new writes in its own buffer for up to 2 s, then writes and blocks.',
        },
        {
          text: 'always: nothing, because every write is fsynced before the reply',
          correct: false,
          why: 'always exists and is the safest, but it is not the default because it is much slower.',
        },
        {
          text: 'no: up to the OS flush interval (often about 30 seconds on Linux)',
          correct: false,
          why: 'no leaves flushing to the kernel; it is not the default.',
        },
      ],
      explanation:
        'appendfsync always fsyncs the AOF before replying to a batch of writes (safest, slowest), everysec fsyncs once per ' +
        'second in the background (the default and usual compromise), and no lets the kernel decide. With everysec a crash of ' +
        'the Redis process alone usually loses nothing, as written data is already in the kernel page cache; but while an ' +
        'fsync lags, up to 2 s of acknowledged writes wait in a buffer inside Redis and die with the process too.',
      proof: ['CONFIG GET appendfsync'],
    },
    {
      id: 'persistence-aof-rewrite',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'The AOF has grown to 40 GB while the dataset is 2 GB. What does an AOF rewrite (BGREWRITEAOF) do?',
      options: [
        {
          text: 'A forked child writes the current dataset as a new compact base file, while new writes go to a fresh incremental file; the manifest then switches to them',
          correct: true,
          why: 'That is the Redis 7.0 multi-part design: no rewrite buffer, no rename dance at the end.',
        },
        {
          text: 'It reads the old AOF and removes commands that cancel each other out',
          correct: false,
          why: 'The rewrite never reads the old log; it dumps the in-memory dataset, which is much cheaper.',
        },
        {
          text: 'It deletes log entries older than a configured age',
          correct: false,
          why: 'That would lose data; the new base represents every key as it is now.',
        },
      ],
      explanation:
        'A rewrite produces the smallest log that recreates the current data, for example one RPUSH instead of thousands of ' +
        'pushes and pops. It runs automatically by auto-aof-rewrite-percentage (100) and auto-aof-rewrite-min-size (64 MB), ' +
        'or on demand with BGREWRITEAOF. Since 7.0 the parent simply opens a new INCR file when the rewrite starts, removing ' +
        'the old double-buffering of writes.',
      proof: ['BGREWRITEAOF', 'CONFIG GET auto-aof-rewrite-percentage'],
    },
    {
      id: 'persistence-multipart-aof',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'With `appendonly yes` on Redis 7.0, what do you find on disk?',
      options: [
        {
          text: 'A directory (appendonlydir) holding a base file, one or more incremental .incr.aof files and a manifest listing them',
          correct: true,
          why: 'For example appendonly.aof.1.base.rdb, appendonly.aof.1.incr.aof and appendonly.aof.manifest.',
        },
        {
          text: 'A single appendonly.aof file next to dump.rdb',
          correct: false,
          why: 'That was the layout up to Redis 6.2; 7.0 converts it into the multi-part layout on upgrade.',
        },
        {
          text: 'One AOF file per logical database',
          correct: false,
          why: 'All databases share one log; SELECT commands inside it switch databases.',
        },
      ],
      explanation:
        'Multi-part AOF (7.0) splits the log into a base (RDB or AOF format) plus incremental files, with a manifest saying ' +
        'which files make up the current dataset. Back up the whole directory, not a single file. The directory name comes ' +
        'from appenddirname and the file prefix from appendfilename.',
      proof: ['CONFIG GET appenddirname', 'CONFIG GET appendfilename'],
    },
    {
      id: 'persistence-restart-order',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'Both RDB snapshots and AOF are enabled. What does Redis load when it restarts?',
      options: [
        {
          text: 'The AOF, because it is normally the more complete record',
          correct: true,
          why: 'With appendonly yes the RDB file is ignored at startup.',
        },
        {
          text: 'The RDB file, then the AOF replayed on top of it',
          correct: false,
          why: 'The two are independent; the only "RDB then commands" combination is the AOF\'s own RDB-formatted base file.',
        },
        {
          text: 'Whichever file was written most recently',
          correct: false,
          why: 'Redis does not compare timestamps; the appendonly setting decides.',
        },
      ],
      explanation:
        'When appendonly is yes Redis rebuilds the dataset from the AOF (base plus incremental files in 7.0); otherwise it ' +
        'loads the RDB file. Turning AOF on for the first time on a live server with CONFIG SET appendonly yes writes an ' +
        'initial AOF from memory; enabling it only in the config file and restarting would start from an empty AOF.',
    },
    {
      id: 'persistence-rdb-preamble',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question: 'What does `aof-use-rdb-preamble yes` (the default) change?',
      options: [
        {
          text: 'The AOF base file written by a rewrite is in RDB format, followed by plain commands for later writes',
          correct: true,
          why: 'Loading a binary dump is much faster than replaying commands, and the tail still keeps the small loss window.',
        },
        {
          text: 'Redis writes an RDB file on every write instead of an AOF entry',
          correct: false,
          why: 'Normal writes are still appended as commands; only the rewrite output is RDB-formatted.',
        },
        {
          text: 'RDB snapshots include the AOF so a single file is enough for backups',
          correct: false,
          why: 'The option only affects the AOF; dump.rdb is unchanged.',
        },
      ],
      explanation:
        "The hybrid format (introduced in 4.0, on by default since 5.0) combines RDB's fast loading with AOF's fine-grained " +
        'durability. In Redis 7.0 it shows up as a base file named *.base.rdb inside the AOF directory.',
      proof: ['CONFIG GET aof-use-rdb-preamble'],
    },
    {
      id: 'persistence-empty-primary',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'A primary runs with persistence disabled and is restarted automatically by a supervisor; its replicas have persistence on. The primary crashes. What happens?',
      options: [
        {
          text: 'It restarts empty, the replicas resynchronise from it and wipe their own copies',
          correct: true,
          why: 'Replicas faithfully copy the primary, even an empty one.',
        },
        {
          text: 'The replicas notice the primary is empty and push their data back to it',
          correct: false,
          why: 'Replication only flows from primary to replica.',
        },
        {
          text: 'Nothing is lost, because the replicas persisted the data',
          correct: false,
          why: 'Their files are replaced by the full resync from the empty primary.',
        },
      ],
      explanation:
        'If a primary has no persistence, it must not restart automatically: it would come back with an empty dataset and ' +
        'replication would propagate the emptiness. Either enable persistence on the primary or let Sentinel promote a ' +
        'replica instead of restarting the old primary in place.',
    },
    {
      id: 'persistence-default-fsync',
      kind: 'predict',
      level: 'beginner',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'On a server with the default configuration, which fsync policy would the AOF use?',
      commands: ['CONFIG GET appendfsync'],
      answer: '1) "appendfsync" 2) "everysec"',
      explanation:
        'everysec is the default: a background thread calls fsync once per second, so a power loss costs about a second of ' +
        'writes (about two when the disk lags) while the main thread rarely waits for the disk. CONFIG GET returns name/value pairs, which is why the reply ' +
        'is a two-element array.',
    },
    {
      id: 'persistence-aof-dir',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'Redis 7.0 keeps the AOF in a directory. With the default configuration, what is it called?',
      commands: ['CONFIG GET appenddirname'],
      answer: '1) "appenddirname" 2) "appendonlydir"',
      explanation:
        'appenddirname was introduced with multi-part AOF in Redis 7.0; the directory sits inside the working directory (dir) ' +
        'and holds the base file, the incremental files and the manifest. On 6.2 and older the setting does not exist.',
    },
    {
      id: 'persistence-is-aof-on',
      kind: 'command',
      level: 'beginner',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'Find out with one command whether this server has the AOF enabled.',
      setup: [],
      check: learnerReply('a reply that shows whether AOF is enabled (appendonly, or aof_enabled in INFO)', (reply, args) => {
        const name = String(args[0] ?? '').toUpperCase();
        const sub = String(args[1] ?? '').toLowerCase();
        if (name === 'CONFIG' && sub === 'get') return String(args[2] ?? '').toLowerCase() === 'appendonly';
        if (name === 'INFO') return typeof reply === 'string' && reply.includes('aof_enabled:');
        return false;
      }),
      answer: ['CONFIG GET appendonly'],
      wrong: ['CONFIG GET appendfsync'],
      explanation:
        'CONFIG GET appendonly shows the setting; INFO persistence shows aof_enabled together with the state of rewrites and ' +
        'the last fsync or write errors. appendfsync only says how the AOF would be synced, not whether it is on.',
      proof: ['CONFIG GET appendonly', 'INFO persistence'],
    },
    {
      id: 'persistence-durability-design',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question:
        'Choose a persistence setup for (a) a cache in front of Postgres, (b) a session store, (c) a ledger of payments. Justify each.',
      keyPoints: [
        'Cache: no persistence or occasional RDB for warm restarts; losing it only costs cache misses',
        'Sessions: AOF everysec (plus RDB backups); losing a second of sessions is usually acceptable',
        'Payments: Redis is async-replicated and fsyncs at best per write batch; keep the system of record in a durable database, or use appendfsync always plus WAIT and accept the latency',
        'Mention fork and copy-on-write memory headroom, and disk throughput for AOF',
        'Backups: copy RDB files (or the AOF directory) off the host regularly and test restores',
      ],
      explanation:
        'The point is matching the loss window to the business cost. Strong answers also note that persistence does not ' +
        'protect against failover data loss, which is a replication question.',
    },
    {
      id: 'persistence-loss-paths',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'A single Redis runs with AOF and appendfsync everysec. List the ways an acknowledged write can still be lost.',
      keyPoints: [
        'Power or kernel failure: the writes not yet fsynced, about 1 s, and about 2 s when fsync lags (Redis postpones the write for up to 2 s before it blocks)',
        'A plain process crash usually loses nothing, because write() already handed the data to the kernel; but while fsync lags, up to 2 s of acknowledged writes still sit in a buffer inside Redis and are lost with it',
        'Disk full or write errors: Redis refuses writes when it cannot write the AOF, but watch aof_last_write_status',
        'A truncated last command is dropped on load (aof-load-truncated yes)',
        'Human error: FLUSHALL is logged too; recover by editing the AOF before a rewrite removes the history',
        'Failover to a lagging replica, if replication is involved',
      ],
      explanation:
        'Interviewers want the difference between a process crash and a machine crash. They also like to hear that ' +
        'operational mistakes such as FLUSHALL are persisted just as faithfully as good writes.',
    },
    {
      id: 'persistence-misconf-meaning',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question:
        "Every write now fails with `(error) MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk…`. What does it mean, and what is the right fix? (pick all that apply)",
      options: [
        {
          text: 'The last background save failed while save points are set, and with stop-writes-on-bgsave-error yes (the default) Redis refuses writes until a save succeeds',
          correct: true,
          why: 'It would rather stop than keep acknowledging writes it cannot persist; INFO persistence shows rdb_last_bgsave_status:err and the log says why.',
        },
        {
          text: 'Fix the cause (disk full, no permission on dir, fork refused for lack of memory), then BGSAVE, or SAVE if the fork itself fails; writes resume once a save succeeds',
          correct: true,
          why: 'While a save point is due Redis also retries the background save about every 5 seconds, so writes come back by themselves once the cause is gone.',
        },
        {
          text: '`CONFIG SET stop-writes-on-bgsave-error no` fixes it',
          correct: false,
          why: 'It hides the symptom: writes are acknowledged again while snapshots keep failing, and a crash then loses everything since the last good save.',
        },
        {
          text: 'Restart Redis to clear the error',
          correct: false,
          why: 'A restart brings back only the last good snapshot; and a SIGTERM whose final save fails does not even exit ("Error trying to save the DB, can\'t exit").',
        },
      ],
      explanation:
        'MISCONF is the RDB safety net: with save points configured and stop-writes-on-bgsave-error yes (the default), a failed ' +
        'BGSAVE stops writes until a save works. Read the log line of the failed child first (No space left on device, ' +
        'Permission denied, fork: Cannot allocate memory), fix that, and save. Switching the option off or clearing the save ' +
        'points makes the error disappear and the data loss silent; Valkey sends the same error with its own name in it.',
      proof: [
        'redis-cli INFO persistence | grep -E "rdb_last_bgsave_status|rdb_changes_since_last_save"',
        'redis-cli CONFIG GET stop-writes-on-bgsave-error',
        'redis-cli CONFIG GET dir',
        'redis-cli BGSAVE',
      ],
      proofOn: 'shell',
    },
    {
      id: 'persistence-misconf-what-works',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'A node answers MISCONF after a failed BGSAVE. Which of these still succeed on it? (pick all that apply)',
      options: [
        {
          text: '`GET` and other reads',
          correct: true,
          why: 'Only commands that may modify the dataset are refused; the data in memory is intact.',
        },
        {
          text: '`INFO persistence`, `CONFIG GET` and `BGSAVE`',
          correct: true,
          why: 'None of them writes to the dataset, and they are what you need to diagnose the failure and retry the save.',
        },
        {
          text: '`PING`',
          correct: false,
          why: 'PING is refused with MISCONF too (checked on Redis 7.0, Redis 8.0 and Valkey 8.1), so a health check that pings notices the node cannot persist.',
        },
        {
          text: '`DEL` to free some memory',
          correct: false,
          why: 'DEL modifies the dataset, so it is refused like SET; a full disk is fixed on the disk, not by deleting keys.',
        },
      ],
      explanation:
        'MISCONF refuses every command flagged as a write, and PING as well, so that a load balancer or a health check that ' +
        'pings takes the node out. Reads, INFO, CONFIG and the save commands keep working, which is what you need to ' +
        'diagnose and recover. A failed AOF write (aof_last_write_status:err) blocks writes and PING the same way, with a ' +
        'MISCONF that names the AOF.',
      proof: ['redis-cli GET k', 'redis-cli PING', 'redis-cli DEL k', 'redis-cli INFO persistence'],
      proofOn: 'shell',
    },
    {
      id: 'persistence-fork-enomem',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question:
        "The log says `Can't save in background: fork: Cannot allocate memory`. The host has 16 GB of RAM, Redis uses 10 GB, and `vm.overcommit_memory` is 0. What is going on, and what fixes it? (pick all that apply)",
      options: [
        {
          text: 'In its heuristic mode the kernel may refuse a fork that could in theory need another 10 GB, although copy-on-write means the child only copies the pages the parent changes',
          correct: true,
          why: 'fork() duplicates the address space lazily, but the kernel accounting can still reject the worst case up front.',
        },
        {
          text: 'Set `vm.overcommit_memory = 1` (Redis warns about it at startup) and keep RAM headroom for the pages that really get copied',
          correct: true,
          why: 'Mode 1 lets the fork through; the real cost is copy-on-write, which INFO persistence reports after each save (rdb_last_cow_size).',
        },
        {
          text: 'Raise maxmemory so that the child gets more memory',
          correct: false,
          why: 'maxmemory limits the dataset, not the kernel; raising it only makes the next fork bigger.',
        },
        {
          text: 'Replace the background saves by SAVE, which never forks, and keep running that way',
          correct: false,
          why: 'SAVE blocks every client for the whole dump; it is an emergency tool for when a fork is impossible, not a way to run.',
        },
      ],
      explanation:
        'BGSAVE and BGREWRITEAOF fork, and with vm.overcommit_memory 0 Linux may refuse the fork of a large process when free ' +
        'memory looks too small; the save fails and, with save points set, writes get MISCONF. Redis warns about this at ' +
        'startup (Redis 7 logs "Memory overcommit must be enabled!"), and the fix is vm.overcommit_memory = 1 in sysctl. The ' +
        'fork also pauses the main thread while the page tables are copied: INFO stats latest_fork_usec shows for how long.',
      proof: ['redis-cli INFO stats | grep latest_fork_usec', 'redis-cli INFO persistence | grep cow_size'],
      proofOn: 'shell',
    },
    {
      id: 'persistence-default-save-points',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question:
        'A Redis server (6.2 or later) starts with no `save` line in its config file, or with no config file at all. When does it write an RDB snapshot by itself?',
      options: [
        {
          text: 'After 3600 s if at least 1 key changed, after 300 s if at least 100 changed, after 60 s if at least 10000 changed',
          correct: true,
          why: 'That is the built-in default since 6.2: save "3600 1 300 100 60 10000".',
        },
        {
          text: 'After 900 s if 1 key changed, 300 s if 10 changed, 60 s if 10000 changed',
          correct: false,
          why: 'Those were the points of the redis.conf shipped before 6.2; many old config files still carry them.',
        },
        {
          text: 'Never: snapshots are off unless you configure them',
          correct: false,
          why: 'Only an explicit save "" turns them off; a missing save line means the defaults apply.',
        },
        {
          text: 'Every 60 seconds, whatever changed',
          correct: false,
          why: 'Every save point needs a minimum number of changes, so an idle server does not rewrite its file.',
        },
      ],
      explanation:
        'Each save point is a pair <seconds> <changes>, and whichever pair is satisfied first triggers a BGSAVE. CONFIG GET save ' +
        'shows the points in force; many launchers turn snapshots off (the private server redis-learn starts is run with ' +
        '--save "", so it replies with an empty string). A clean shutdown of a node with save points writes a final snapshot ' +
        'unless it is told SHUTDOWN NOSAVE.',
      proof: ['redis-server --port 6391 --daemonize yes', 'redis-cli -p 6391 CONFIG GET save'],
      proofOn: 'shell',
    },
    {
      id: 'persistence-stop-writes-default',
      kind: 'predict',
      level: 'beginner',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'With the default configuration, does Redis refuse writes after a failed background save? What does this reply?',
      commands: ['CONFIG GET stop-writes-on-bgsave-error'],
      answer: '1) "stop-writes-on-bgsave-error" 2) "yes"',
      explanation:
        'yes is the default: once a BGSAVE fails, and as long as save points are set, writes get MISCONF until a save ' +
        'succeeds. The refusal needs save points, so a server started with save "" (like the private server redis-learn ' +
        'starts) never answers MISCONF because of RDB, whatever this option says.',
    },
    {
      id: 'persistence-no-appendfsync-on-rewrite',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question:
        'Write latency jumps during every AOF rewrite, and a colleague proposes `no-appendfsync-on-rewrite yes`. What does it do? (pick all that apply)',
      options: [
        {
          text: 'While a BGSAVE or BGREWRITEAOF child runs, the parent still writes the AOF but stops calling fsync, so it no longer waits behind the busy disk',
          correct: true,
          why: "The child's heavy writes make fsync slow; skipping fsync keeps the main thread from stalling behind it.",
        },
        {
          text: "Its price: for as long as the child runs, durability falls to that of appendfsync no, so a power loss can take up to about 30 s of writes (Linux's default flush interval)",
          correct: true,
          why: 'The writes sit in the page cache but are not forced to the disk until the kernel flushes them or the child exits.',
        },
        {
          text: 'It stops writing the AOF during the rewrite and replays the writes afterwards',
          correct: false,
          why: 'Writes still go to the AOF (to the new incr file in 7.0); only fsync is skipped.',
        },
        {
          text: 'It is already the default, so the latency must come from somewhere else',
          correct: false,
          why: 'The default is no: Redis keeps fsyncing during rewrites and accepts the latency.',
        },
      ],
      explanation:
        'The option trades durability for latency exactly while a child process saturates the disk. Leave it at no when ' +
        'every second of writes matters; consider yes when stalls during rewrites hurt more than a wider loss window on power ' +
        'failure. A rising aof_delayed_fsync in INFO persistence shows how often fsync fell behind.',
      proof: ['CONFIG GET no-appendfsync-on-rewrite', 'CONFIG GET appendfsync'],
    },
    {
      id: 'persistence-aof-load-truncated',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question:
        'With the default configuration, may Redis start from an AOF whose last command was cut off by a crash? This setting decides; what does it reply?',
      commands: ['CONFIG GET aof-load-truncated'],
      answer: '1) "aof-load-truncated" 2) "yes"',
      explanation:
        'yes is the default: Redis loads everything up to the incomplete last command, logs "short read while loading the AOF", ' +
        'truncates the file there and starts. With no it refuses to start until the file is repaired with redis-check-aof ' +
        '--fix. Only a torn end is tolerated: invalid data in the middle stops the load with "Bad file format".',
      proof: ['CONFIG GET aof-load-truncated'],
    },
    {
      id: 'persistence-fork-time',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'Snapshots seem to freeze the server for a moment. With one command, find how long its last fork took.',
      setup: [],
      check: learnerReply('a reply that contains latest_fork_usec (INFO stats)', (reply) => {
        return typeof reply === 'string' && reply.includes('latest_fork_usec:');
      }),
      answer: ['INFO stats'],
      wrong: ['INFO persistence'],
      explanation:
        'latest_fork_usec in INFO stats is the duration of the last fork() in microseconds: the pause of the main thread while ' +
        'the page tables are copied, which grows with the memory size. INFO persistence describes the rest of the save ' +
        '(status, duration, copy-on-write size) but not the fork time. A server that never forked reports 0.',
      proof: ['INFO stats'],
    },
    {
      id: 'persistence-last-save-status',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'Writes fail with MISCONF. With one command, check whether the last background save failed.',
      setup: [],
      check: learnerReply('a reply that contains rdb_last_bgsave_status (INFO persistence)', (reply) => {
        return typeof reply === 'string' && reply.includes('rdb_last_bgsave_status:');
      }),
      answer: ['INFO persistence'],
      wrong: ['LASTSAVE'],
      explanation:
        'rdb_last_bgsave_status (ok or err) in INFO persistence is the flag MISCONF depends on, next to ' +
        'rdb_changes_since_last_save, the writes a crash would lose right now. LASTSAVE only returns the Unix time of the last ' +
        'successful save, so it cannot tell a failing save from a quiet server. Why the save failed is in the server log.',
      proof: ['INFO persistence', 'LASTSAVE'],
    },
    {
      id: 'persistence-everysec-delayed',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question:
        'With appendfsync everysec on a saturated disk, the log says "Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis." What is happening? (pick all that apply)',
      options: [
        {
          text: "The previous second's background fsync was still running, so Redis kept new AOF data in its own buffer for up to 2 seconds, then wrote it anyway",
          correct: true,
          why: 'A write(2) to a file that is being fsynced can block the main thread, so Redis postpones it, but not forever.',
        },
        {
          text: 'INFO persistence counts each of these events in aof_delayed_fsync',
          correct: true,
          why: 'A growing aof_delayed_fsync means the disk cannot keep up with everysec.',
        },
        {
          text: "During the postponement, acknowledged writes exist only in Redis' memory, so even a crash of the process can lose them",
          correct: true,
          why: 'Replies still go out while the write is postponed; normally the data reaches the kernel before the reply.',
        },
        {
          text: 'Redis switched to appendfsync always to catch up',
          correct: false,
          why: 'The policy never changes by itself; Redis only stops waiting and writes.',
        },
      ],
      explanation:
        'Under everysec a background thread fsyncs once per second. If that fsync has not finished when the next write is ' +
        'due, Redis holds the data for up to 2 seconds, then writes even though the write may block, logs this warning and ' +
        'counts it in aof_delayed_fsync. That is where the "up to about 2 seconds" loss window of everysec comes from; the ' +
        'cures are a faster or dedicated disk, or no-appendfsync-on-rewrite when it only happens during rewrites.',
      proof: ['CONFIG GET appendfsync', 'INFO persistence'],
    },
    {
      id: 'persistence-sigterm-failed-save',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'Save points are set, the disk is full, and a deploy script sends SIGTERM to Redis. The process does not exit. Why, and what are the ways out? (pick all that apply)',
      options: [
        {
          text: 'On SIGTERM a node with save points tries a final snapshot; when it fails, Redis logs "Error trying to save the DB, can\'t exit" and keeps running',
          correct: true,
          why: 'It refuses to throw away unsaved writes silently (checked on Redis 7.0: the process stays up and keeps serving).',
        },
        {
          text: 'Free some space and send SIGTERM again, or, if losing the writes since the last good save is acceptable, run `SHUTDOWN NOSAVE`',
          correct: true,
          why: 'NOSAVE skips the final snapshot, so whatever was not saved before is gone, by your decision.',
        },
        {
          text: '`SHUTDOWN FORCE` (7.0+) exits even though the final save fails',
          correct: true,
          why: 'FORCE ignores the errors that would otherwise cancel the shutdown; the log says "Error trying to save the DB. Exit anyway."',
        },
        {
          text: 'Redis is stuck in the kernel, and only kill -9 can stop it',
          correct: false,
          why: 'It is healthy and still answering; kill -9 loses the unsaved writes just like NOSAVE, without anyone deciding it.',
        },
      ],
      explanation:
        'A clean shutdown of a node with save points includes a final save, and when that save fails Redis cancels the ' +
        'shutdown rather than lose data. Supervisors that escalate to SIGKILL after a timeout then lose the unsaved writes ' +
        'anyway, so fix the disk first or choose NOSAVE explicitly. Redis 7.0 added the FORCE, NOW and ABORT options of ' +
        'SHUTDOWN and the shutdown-on-sigterm and shutdown-on-sigint settings that choose this behaviour for signals.',
      proof: ['redis-cli SHUTDOWN', 'redis-cli SHUTDOWN NOSAVE', 'redis-cli SHUTDOWN FORCE'],
      proofOn: 'shell',
    },
    {
      id: 'persistence-aof-recovery',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'After a power cut, a Redis 7 node with AOF refuses to start: "Bad file format reading the append only file". Walk through the recovery.',
      keyPoints: [
        'Copy the whole appendonlydir (and dump.rdb) somewhere safe before touching anything',
        'A torn last command alone would not stop it: with aof-load-truncated yes (the default) Redis drops the incomplete tail of the last file and starts',
        'Run redis-check-aof on the manifest (appendonlydir/appendonly.aof.manifest): it reports the offset of the first invalid command in each file',
        'redis-check-aof --fix cuts the file at that offset, so every write after the bad spot is lost too; look at what it would cut, and repair by hand if the damage is in the middle',
        'Find the cause (disk errors, a full disk: aof_last_write_status, the fsync policy), then BGREWRITEAOF once running and copy the files off the host',
      ],
      explanation:
        'A crash usually leaves only a torn tail, which Redis handles by itself; "Bad file format" means invalid data that ' +
        'needs redis-check-aof. Since 7.0 the tool takes the manifest and checks the base and every incr file. Interviewers ' +
        'listen for "copy first, then repair" and for knowing that --fix can throw away valid writes that follow the damage.',
    },
  ],
};
