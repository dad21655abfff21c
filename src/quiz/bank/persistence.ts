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
          why: 'Since 7.0 Redis turns THP off for its own process when the kernel has it on "always" (disable-thp yes, the default); older versions only log a warning.',
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
  ],
};
