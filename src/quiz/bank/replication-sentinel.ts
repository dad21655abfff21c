// Quiz topic: asynchronous replication, partial resync, WAIT, Sentinel failover and where writes get lost.
import { all, custom, stringEquals } from '../../engine/checks.js';
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'replication-sentinel',
  title: 'Replication and Sentinel',
  intro:
    'A Redis primary streams its writes to replicas asynchronously; replicas serve reads and stand by for failover. ' +
    'Sentinel watches the primary, agrees with other Sentinels that it is down, promotes a replica and tells clients the ' +
    'new address. Interviewers focus on the consequences of "asynchronous": which acknowledged writes can be lost, what ' +
    'WAIT and min-replicas-to-write do and do not guarantee, and how quorum and majority prevent (most) split brains.',
  questions: [
    {
      id: 'replication-sentinel-async',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'A client gets OK for a SET from the primary. Is the write on the replicas at that moment?',
      options: [
        {
          text: 'Not necessarily: the primary replies first and streams the write to replicas afterwards',
          correct: true,
          why: 'Replication is asynchronous, so a replica may be a few milliseconds (or more) behind.',
        },
        {
          text: 'Yes, the primary waits for every replica to acknowledge before replying',
          correct: false,
          why: 'That would be synchronous replication, which Redis does not do by default.',
        },
        {
          text: 'Yes, if at least one replica is connected',
          correct: false,
          why: 'Connected replicas still receive the write after the reply.',
        },
      ],
      explanation:
        'Asynchronous replication keeps write latency low but means a failover can promote a replica that missed the last ' +
        'writes. Replicas report their processed offset once per second (REPLCONF ACK), which is how the primary knows ' +
        'how far behind they are. WAIT lets a client ask for acknowledgments when it needs them.',
      proof: ['INFO replication'],
    },
    {
      id: 'replication-sentinel-psync',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question: 'A replica loses its link for 10 seconds and reconnects. What decides between a partial and a full resynchronisation?',
      options: [
        {
          text: 'The replica sends PSYNC with its replication ID and offset; if the primary knows that ID and the missing bytes are still in its backlog, it sends just those bytes',
          correct: true,
          why: 'Otherwise the primary answers FULLRESYNC and ships a new RDB snapshot.',
        },
        {
          text: 'Redis always performs a full resync after a disconnection',
          correct: false,
          why: 'Partial resync has existed since 2.8 and survives restarts and failovers since 4.0 (PSYNC2).',
        },
        {
          text: 'The replica compares key checksums with the primary and fetches the differing keys',
          correct: false,
          why: 'Redis replicates a byte stream of commands, not key digests.',
        },
      ],
      explanation:
        'The primary keeps the most recent part of the replication stream in a circular backlog (repl-backlog-size, 1 MB by ' +
        'default in Redis, 10 MB in Valkey 8). A replica whose offset is still covered gets a partial resync; if the gap is larger, it needs a full ' +
        'sync, which is expensive for both sides. Size the backlog for your write rate times the longest outage you want to ' +
        'survive cheaply.',
      proof: ['CONFIG GET repl-backlog-size', 'INFO replication'],
    },
    {
      id: 'replication-sentinel-wait',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'What does `WAIT 1 100` after a write give you?',
      options: [
        {
          text: "It blocks until at least one replica acknowledged all of this client's previous writes, or 100 ms pass, and returns how many replicas did",
          correct: true,
          why: 'The client learns how far its writes have propagated and decides what to do with that.',
        },
        {
          text: 'It makes the write synchronous: if no replica acknowledges, the write is rolled back',
          correct: false,
          why: 'Nothing is rolled back; the write stays on the primary whatever WAIT returns.',
        },
        {
          text: 'It guarantees the write survives any failover',
          correct: false,
          why: 'Sentinel may still promote a replica that had not acknowledged it; WAIT lowers the risk, it does not remove it.',
        },
        {
          text: "It waits until the write is fsynced on the replica's disk",
          correct: false,
          why: 'WAIT counts replicas that received the write in memory; WAITAOF (Redis 7.2+) waits for fsync.',
        },
      ],
      explanation:
        'WAIT numreplicas timeout (milliseconds) makes replication "synchronous on demand" for the writes that matter. It ' +
        'returns the number of replicas that acknowledged, even when the timeout expires; a timeout of 0 waits forever. ' +
        'Redis stays an AP-leaning system: WAIT reduces the loss window but is not a consensus protocol.',
      proof: ['SET {ns}order:1 paid', 'WAIT 1 100'],
    },
    {
      id: 'replication-sentinel-min-replicas',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question: 'A primary has `min-replicas-to-write 1` and `min-replicas-max-lag 10`. What does that do?',
      options: [
        {
          text: 'The primary refuses writes (NOREPLICAS error) when fewer than 1 replica has acknowledged within the last 10 seconds',
          correct: true,
          why: 'A primary cut off from all its replicas stops taking writes after about 10 seconds.',
        },
        {
          text: 'Every write waits for one replica before the reply',
          correct: false,
          why: 'Writes stay asynchronous; the setting only checks recent replica acknowledgments.',
        },
        {
          text: 'It guarantees no acknowledged write is ever lost',
          correct: false,
          why: 'Writes in the last few seconds before the cut-off can still be lost on failover.',
        },
      ],
      explanation:
        'The option bounds how long an isolated primary keeps accepting writes that will be discarded once a replica is ' +
        'promoted elsewhere. The trade-off is availability: if replicas are down, writes fail. The default is 0 (disabled).',
      proof: ['CONFIG GET min-replicas-to-write', 'CONFIG GET min-replicas-max-lag'],
    },
    {
      id: 'replication-sentinel-quorum',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'You run 5 Sentinels with quorum 2 for a primary. What is needed for a failover to happen?',
      options: [
        {
          text: '2 Sentinels must agree the primary is down (ODOWN), and then one Sentinel must be elected leader by a majority, 3 of 5',
          correct: true,
          why: 'Quorum only controls failure detection; authorising the failover always needs a majority.',
        },
        {
          text: 'Any 2 Sentinels can fail over on their own',
          correct: false,
          why: 'A minority partition with 2 Sentinels cannot get the majority vote needed to start a failover.',
        },
        {
          text: 'All 5 Sentinels must agree',
          correct: false,
          why: 'Requiring everyone would make failover impossible whenever one Sentinel is down.',
        },
      ],
      explanation:
        'Each Sentinel marks the primary subjectively down (SDOWN) after down-after-milliseconds; when quorum Sentinels ' +
        'agree it becomes objectively down (ODOWN). A leader is then elected by a majority of all Sentinels and performs ' +
        'the failover. Run at least three Sentinels on independent machines.',
      proof: ['SENTINEL CKQUORUM mymaster', 'SENTINEL MASTER mymaster'],
      proofOn: 'sentinel',
    },
    {
      id: 'replication-sentinel-client-discovery',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'How does a Sentinel-aware client find the current primary?',
      options: [
        {
          text: 'It asks a Sentinel with SENTINEL GET-MASTER-ADDR-BY-NAME, connects there, and reconnects through Sentinel after a failover',
          correct: true,
          why: 'Clients can also subscribe to +switch-master on a Sentinel, and verify the role with ROLE after connecting.',
        },
        {
          text: 'All traffic goes through a Sentinel, which proxies it to the primary',
          correct: false,
          why: 'Sentinel is a discovery and failover service, not a proxy.',
        },
        {
          text: 'It connects to any node; replicas forward writes to the primary',
          correct: false,
          why: 'Replicas reject writes with a READONLY error; they do not forward.',
        },
      ],
      explanation:
        'Clients are configured with the Sentinel addresses and a service name, never a fixed primary address. On errors ' +
        'such as READONLY or a dropped connection they ask Sentinel again. This is why libraries such as ioredis take a ' +
        'sentinels option.',
      proof: ['SENTINEL GET-MASTER-ADDR-BY-NAME mymaster', 'ROLE'],
      proofOn: 'sentinel',
    },
    {
      id: 'replication-sentinel-split-brain',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'A network partition isolates the old primary with a few application servers; on the majority side Sentinel promotes a replica. When the partition heals, what happens to writes the old primary accepted meanwhile?',
      options: [
        {
          text: 'They are lost: the old primary is reconfigured as a replica of the new one and resyncs, discarding them',
          correct: true,
          why: "There is no merge; the new primary's history wins.",
        },
        {
          text: 'They are merged into the new primary',
          correct: false,
          why: 'Redis has no conflict resolution between diverged primaries.',
        },
        {
          text: 'The new primary is demoted because the old one has more data',
          correct: false,
          why: 'Sentinel follows its configuration epoch, not data volume.',
        },
      ],
      explanation:
        'During a partition two primaries can accept writes; the isolated one loses its writes when it rejoins. ' +
        'min-replicas-to-write limits that window to roughly min-replicas-max-lag seconds, because the isolated primary ' +
        'stops accepting writes once it no longer hears from any replica.',
    },
    {
      id: 'replication-sentinel-replica-writes',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question: 'An application accidentally sends `SET k v` to a replica with the default configuration. What happens?',
      options: [
        {
          text: 'It gets the error "READONLY You can\'t write against a read only replica."',
          correct: true,
          why: 'replica-read-only yes is the default.',
        },
        {
          text: 'The replica forwards the write to its primary',
          correct: false,
          why: 'Redis replicas never forward commands.',
        },
        {
          text: 'The write succeeds and is copied back to the primary',
          correct: false,
          why: 'Replication is one-way, primary to replicas.',
        },
      ],
      explanation:
        'Replicas are read-only by default so they cannot diverge from the primary. Even with replica-read-only no, local ' +
        'writes are not propagated and are discarded on the next full resync. Clients seeing READONLY usually have a stale ' +
        'idea of which node is primary, typically after a failover.',
      proof: ['CONFIG GET replica-read-only'],
    },
    {
      id: 'replication-sentinel-wait-standalone',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'This server has no replicas. After a write, what does WAIT for one replica with a 100 ms timeout reply?',
      commands: ['SET {ns}order:1 paid', 'WAIT 1 100'],
      answer: '(integer) 0',
      explanation:
        "WAIT returns the number of replicas that acknowledged the client's writes when either enough replicas did or the " +
        'timeout expired. With no replica it waits the full 100 ms and returns 0; the write itself still succeeded on the ' +
        'primary, so the application must decide what 0 means for it.',
    },
    {
      id: 'replication-sentinel-backlog-size',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 2.8+ (1 MB) · Valkey 7.2 (1 MB) · Valkey 8.0+ (10 MB)',
      question: 'With the default configuration, how big is the replication backlog used for partial resyncs?',
      commands: ['CONFIG GET repl-backlog-size'],
      answer: '1) "repl-backlog-size" 2) "1048576"',
      answerOn: [{ server: 'Valkey', answer: '1) "repl-backlog-size" 2) "10485760"' }],
      explanation:
        "Redis's default backlog is 1 MB (Valkey 8 raised its default to 10 MB), which covers only seconds of downtime on a busy primary. A replica that falls " +
        'further behind needs a full resync, so production setups often raise it to hundreds of MB. The backlog is ' +
        'allocated once the first replica connects.',
    },
    {
      id: 'replication-sentinel-wait-cmd',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question:
        'Record the payment: set `{ns}payment:7` to captured, then ask Redis to wait up to 200 ms for at least one replica to acknowledge it. (This server has no replica, so the wait will report 0.)',
      setup: [],
      check: all(
        stringEquals('payment:7', 'captured'),
        custom('a WAIT for at least 1 replica with a timeout of 1..5000 ms', (ctx) => {
          const w = ctx.history.find((c) => String(c.args[0]).toUpperCase() === 'WAIT');
          if (!w) return Promise.resolve({ pass: false, actual: 'no WAIT command' });
          const replicas = Number(w.args[1]);
          const timeout = Number(w.args[2]);
          return Promise.resolve({
            pass: replicas >= 1 && timeout >= 1 && timeout <= 5000,
            actual: `WAIT ${replicas} ${timeout}`,
          });
        }),
      ),
      answer: ['SET {ns}payment:7 captured', 'WAIT 1 200'],
      wrong: ['SET {ns}payment:7 captured', 'WAIT 0 200'],
      explanation:
        'WAIT takes the number of replicas first and the timeout in milliseconds second. WAIT 0 returns immediately and ' +
        'proves nothing; WAIT 1 0 would block forever on a server without replicas, so always give a timeout.',
      proof: ['SET {ns}payment:7 captured', 'WAIT 1 200'],
    },
    {
      id: 'replication-sentinel-lost-writes',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'In a primary + 2 replicas + 3 Sentinels deployment, how can acknowledged writes be lost, and how do you reduce the risk?',
      keyPoints: [
        'Asynchronous replication: the primary fails before replicas received the last writes, and a replica is promoted',
        'Partition: an isolated primary keeps accepting writes that are discarded when it rejoins as a replica',
        'Mitigate with min-replicas-to-write / min-replicas-max-lag to stop an isolated primary',
        'Use WAIT for critical writes (and WAITAOF in 7.2+ for fsync on replicas) and accept the latency',
        'Persistence on the primary and no automatic restart of an empty primary',
        'Design idempotent writes or keep the source of truth in a durable database',
      ],
      explanation:
        'The expected answer names both failure modes (lag at failover, split brain) and their mitigations. It should also ' +
        'admit that Redis with Sentinel cannot guarantee zero loss, only shrink the window.',
    },
    {
      id: 'replication-sentinel-read-replicas',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 3.2+ · Valkey 7.2+',
      question: 'You send reads to replicas to scale. What consistency problems appear and how do you deal with them?',
      keyPoints: [
        'Replicas lag: a client may not read its own write right after making it',
        'Route read-your-writes paths to the primary, or WAIT after the write',
        'Monitor lag (master_repl_offset vs replica offset, master_last_io_seconds_ago) and take lagging replicas out of rotation',
        'During a full resync a replica may serve stale data (replica-serve-stale-data) or refuse reads',
        'Replicas hide logically expired keys on reads but depend on the primary to delete them',
      ],
      explanation:
        'Replica reads trade freshness for throughput. Good answers show where staleness is acceptable (catalogue pages) ' +
        "and where it is not (a user's just-updated profile), and how to route accordingly.",
    },
  ],
};
