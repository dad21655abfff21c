// Quiz topic: Cluster in operation.
import { custom, learnerReply } from '../../engine/checks.js';
import { keySlot } from '../../lab/cluster-client.js';
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'cluster-operations',
  title: 'Cluster in operation',
  intro:
    'Running Redis Cluster: the bus and gossip, node timeouts and epochs, manual and forced failovers, reads when the cluster is down, client topology refresh and MOVED storms, and proxies.',
  questions: [
    {
      id: 'cluster-operations-bus-port',
      kind: 'choice',
      level: 'intermediate',
      question:
        'A new cluster runs in containers. The firewall opens port 6379 between the nodes and to the clients, nothing else, and the nodes keep seeing each other as failing. Which statements explain it or fix it? (pick all that apply)',
      options: [
        {
          text: 'Nodes talk to each other over a second TCP port, the cluster bus: by default the client port + 10000 (16379 here), which must be open between all nodes',
          correct: true,
          why: 'The bus carries the binary PING/PONG gossip, failure reports, votes and config updates. With it blocked the nodes cannot complete their handshake, or, once joined, stop hearing from each other and flag each other PFAIL.',
        },
        {
          text: 'Behind NAT or port mapping, each node must announce an address and bus port the others can reach: cluster-announce-ip, cluster-announce-port and cluster-announce-bus-port',
          correct: true,
          why: 'Otherwise a node gossips the container-internal address it sees locally, and the others (and clients, through MOVED and CLUSTER SHARDS) try to reach an address that does not route.',
        },
        {
          text: 'Clients also need the bus port: they follow MOVED redirections over it',
          correct: false,
          why: "Clients only use the client port. MOVED and ASK name a node's client address; the bus is between nodes only.",
        },
        {
          text: 'The bus uses UDP multicast, so the containers must share a multicast-capable network',
          correct: false,
          why: 'The bus is plain point-to-point TCP, one link to each other node; there is no multicast.',
        },
      ],
      explanation:
        'Every cluster node listens on two ports: the client port and the cluster bus. Redis 7.0 added cluster-port to choose the ' +
        'bus port explicitly; its default 0 keeps the classic "client port + 10000". Port mapping (Docker bridge networks, ' +
        'Kubernetes without host networking) is the other classic trap: the announce-* settings make each node advertise the ' +
        'address others must use.',
      proof: ['CONFIG GET cluster-port', 'CONFIG GET cluster-announce-bus-port'],
      versions: 'Redis 3.0+ · Valkey 7.2+ (cluster-port: Redis 7.0+)',
    },
    {
      id: 'cluster-operations-cluster-port-default',
      kind: 'predict',
      level: 'intermediate',
      question: 'With the default configuration, what does this server report for the cluster bus port setting?',
      commands: ['CONFIG GET cluster-port'],
      answer: '1) "cluster-port" 2) "0"',
      explanation:
        '0 means "not set": a node in cluster mode then listens for the bus on its client port + 10000. cluster-port exists since ' +
        'Redis 7.0; before that the offset was the only choice. The setting is readable on any server, cluster mode or not, and ' +
        'it can only be chosen at startup.',
      proof: ['CONFIG GET cluster-port'],
      versions: 'Redis 7.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-gossip',
      kind: 'choice',
      level: 'advanced',
      question: 'What does a cluster node send in each PING or PONG on the cluster bus? (pick all that apply)',
      options: [
        {
          text: 'Its own state: node ID, currentEpoch and configEpoch, flags, replication offset, and a bitmap of the slots it serves',
          correct: true,
          why: 'The slot bitmap is 16384 bits, 2 KB in every header; that size is one reason the slot count stops at 16384 rather than 65536.',
        },
        {
          text: 'A gossip section about a few other nodes (about a tenth of the cluster, at least three, plus any it currently suspects), each with when it last pinged them and last heard back',
          correct: true,
          why: 'That is how failure reports (PFAIL) travel and how a node learns about nodes it has never talked to.',
        },
        {
          text: 'The full table of every node, as CLUSTER NODES prints it',
          correct: false,
          why: 'That would grow with the square of the cluster size on every ping; a random slice is enough for information to spread.',
        },
        {
          text: 'The keys written since the previous ping, so that other nodes can answer for them',
          correct: false,
          why: 'Data never travels on the bus (apart from PUBLISH messages); each primary sends its writes only to its own replicas over replication links.',
        },
      ],
      explanation:
        'Every second a node pings one node it picks among a few random ones (the one it heard from least recently), and it ' +
        "also pings any node it has not heard from for half the node timeout. Each packet carries the sender's own view plus " +
        'gossip about others, so slot ownership, epochs and failure reports reach everybody within a few rounds. The cost grows ' +
        'with the number of nodes, which is why clusters are recommended to stay at up to about a thousand nodes.',
      proof: ['CLUSTER NODES', 'CLUSTER INFO'],
      proofOn: 'cluster',
      versions: 'Redis 3.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-node-timeout-default',
      kind: 'predict',
      level: 'beginner',
      question:
        'With the default configuration, how long (and in which unit) must a cluster node stay unreachable before others suspect it?',
      commands: ['CONFIG GET cluster-node-timeout'],
      answer: '1) "cluster-node-timeout" 2) "15000"',
      explanation:
        'cluster-node-timeout is in milliseconds: 15 seconds by default. After it a node flags the silent one PFAIL; the failover ' +
        'comes later still (the FAIL agreement, then about a second of election delay). Lowering it speeds failover, but a node ' +
        'that stalls for longer than the timeout (a slow command, a fork on a big dataset, a network hiccup) then gets failed over ' +
        "for nothing. The project's cluster lesson uses 2000 ms so failures play out in seconds.",
      proof: ['CONFIG GET cluster-node-timeout'],
      versions: 'Redis 3.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-pfail-fail',
      kind: 'choice',
      level: 'advanced',
      question: 'Primary C stops answering. Which steps lead from suspicion to its replica taking over? (pick all that apply)',
      options: [
        {
          text: 'Each node that gets no PONG from C within cluster-node-timeout flags it PFAIL in its own view only',
          correct: true,
          why: "PFAIL is one node's opinion; it triggers nothing by itself.",
        },
        {
          text: 'Gossip carries the PFAIL reports; a node holding reports from a majority of the primaries (recent ones, within twice the node timeout) marks C FAIL and broadcasts a FAIL message every node accepts',
          correct: true,
          why: "Only primaries serving slots are counted, so the agreement is about the cluster's voting members.",
        },
        {
          text: "C's replica waits a short delay (500 ms plus up to 500 ms at random, plus a second per rank for replicas with less data), then asks the primaries for votes and needs a majority",
          correct: true,
          why: 'The rank delay lets the most up-to-date replica go first; the vote stops two replicas from both winning.',
        },
        {
          text: 'The first node to flag C PFAIL starts the failover at once, to keep downtime minimal',
          correct: false,
          why: "One node's view may just be its own network trouble; a majority of primaries must agree first.",
        },
        {
          text: 'Reports from replicas count toward the majority as well',
          correct: false,
          why: 'Failure reports are only taken from primaries; replicas can relay a FAIL but do not vote on it.',
        },
      ],
      explanation:
        'Detection takes at least cluster-node-timeout, then the FAIL agreement travels with gossip, then the election waits ' +
        "about a second and collects votes. On the lesson's cluster (node timeout 2000 ms) that whole sequence took a few " +
        'seconds; with the default 15 s, expect about 15 to 20 s of failed writes to that shard. CLUSTER NODES shows "fail?" for ' +
        'PFAIL and "fail" for FAIL.',
      proof: ['CLUSTER NODES', 'CLUSTER COUNT-FAILURE-REPORTS <node-id>'],
      proofOn: 'cluster',
      versions: 'Redis 3.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-epochs',
      kind: 'choice',
      level: 'advanced',
      question: 'Which statements about currentEpoch and configEpoch are true? (pick all that apply)',
      options: [
        {
          text: 'currentEpoch is a logical clock shared by the cluster: every node keeps the highest value it has seen, and a replica starting an election increments it; a primary votes at most once per epoch',
          correct: true,
          why: 'The one-vote-per-epoch rule is what makes two concurrent elections unable to both win.',
        },
        {
          text: 'The winner takes the new epoch as its configEpoch; when two nodes claim the same slot, the claim with the higher configEpoch wins',
          correct: true,
          why: 'That is why a failover must bump the epoch: when the old primary comes back still claiming its slots, its older configEpoch loses and it becomes a replica.',
        },
        {
          text: 'If two primaries end up with the same configEpoch, the one with the lexicographically smaller node ID takes a new, higher one',
          correct: true,
          why: 'Collision resolution makes configEpochs unique again, for example after resharding tools bumped epochs on several nodes.',
        },
        {
          text: 'Epochs are wall-clock timestamps, so the nodes must be kept in sync with NTP',
          correct: false,
          why: "They are counters; nothing in the ordering depends on the nodes' clocks.",
        },
        {
          text: 'When two nodes claim a slot, the one holding more keys of that slot keeps it',
          correct: false,
          why: 'Key counts play no part; only configEpoch decides, and the loser drops the slot with its keys.',
        },
      ],
      explanation:
        "configEpoch is the version of one primary's slot claims; currentEpoch is the highest version anyone has seen. A " +
        'failover, a manual takeover and CLUSTER SETSLOT … NODE during resharding all create a new configEpoch so that the ' +
        'new claim overrides the old one everywhere. CLUSTER INFO shows cluster_current_epoch and cluster_my_epoch.',
      proof: ['CLUSTER INFO', 'CLUSTER NODES'],
      proofOn: 'cluster',
      versions: 'Redis 3.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-manual-failover',
      kind: 'choice',
      level: 'advanced',
      question:
        'A healthy primary needs a kernel upgrade. You run `CLUSTER FAILOVER` (no option) on its replica. Which statements are true? (pick all that apply)',
      options: [
        {
          text: "The primary stops serving its clients' writes, sends its replication offset, and the replica waits to have processed the whole stream before the election, so no acknowledged write is lost",
          correct: true,
          why: 'That handshake is the difference from FORCE, which does not talk to the primary at all.',
        },
        {
          text: 'If the switch has not completed within 5 seconds it is abandoned and the primary resumes serving writes',
          correct: true,
          why: 'The manual failover timeout is fixed at 5000 ms; the pause never lasts longer.',
        },
        {
          text: 'It also works when the primary is already down',
          correct: false,
          why: 'The replica refuses with "Master is down or failed, please use CLUSTER FAILOVER FORCE".',
        },
        {
          text: 'It must be sent to the primary, which then hands its slots to a replica it chooses',
          correct: false,
          why: 'Sent to a primary it replies "You should send CLUSTER FAILOVER to a replica"; you pick the replica by where you send it.',
        },
      ],
      explanation:
        'The plain form is the planned, lossless switch: pause, catch up, election (the primaries vote even though the primary ' +
        'is not failed), then the old primary becomes a replica of the new one. Clients see a short pause and then MOVED to the ' +
        'new primary. It is the right tool for maintenance and upgrades: fail over each shard, upgrade the old primary, repeat.',
      proof: ['CLUSTER FAILOVER', 'ROLE', 'CLUSTER NODES'],
      proofOn: 'cluster',
      versions: 'Redis 3.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-takeover',
      kind: 'choice',
      level: 'advanced',
      question:
        'A datacentre that held a majority of the primaries is gone; their replicas in the surviving datacentre must serve now. Which command, run on each of those replicas, does it?',
      options: [
        {
          text: "`CLUSTER FAILOVER TAKEOVER`: no election at all; the replica gives itself a new configEpoch without consensus and claims its primary's slots",
          correct: true,
          why: "It is the only form that works without a majority of primaries. The risk: if the old primaries are still alive and reachable by some clients, both sides take writes, and when they meet again the higher configEpoch (the takeover's) wins, discarding the other side's writes.",
        },
        {
          text: '`CLUSTER FAILOVER FORCE`',
          correct: false,
          why: 'FORCE skips the handshake with the dead primary, but the replica still needs votes from a majority of primaries, which are in the lost datacentre: it never wins.',
        },
        {
          text: '`CLUSTER FAILOVER`',
          correct: false,
          why: 'The plain form needs the primary itself to pause and hand over; with the primary unreachable it is refused.',
        },
        {
          text: '`redis-cli --cluster fix`',
          correct: false,
          why: 'fix closes half-migrated slots and assigns uncovered slots to reachable nodes; it would not promote the replicas that hold the data.',
        },
      ],
      explanation:
        'The three forms skip progressively more: plain = handshake with the primary + vote; FORCE = vote only (primary down, ' +
        'majority up); TAKEOVER = neither (majority down). TAKEOVER bypasses the safety of the election, so use it only when ' +
        'you know the old primaries are really gone or fenced off, for example during a planned datacentre switch or disaster ' +
        'recovery.',
      proof: ['CLUSTER FAILOVER TAKEOVER', 'CLUSTER INFO'],
      proofOn: 'cluster',
      versions: 'Redis 3.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-full-coverage',
      kind: 'choice',
      level: 'intermediate',
      question:
        'One shard loses its primary and its only replica. With the default configuration, what do clients of the other, healthy shards see?',
      options: [
        {
          text: 'Errors too: every node answers `CLUSTERDOWN The cluster is down`, because some slots are no longer served',
          correct: true,
          why: 'cluster-require-full-coverage is yes by default: a cluster with any uncovered slot stops serving queries altogether.',
        },
        {
          text: 'Nothing changes for them; only keys of the lost slots fail',
          correct: false,
          why: 'That is the behaviour with cluster-require-full-coverage no, which you must choose explicitly.',
        },
        {
          text: 'The surviving primaries take over the lost slots, empty, after cluster-node-timeout',
          correct: false,
          why: 'Slots are never reassigned automatically to another shard; only a replica of the shard can take them over.',
        },
      ],
      explanation:
        'The default favours consistency: the application finds out loudly that part of its data is missing. With ' +
        'cluster-require-full-coverage no the cluster keeps serving the slots it still has, which suits caches and sharded ' +
        'data that is useful in part. Separately, cluster-allow-reads-when-down yes (Redis 6.0+) lets a node keep answering ' +
        'reads while the cluster is down.',
      proof: ['CLUSTER INFO', 'CONFIG GET cluster-require-full-coverage'],
      proofOn: 'cluster',
      versions: 'Redis 3.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-full-coverage-setting',
      kind: 'command',
      level: 'intermediate',
      question:
        'Before relying on it in a runbook, read the setting that decides whether a cluster with some slots unserved keeps answering for the slots it still has. One command.',
      setup: [],
      check: learnerReply('the value of cluster-require-full-coverage (CONFIG GET)', (reply, args) => {
        const isGet = String(args[0] ?? '').toUpperCase() === 'CONFIG' && String(args[1] ?? '').toUpperCase() === 'GET';
        return isGet && Array.isArray(reply) && reply.map(String).includes('cluster-require-full-coverage');
      }),
      answer: ['CONFIG GET cluster-require-full-coverage'],
      wrong: ['CONFIG GET cluster-allow-reads-when-down'],
      explanation:
        'cluster-require-full-coverage (yes by default) makes every node refuse queries while any slot is unserved; set to no, ' +
        'the nodes keep serving their own slots. cluster-allow-reads-when-down is a different switch: whether a node still ' +
        'answers reads once it considers the cluster down, whatever the reason. A runbook for a lost shard needs to know both.',
      proof: ['CONFIG GET cluster-require-full-coverage', 'CONFIG GET cluster-allow-reads-when-down'],
      versions: 'Redis 3.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-reads-when-down',
      kind: 'predict',
      level: 'intermediate',
      question: 'With the default configuration, may a cluster node answer reads while the cluster is marked down?',
      commands: ['CONFIG GET cluster-allow-reads-when-down'],
      answer: '1) "cluster-allow-reads-when-down" 2) "no"',
      explanation:
        'No by default: a node that sees the cluster as failed (slots uncovered, or itself on the minority side of a partition) ' +
        'refuses reads and writes with CLUSTERDOWN. With yes (Redis 6.0+) it still serves reads of the slots it owns and answers ' +
        'writes with "CLUSTERDOWN The cluster is down and only accepts read commands". The price is possibly stale data, for ' +
        'example on a node cut off from the majority while a replica on the other side was promoted.',
      proof: ['CONFIG GET cluster-allow-reads-when-down'],
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-replica-migration',
      kind: 'choice',
      level: 'advanced',
      question:
        "Primary A has two replicas, primaries B and C one each. B's replica dies for good. With the default configuration, what happens next?",
      options: [
        {
          text: "After a few seconds one of A's replicas reconfigures itself as a replica of B",
          correct: true,
          why: 'Replica migration: B is orphaned (no working replica), and A can give one away while keeping cluster-migration-barrier (1) replicas.',
        },
        {
          text: "C's replica moves to B",
          correct: false,
          why: 'C would be left with no replica, below the barrier of 1; only a primary with more than the barrier gives one away.',
        },
        {
          text: 'Nothing until an operator runs CLUSTER REPLICATE',
          correct: false,
          why: 'Migration is automatic while cluster-allow-replica-migration is yes (its default; the setting exists since Redis 6.2.2).',
        },
        {
          text: 'B demotes itself to a replica of A, to keep every primary protected',
          correct: false,
          why: 'Primaries never give up slots on their own; only replicas move.',
        },
      ],
      explanation:
        'Replica migration lets you buy spare replicas for the cluster as a whole rather than for every shard: attach them to ' +
        'any primary and they move to whichever primary loses its last replica. Raise cluster-migration-barrier to keep more ' +
        'replicas in place; set cluster-allow-replica-migration no to turn migration off.',
      proof: ['CONFIG GET cluster-migration-barrier', 'CONFIG GET cluster-allow-replica-migration'],
      versions: 'Redis 3.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-moved-storm',
      kind: 'choice',
      level: 'advanced',
      question:
        "Right after a failover, an application's latency spikes: thousands of MOVED replies and a burst of CLUSTER SLOTS calls hit the nodes. What should a well-behaved cluster client do? (pick all that apply)",
      options: [
        {
          text: 'On MOVED, retry that command at the address given, and schedule a single refresh of the whole slot map, rate-limited and shared by all connections',
          correct: true,
          why: 'One MOVED usually means many slots changed (a whole shard failed over); one refresh fixes them all.',
        },
        {
          text: 'Also refresh when a node stops answering, and periodically, since a dead primary sends no MOVED at all',
          correct: true,
          why: 'After a failover the old address just times out; waiting for MOVED from somewhere else delays recovery.',
        },
        {
          text: 'Fetch the full map again on every MOVED, from every thread, so that it is always fresh',
          correct: false,
          why: 'That is the storm: N concurrent requests each trigger a map download, loading the nodes exactly when they are recovering.',
        },
        {
          text: 'Retry on the same node until it accepts the command',
          correct: false,
          why: 'The node will keep answering MOVED: a cluster node never serves or proxies a slot it does not own.',
        },
      ],
      explanation:
        'A good client keeps one slot map, updates the single slot from MOVED at once, and refreshes the full topology in the ' +
        'background at most every so often (Lettuce calls this adaptive refresh with a rate limit). From Redis 7.0, CLUSTER SHARDS ' +
        'is the command to read the topology; CLUSTER SLOTS is deprecated but still answers. ASK is different: it is for one ' +
        'command during a migration and must not change the map.',
      proof: ['CLUSTER SHARDS', 'CLUSTER SLOTS'],
      proofOn: 'cluster',
      versions: 'Redis 3.0+ · Valkey 7.2+ (CLUSTER SHARDS: Redis 7.0+)',
    },
    {
      id: 'cluster-operations-shards-vs-slots',
      kind: 'choice',
      level: 'intermediate',
      question: 'Why did Redis 7.0 add CLUSTER SHARDS and deprecate CLUSTER SLOTS? (pick all that apply)',
      options: [
        {
          text: "SHARDS lists each shard once, with all its slot ranges and every node's role, health (online, failed, loading) and replication offset",
          correct: true,
          why: 'A client can skip a failed or loading replica without a second query.',
        },
        {
          text: 'SLOTS repeats the node list for every contiguous slot range, so a shard whose slots were moved around in many pieces gives a long, repetitive reply',
          correct: true,
          why: 'After many reshardings a shard can own hundreds of ranges; SHARDS names its nodes once.',
        },
        {
          text: 'CLUSTER SLOTS no longer answers on 7.0 and later',
          correct: false,
          why: 'It is deprecated, not removed: clients that only know SLOTS keep working.',
        },
        {
          text: 'SHARDS also returns the number of keys in each slot',
          correct: false,
          why: 'Key counts come from CLUSTER COUNTKEYSINSLOT (or CLUSTER SLOT-STATS in Valkey 8.0+ and Redis 8.2+).',
        },
      ],
      explanation:
        'Clients that support 7.0 read CLUSTER SHARDS and fall back to CLUSTER SLOTS on older servers. Both return addresses as ' +
        'the nodes announce them, so the announce-* settings matter for clients too. CLUSTER NODES is the raw text view ' +
        'operators read.',
      proof: ['CLUSTER SHARDS', 'CLUSTER SLOTS', 'CLUSTER NODES'],
      proofOn: 'cluster',
      versions: 'Redis 7.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-reshard-rebalance',
      kind: 'choice',
      level: 'intermediate',
      question: 'Which statements about `redis-cli --cluster reshard` and `rebalance` are true? (pick all that apply)',
      options: [
        {
          text: 'reshard moves a number of slots from the source nodes you name to one target, slot by slot, moving keys with MIGRATE in batches (10 keys per call by default, --cluster-pipeline)',
          correct: true,
          why: 'Clients keep working meanwhile: they get ASK for keys that already moved.',
        },
        {
          text: 'rebalance computes a fair slot count per primary (optionally weighted with --cluster-weight, with --cluster-use-empty-masters to fill new empty primaries) and only acts when a node is off by more than --cluster-threshold (2 % by default)',
          correct: true,
          why: 'The threshold avoids churning slots back and forth for tiny imbalances.',
        },
        {
          text: 'An interrupted run can leave slots marked migrating or importing; `redis-cli --cluster check` reports them and `--cluster fix` closes them',
          correct: true,
          why: 'Open slots keep answering ASK until someone finishes or rolls back the move.',
        },
        {
          text: 'Both copy the whole dataset of the source to the target first, then switch the slots in one step',
          correct: false,
          why: 'Keys move one batch at a time while the slot is half-migrated; there is no bulk copy.',
        },
      ],
      explanation:
        'Slot counts are not load: rebalance evens out the number of slots, not keys, memory or traffic, so a hot slot stays hot ' +
        'wherever it lands. A very large key blocks both nodes while MIGRATE serialises it, so find big keys before resharding. ' +
        'redis-cli --cluster exists since Redis 5.0 (redis-trib.rb before); Valkey ships the same as valkey-cli --cluster, and ' +
        'Valkey 9.0 and Redis 8.4 add atomic slot migration, which moves a whole slot in one operation.',
      proof: [
        'redis-cli --cluster reshard 127.0.0.1:7000 --cluster-from <source-id> --cluster-to <target-id> --cluster-slots 100 --cluster-yes',
        'redis-cli --cluster rebalance 127.0.0.1:7000 --cluster-use-empty-masters',
        'redis-cli --cluster check 127.0.0.1:7000',
      ],
      proofOn: 'shell',
      versions: 'Redis 5.0+ · Valkey 7.2+ (valkey-cli --cluster)',
    },
    {
      id: 'cluster-operations-hot-slot',
      kind: 'open',
      level: 'advanced',
      question:
        'One primary of a six-shard cluster runs at 100 % CPU while the others idle. How do you find the cause, and what can you do about it?',
      keyPoints: [
        'A slot never splits: the cause is a hot key or a hot hash tag (many busy keys sharing one {tag}), not "too many slots" on the node',
        'Find it: redis-cli --hotkeys (needs an LFU maxmemory-policy) and --bigkeys / --memkeys on that node, CLUSTER COUNTKEYSINSLOT, and CLUSTER SLOT-STATS ORDERBY cpu-usec (Valkey 8.0+, Redis 8.2+)',
        'Moving other slots away from the node helps only when the load is spread over several slots; the hot slot itself moves whole',
        'Fix a hot tag by tagging a smaller unit (a user, not a tenant); split a hot counter into N keys with different tags and sum on read',
        'Take read load off the primary: READONLY reads on replicas, or client-side caching for keys that rarely change',
      ],
      explanation:
        'Resharding balances slot counts, not load. The model answer first proves where the load sits (per-slot or per-key ' +
        'statistics, the slow log, key sizes), then changes the key design so that the load can spread, and only then moves ' +
        'slots. Replica reads and local caching help read-heavy hot keys; write-heavy ones must be split.',
      proof: ['redis-cli -p 7000 --hotkeys', 'redis-cli -p 7000 --bigkeys', 'redis-cli -p 7000 CLUSTER COUNTKEYSINSLOT 601'],
      proofOn: 'shell',
      versions: 'Redis 3.0+ · Valkey 7.2+ (CLUSTER SLOT-STATS: Valkey 8.0+, Redis 8.2+)',
    },
    {
      id: 'cluster-operations-split-hot-key',
      kind: 'command',
      level: 'advanced',
      question:
        'The page-view counter of page 1 is a single hot key. Create four sub-counters for it, each set to 0, named so that a cluster would put them in four different slots (one SET per key: in a cluster, one MSET over several slots would fail with CROSSSLOT).',
      setup: [],
      check: custom('four keys holding 0, in four different hash slots', async (ctx) => {
        // Only the keys the learner's own commands touched: the namespace may hold thousands of lesson keys.
        const zeros: string[] = [];
        for (const k of new Set(ctx.history.flatMap((c) => c.keys))) {
          if ((await ctx.unrecorded.type(k)) !== 'string') continue;
          if ((await ctx.unrecorded.get(k)) === '0') zeros.push(k);
        }
        const slots = new Set(zeros.map((k) => keySlot(k)));
        return {
          pass: zeros.length >= 4 && slots.size >= 4,
          actual: zeros.length
            ? `${zeros.length} keys at 0 in ${slots.size} slots: ${zeros.map((k) => `${k} (slot ${keySlot(k)})`).join(', ')}`
            : 'no key holding 0',
        };
      }),
      answer: ['SET {ns}{page:1:0}:views 0', 'SET {ns}{page:1:1}:views 0', 'SET {ns}{page:1:2}:views 0', 'SET {ns}{page:1:3}:views 0'],
      wrong: ['SET {ns}{page:1}:views:0 0', 'SET {ns}{page:1}:views:1 0', 'SET {ns}{page:1}:views:2 0', 'SET {ns}{page:1}:views:3 0'],
      explanation:
        'With {page:1:0} … {page:1:3} the hashed part differs, so the four keys land in four slots (15487, 11358, 7229 and 3100) ' +
        'and usually on different primaries. A writer INCRs one of them at random; a reader GETs all four and adds them up. ' +
        'Putting {page:1} around the common part would do the opposite: all four keys in one slot, on one node, exactly as hot ' +
        'as before. Leaving out braces altogether also spreads them, but the tag makes the spread independent of the prefix.',
      proof: ['SET {ns}{page:1:0}:views 0', 'INCR {ns}{page:1:0}:views', 'GET {ns}{page:1:0}:views'],
      versions: 'Redis 3.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-proxies',
      kind: 'choice',
      level: 'advanced',
      question:
        'Your team considers a proxy in front of a sharded Redis so applications can keep plain clients. Which statements are accurate? (pick all that apply)',
      options: [
        {
          text: 'A proxy adds a network hop and is one more tier to scale and make highly available; in exchange it hides MOVED and ASK from applications and pools connections, so each node holds far fewer of them',
          correct: true,
          why: "Thousands of application processes each connected to every node can exhaust the nodes' connection and memory budgets; a proxy tier fans them in.",
        },
        {
          text: 'twemproxy (nutcracker) does not speak the Redis Cluster protocol: it shards over independent Redis servers with its own hashing, and refuses commands such as MULTI/EXEC and SUBSCRIBE',
          correct: true,
          why: 'It predates Redis Cluster; resharding with it means rehashing keys yourself.',
        },
        {
          text: 'A proxy that splits MGET across shards keeps it atomic',
          correct: false,
          why: 'Each part runs on a different node at a slightly different moment; the combined reply is not a snapshot.',
        },
        {
          text: 'Redis Cluster Proxy (RedisLabs/redis-cluster-proxy) is the maintained, production-ready choice',
          correct: false,
          why: "It never left beta and has not been maintained for years; Envoy's Redis filter and predixy are maintained alternatives.",
        },
      ],
      explanation:
        "Envoy's Redis proxy can route to a Redis Cluster (reading the slot map, following redirections) or shard by itself, " +
        'and splits multi-key commands; predixy supports Sentinel and Cluster back ends with some limits on transactions. Any ' +
        "proxy narrows the command set (blocking commands, Pub/Sub, transactions and scripts vary) and sits on every request's " +
        'path. A cluster-aware client avoids the hop; a proxy is worth it when clients cannot be changed or connection counts ' +
        'explode.',
      versions: 'Redis 3.0+ · Valkey 7.2+ (third-party proxies)',
    },
    {
      id: 'cluster-operations-scripts-cluster',
      kind: 'choice',
      level: 'advanced',
      question:
        'A Lua script works on a single Redis but fails once the application moves to a cluster. Which causes are plausible? (pick all that apply)',
      options: [
        {
          text: 'It builds key names inside the script (from ARGV or by concatenation) instead of receiving them in KEYS, so it cannot be routed and the node refuses keys it does not serve',
          correct: true,
          why: 'The node answers "Script attempted to access a non local key in a cluster node". Every key must be declared so that client and server know the slot.',
        },
        {
          text: 'Its declared keys are in different slots: the call fails with CROSSSLOT, and a common hash tag fixes it',
          correct: true,
          why: 'A script runs on one node, atomically, so all its keys must sit in one slot, like MULTI/EXEC.',
        },
        {
          text: 'Lua scripting is disabled in cluster mode',
          correct: false,
          why: 'EVAL, EVALSHA and functions work in a cluster; the constraint is on the keys.',
        },
        {
          text: 'The script is flagged `#!lua flags=allow-cross-slot-keys`, so it may use keys of any node',
          correct: false,
          why: 'That flag (Redis 7.0+) only lets a script use keys of several slots that are all served by the node it runs on; keys elsewhere still fail, and a resharding can break it later.',
        },
      ],
      explanation:
        'In a cluster a script, a MULTI/EXEC block and a function call all run on one node and must keep their keys in one ' +
        'slot, passed as key arguments. EVALSHA also depends on the script cache of the node it reaches: after a failover or ' +
        'on a new node the client must be ready to fall back to EVAL; functions avoid that, but must be loaded on every primary.',
      proof: [
        'EVAL "return redis.call(\'GET\', KEYS[1])" 1 {ns}{user:42}:name',
        "EVAL \"redis.call('SET', KEYS[1], ARGV[1]); return redis.call('SET', KEYS[2], ARGV[1])\" 2 {ns}{user:42}:a {ns}{user:42}:b x",
      ],
      proofOn: 'cluster',
      versions: 'Redis 3.0+ · Valkey 7.2+ (script flags: Redis 7.0+)',
    },
    {
      id: 'cluster-operations-keyslot-standalone',
      kind: 'predict',
      level: 'intermediate',
      question: 'This server runs without cluster mode. What does CLUSTER KEYSLOT reply here?',
      commands: ['CLUSTER KEYSLOT {ns}{user:42}:cart'],
      answer: '(error) ERR This instance has cluster support disabled',
      explanation:
        'Almost every CLUSTER subcommand needs cluster-enabled yes, even a pure calculation like KEYSLOT. That is one reason ' +
        'cluster clients compute CRC16(key) mod 16384 themselves (besides saving a round trip per key). To check a key design ' +
        "without a cluster, compute the slot in code, or start a throwaway cluster as the project's cluster lab does.",
      proof: ['CLUSTER KEYSLOT {ns}{user:42}:cart', 'CLUSTER KEYSLOT {ns}{user:42}:orders'],
      proofOn: 'cluster',
      versions: 'Redis 3.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-readonly-standalone',
      kind: 'predict',
      level: 'advanced',
      question: 'READONLY lets a cluster client read from replicas. What does it reply on this standalone (non-cluster) server?',
      commands: ['READONLY'],
      answer: '(error) ERR This instance has cluster support disabled',
      answerOn: [{ server: 'Valkey', answer: 'OK' }],
      explanation:
        'On Redis READONLY and READWRITE are cluster-only and a standalone server refuses them. Valkey 8.0 accepts them in ' +
        'standalone mode too (answering OK here): together with CLIENT CAPA redirect, a standalone replica can send a ' +
        'redirect-aware client to its primary, unless the client has said READONLY. On a cluster replica, READONLY lets the ' +
        "connection read the slots of the replica's primary instead of getting MOVED; the reads may be slightly stale.",
      proof: ['READONLY', 'GET {ns}{user:42}:name', 'READWRITE'],
      proofOn: 'cluster',
      versions: 'Redis 3.0+ · Valkey 7.2 (Valkey 8.0+ answers OK)',
    },
    {
      id: 'cluster-operations-detect-mode',
      kind: 'command',
      level: 'intermediate',
      question: 'With one command that does not end in an error, find out whether this server runs in cluster mode.',
      setup: [],
      check: learnerReply('a reply that shows cluster_enabled (INFO) or cluster-enabled (CONFIG GET)', (reply, args) => {
        const name = String(args[0] ?? '').toUpperCase();
        if (name === 'INFO') return typeof reply === 'string' && reply.includes('cluster_enabled:');
        if (name === 'CONFIG' && String(args[1] ?? '').toUpperCase() === 'GET') {
          return Array.isArray(reply) && reply.map(String).includes('cluster-enabled');
        }
        return false;
      }),
      answer: ['INFO cluster'],
      wrong: ['CLUSTER INFO'],
      explanation:
        'INFO cluster answers everywhere: cluster_enabled:0 on a standalone server, 1 in a cluster. CONFIG GET cluster-enabled ' +
        'works too. CLUSTER INFO is the tempting answer, but on a standalone server it only replies "ERR This instance has ' +
        'cluster support disabled": clients that auto-detect the mode use INFO (or treat that error as "standalone").',
      proof: ['INFO cluster', 'CONFIG GET cluster-enabled'],
      versions: 'Redis 3.0+ · Valkey 7.2+',
    },
    {
      id: 'cluster-operations-pubsubshard-when-down',
      kind: 'predict',
      level: 'advanced',
      question:
        'With the default configuration, may a cluster node keep serving sharded Pub/Sub (SPUBLISH, SSUBSCRIBE) while the cluster is down?',
      commands: ['CONFIG GET cluster-allow-pubsubshard-when-down'],
      answer: '1) "cluster-allow-pubsubshard-when-down" 2) "yes"',
      explanation:
        'Yes by default (the setting came with sharded Pub/Sub in Redis 7.0): as long as a node believes it owns a shard ' +
        "channel's slot, SPUBLISH and SSUBSCRIBE keep working there even when the cluster state is fail. Key reads and writes, " +
        'by contrast, stop by default (cluster-allow-reads-when-down no). A shard channel is routed like a key: SPUBLISH sent to ' +
        'a node that does not own its slot gets MOVED.',
      proof: ['CONFIG GET cluster-allow-pubsubshard-when-down', 'SPUBLISH {ns}orders created'],
      versions: 'Redis 7.0+ · Valkey 7.2+',
    },
  ],
};
