// Quiz topic: Sentinel in operation — the failover timeline, replica choice, TILT, announce settings, quorum and majority, clients.
import { learnerReply } from '../../engine/checks.js';
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'sentinel-operations',
  title: 'Sentinel in operation',
  intro:
    'Running Sentinel in production: the failover timeline, TILT mode, announce-ip behind NAT and containers, quorum and majority, and what clients must do.',
  questions: [
    {
      id: 'sentinel-operations-failover-timeline',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'The primary is killed. In which order does the leading Sentinel publish its events?',
      options: [
        {
          text: '+sdown → +odown → +try-failover → +elected-leader → +selected-slave → +promoted-slave → +slave-reconf-sent / -inprog / -done → +failover-end → +switch-master',
          correct: true,
          why: 'Detect alone, agree, get elected, choose, promote, repoint the other replicas, announce.',
        },
        {
          text: '+odown → +sdown → +elected-leader → +selected-slave → +promoted-slave → +switch-master',
          correct: false,
          why: 'Each Sentinel first decides on its own (SDOWN); ODOWN needs the quorum of those opinions.',
        },
        {
          text: '+sdown → +elected-leader → +odown → +selected-slave → +promoted-slave → +switch-master',
          correct: false,
          why: 'An election only starts once the primary is ODOWN: the quorum comes before the vote.',
        },
        {
          text: '+sdown → +odown → +switch-master → +selected-slave → +promoted-slave → +failover-end',
          correct: false,
          why: '+switch-master announces a new primary, so it comes after a replica has been promoted.',
        },
      ],
      explanation:
        'Measured on this machine with Redis 7.0.15, three Sentinels, quorum 2, `down-after-milliseconds 2000` and ' +
        '`failover-timeout 10000` (times after the SIGKILL): +sdown at 2.04–2.14 s, +odown "#quorum 2/2" at 2.17 s, votes at ' +
        '2.18 s, +elected-leader at 2.28 s, +selected-slave at 2.34 s, +promoted-slave at 2.75 s, +slave-reconf-done at 3.80 s, ' +
        '+failover-end and +switch-master at 3.89 s. The two other Sentinels published +switch-master already at 2.77 s, as ' +
        'soon as the leader’s hello carried the new configuration (+config-update-from). With the default ' +
        '`down-after-milliseconds` of 30 s expect about 31–34 s. `failover-timeout` (3 minutes by default) bounds the ' +
        'reconfiguration and spaces retries: the Sentinels that lost the vote logged "I will not start a failover before" a ' +
        'time 2 × failover-timeout later. `parallel-syncs` (default 1) sets how many replicas resync with the new primary at once.',
      proof: ['redis-cli -p 26379 PSUBSCRIBE *', 'redis-cli -p 26379 SENTINEL MASTER mymaster'],
      proofOn: 'shell',
    },
    {
      id: 'sentinel-operations-quorum-one',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'Three Sentinels watch a primary. Someone sets quorum 1 on Sentinel S1 "so that failover is faster". S1 alone loses sight of the primary for a moment; S2 and S3 still see it healthy. What can happen?',
      options: [
        {
          text: 'S1 reaches ODOWN on its own, starts an election, and S2 and S3 vote for it: a healthy primary is failed over',
          correct: true,
          why: 'A vote authorises a leader for an epoch; the voter does not require that it sees the primary down itself.',
        },
        {
          text: 'Nothing: S2 and S3 refuse to vote because they see the primary up',
          correct: false,
          why: 'They report that they do not see it down, but they still grant their vote to the first candidate of the epoch.',
        },
        {
          text: 'S1 fails over without asking anyone, since its quorum of 1 is reached',
          correct: false,
          why: 'The quorum only lets S1 reach ODOWN alone; it still needs a majority of votes (2 of 3) to act.',
        },
        {
          text: 'The failover waits until S2 and S3 also see the primary down for down-after-milliseconds',
          correct: false,
          why: 'That is what a quorum of 2 would require; with 1, S1’s own opinion is enough to start.',
        },
      ],
      explanation:
        'Measured on Redis 7.0.15: with quorum 1 and `down-after-milliseconds 500` on S1 only, a healthy primary paused for ' +
        '1.3 s was failed over. S2 and S3 logged "+vote-for-leader <S1’s id> 3" without ever logging +sdown for the primary, ' +
        'and S1 promoted a replica. In the source, SENTINEL is-master-down-by-addr replies with the voter’s own down opinion ' +
        'and, separately, its vote; the candidate needs a majority of votes and at least the quorum. So the quorum is the ' +
        'guard against false positives: set it to a majority of the Sentinels (2 of 3), and keep down-after-milliseconds ' +
        'above the pauses your primaries can have (fork, AOF fsync, VM stalls).',
      proof: ['SENTINEL SET mymaster quorum 2', 'SENTINEL CKQUORUM mymaster'],
      proofOn: 'sentinel',
    },
    {
      id: 'sentinel-operations-replica-choice',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'The primary is ODOWN. Replicas: R1 priority 100, offset 9,000; R2 priority 50, offset 8,000; R3 priority 0, offset 9,500; R4 priority 50, offset 8,000, which has not answered Sentinel for 40 s. Which one does Sentinel promote?',
      options: [
        {
          text: 'R2',
          correct: true,
          why: 'R3 (priority 0) and R4 (not answering) are filtered out; among the rest the lowest priority wins, before the offset is even looked at.',
        },
        {
          text: 'R3, because it has the most data',
          correct: false,
          why: 'Priority 0 means never promote, whatever the offset.',
        },
        {
          text: 'R1, because the replication offset counts before the priority',
          correct: false,
          why: 'The priority is compared first; the offset only breaks ties between equal priorities.',
        },
        {
          text: 'R4, which ties with R2 and wins on the smaller run id',
          correct: false,
          why: 'R4 never reaches the sort: a replica that has not answered pings for 5 s is excluded.',
        },
      ],
      explanation:
        'Sentinel first drops replicas that are SDOWN or ODOWN, disconnected, silent to pings for more than 5 s, with priority ' +
        '0, with INFO older than 5 s (while the primary is down), or whose link to the primary has been down for longer than ' +
        '10 × down-after-milliseconds plus the time the primary has been down. It sorts the rest by `replica-priority` ' +
        '(lower first), then by replication offset (higher first), then by run id (lexicographically smaller). Priorities ' +
        'win over data: here R2 is promoted with 1,000 bytes less than R1, and those writes are lost. Measured on Redis ' +
        '7.0.15: a replica with priority 10 was selected over one with priority 100 at the same offset.',
      proof: ['SENTINEL REPLICAS mymaster'],
      proofOn: 'sentinel',
    },
    {
      id: 'sentinel-operations-priority-default',
      kind: 'predict',
      level: 'beginner',
      versions: 'Redis 5.0+ (slave-priority before) · Valkey 7.2+',
      question: 'With the default configuration, what priority does a replica report for Sentinel’s choice of a new primary?',
      commands: ['CONFIG GET replica-priority'],
      answer: '1) "replica-priority" 2) "100"',
      explanation:
        'Every node reports 100 unless told otherwise; a replica shows it as `slave_priority` in INFO replication, which is ' +
        'where Sentinel reads it. Lower is preferred and 0 means never promote, for a replica on a small machine or in a ' +
        'remote zone. Set it in the replica’s config file (or CONFIG SET then CONFIG REWRITE) so that it survives a restart. ' +
        'Redis 8.0.2 and Valkey 8.1.1 reply the same.',
      proof: ['CONFIG GET replica-priority', 'INFO replication'],
    },
    {
      id: 'sentinel-operations-replica-announced',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question:
        'With the default configuration, does Sentinel list this node among the replicas it reports to clients when it is a replica?',
      commands: ['CONFIG GET replica-announced'],
      answer: '1) "replica-announced" 2) "yes"',
      explanation:
        'Yes. A replica with `replica-announced no` is left out of `SENTINEL REPLICAS` and so is not offered to clients that ' +
        'read from replicas; useful for a backup or analytics replica. It does not stop Sentinel from promoting it: only ' +
        '`replica-priority 0` does. The two settings are often confused in reviews. Redis 8.0.2 and Valkey 8.1.1 reply the same.',
      proof: ['CONFIG GET replica-announced', 'CONFIG GET replica-priority'],
    },
    {
      id: 'sentinel-operations-tilt',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'A Sentinel logs `+tilt #tilt mode entered` after its VM froze for a few seconds. Which statements about TILT are true?',
      options: [
        {
          text: 'Sentinel saw that the time between two runs of its timer (normally about 100 ms) was negative or above 2 s, so it cannot trust the timeouts it measured',
          correct: true,
          why: 'A stalled process or a clock jump makes every "no reply for N ms" meaningless.',
        },
        {
          text: 'For 30 s (restarted if the clock misbehaves again) it keeps monitoring but acts on nothing: no SDOWN or ODOWN, no failover, no reconfiguration, and it tells other Sentinels the primary is not down',
          correct: true,
          why: 'It still collects state and still answers vote requests, so the rest of the Sentinels can work.',
        },
        {
          text: 'TILT starts when Sentinels disagree about whether the primary is down',
          correct: false,
          why: 'Disagreement is normal and handled by the quorum; TILT is about this Sentinel’s own clock.',
        },
        {
          text: 'It lasts until an operator runs SENTINEL RESET',
          correct: false,
          why: 'It ends by itself once 30 s pass with a sane clock (+tilt is followed by -tilt).',
        },
        {
          text: 'During TILT the Sentinel makes the primary read-only to be safe',
          correct: false,
          why: 'Sentinel never changes a primary’s writability; in TILT it changes nothing at all.',
        },
      ],
      explanation:
        'Measured on Redis 7.0.15: a Sentinel paused (SIGSTOP) for 3 s logged +tilt on waking and INFO sentinel showed ' +
        '`sentinel_tilt:1` and `sentinel_tilt_since_seconds:0` (the second field exists since 7.0). `SENTINEL DEBUG` (7.0+) lists ' +
        '`TILT-TRIGGER 2000` and `TILT-PERIOD 30000`. Causes: a frozen or live-migrated VM, CPU steal, swapping, an ' +
        'overloaded host, or a clock stepped by hand or by NTP. One TILT after maintenance is harmless; frequent TILTs mean ' +
        'the Sentinel’s host is unhealthy, and a Sentinel in TILT is one fewer for detecting a real failure.',
      proof: ['INFO sentinel', 'SENTINEL DEBUG'],
      proofOn: 'sentinel',
    },
    {
      id: 'sentinel-operations-announce-nat',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 6.2+ (hostnames) · Valkey 7.2+; announce-ip is older',
      question:
        'Sentinels and Redis nodes run in Docker containers on a bridge network with published (remapped) ports. Sentinels list each other at 172.17.x addresses, and clients are handed addresses they cannot reach. Which fixes are right?',
      options: [
        {
          text: 'Run the containers with host networking, so the addresses and ports the processes see are the ones others use',
          correct: true,
          why: 'Sentinel’s auto-discovery reports what it sees locally; with no translation in between, that is right.',
        },
        {
          text: 'On each Sentinel, `sentinel announce-ip <reachable address>` and `sentinel announce-port <published port>`: that is what it advertises in its hello messages',
          correct: true,
          why: 'Other Sentinels learn each other only through those hellos on `__sentinel__:hello`.',
        },
        {
          text: 'On each replica, `replica-announce-ip` and `replica-announce-port`: the primary shows that address in INFO replication, where Sentinel discovers replicas and finds the address it later gives to clients',
          correct: true,
          why: 'Otherwise the primary reports the source address of the replica’s connection, the one NAT rewrote.',
        },
        {
          text: 'With DNS names (Kubernetes services), `sentinel resolve-hostnames yes` and `sentinel announce-hostnames yes`',
          correct: true,
          why: 'The first lets Sentinel accept hostnames instead of IPs; the second makes it hand out hostnames, which survive a pod getting a new IP.',
        },
        {
          text: '`bind 0.0.0.0` on the Sentinels',
          correct: false,
          why: 'That changes where a Sentinel listens, not the address it announces.',
        },
      ],
      explanation:
        'Sentinel is built on auto-discovery: replicas come from the primary’s INFO, other Sentinels from hello messages. ' +
        'Address or port translation (NAT, Docker port mapping) breaks both, because each process announces the address it ' +
        'sees itself. The announce settings override what is announced; resolve-hostnames and announce-hostnames (6.2+) can ' +
        'be changed at runtime with `SENTINEL CONFIG SET`. Measured on Redis 7.0.15: `SENTINEL CONFIG GET *` shows ' +
        '`resolve-hostnames no`, `announce-hostnames no`, an empty `announce-ip` and `announce-port 0`.',
      proof: ['SENTINEL CONFIG GET *', 'SENTINEL SENTINELS mymaster'],
      proofOn: 'sentinel',
    },
    {
      id: 'sentinel-operations-replica-announce-ip',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 5.0+ (slave-announce-ip from 4.0) · Valkey 7.2+',
      question: 'With the default configuration, which address does this node tell its primary to report for it when it is a replica?',
      commands: ['CONFIG GET replica-announce-ip'],
      answer: '1) "replica-announce-ip" 2) ""',
      explanation:
        'Empty: the replica announces nothing, and the primary reports the source address of the replica’s connection in ' +
        'INFO replication (`slave0:ip=…,port=…`). Behind NAT or a container bridge that address is the translated one, and ' +
        'Sentinel, which discovers replicas from that line, would hand it to clients after a failover. Set ' +
        '`replica-announce-ip` (and `replica-announce-port`, 0 here, meaning the real port) to an address everyone can reach. ' +
        'Redis 8.0.2 and Valkey 8.1.1 reply the same.',
      proof: ['CONFIG GET replica-announce-ip', 'CONFIG GET replica-announce-port'],
    },
    {
      id: 'sentinel-operations-two-machines',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'Two machines: A runs the primary and Sentinel S1, B runs the replica and Sentinel S2, with quorum 1. Machine A loses power. What happens?',
      options: [
        {
          text: 'No failover: S2 reaches ODOWN alone (quorum 1) but is one vote out of two Sentinels, not a majority, so it is never authorised',
          correct: true,
          why: 'The majority is counted over every Sentinel S2 knows, dead ones included.',
        },
        {
          text: 'S2 promotes the replica, since the quorum of 1 is reached',
          correct: false,
          why: 'The quorum only detects; acting needs a majority of votes.',
        },
        {
          text: 'S2 promotes the replica, because the only surviving Sentinel is a majority of the survivors',
          correct: false,
          why: 'Sentinels do not count survivors: S1 is still one of the two voters S2 knows.',
        },
        {
          text: 'Setting quorum 2 would fix it',
          correct: false,
          why: 'With quorum 2 and one Sentinel left, S2 cannot even reach ODOWN.',
        },
      ],
      explanation:
        'A failover needs a majority of all known Sentinels, so two Sentinels tolerate no failure at all, and a Sentinel on ' +
        'the primary’s machine dies with it. Run at least three Sentinels on machines (or zones) that fail independently, ' +
        'for example one beside each application server: three tolerate one loss, five tolerate two. `SENTINEL CKQUORUM ' +
        'mymaster` checks that enough Sentinels are reachable for both the quorum and the majority; measured on Redis ' +
        '7.0.15 it answers "OK 3 usable Sentinels. Quorum and failover authorization can be reached", and with a quorum of ' +
        '4 set on three Sentinels "NOQUORUM 3 usable Sentinels. Not enough available Sentinels to reach the specified quorum ' +
        'for this master".',
      proof: ['SENTINEL CKQUORUM mymaster', 'SENTINEL MASTER mymaster'],
      proofOn: 'sentinel',
    },
    {
      id: 'sentinel-operations-client-protocol',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.8.12+ · Valkey 7.2+',
      question: 'What should a Sentinel-aware client library do to find and follow the primary?',
      options: [
        {
          text: 'Ask the Sentinels in its list, one after another with a short timeout each, `SENTINEL get-master-addr-by-name mymaster`',
          correct: true,
          why: 'A hung or partitioned Sentinel must not stall the client: it moves on to the next one.',
        },
        {
          text: 'After connecting, send ROLE and keep the connection only if the node says `master`; otherwise ask again',
          correct: true,
          why: 'A Sentinel can be behind or on the wrong side of a partition; ROLE checks the answer at the source.',
        },
        {
          text: 'Subscribe to `+switch-master` on a Sentinel, and reconnect through Sentinel when it arrives, on a dropped connection, or on a READONLY error',
          correct: true,
          why: 'The message is `<name> <old-ip> <old-port> <new-ip> <new-port>`; errors catch what the subscription misses.',
        },
        {
          text: 'Cache the first answer: the primary only changes when an operator reconfigures the client',
          correct: false,
          why: 'Sentinel changes the primary on its own; a client with a fixed address keeps writing to the old one.',
        },
        {
          text: 'Send writes to a Sentinel, which forwards them to the primary',
          correct: false,
          why: 'Sentinel is a discovery and failover service, never a proxy.',
        },
      ],
      explanation:
        'Sentinel helps clients notice: when it reconfigures a node it sends MULTI, REPLICAOF, CONFIG REWRITE, CLIENT KILL ' +
        'TYPE normal, CLIENT KILL TYPE pubsub and EXEC (Redis 7.0.15 source), so clients connected to a node that changed ' +
        'role are disconnected and ask again. Measured on this machine: "+switch-master mymaster 127.0.0.1 7721 127.0.0.1 ' +
        '7723". ioredis (sentinels + name), redis-py (Sentinel.master_for), Jedis (JedisSentinelPool) and Lettuce implement ' +
        'this protocol; a plain client pointed at a fixed IP does not.',
      proof: ['SENTINEL GET-MASTER-ADDR-BY-NAME mymaster', 'SENTINEL MASTERS'],
      proofOn: 'sentinel',
    },
    {
      id: 'sentinel-operations-role-check',
      kind: 'command',
      level: 'beginner',
      versions: 'Redis 2.8.12+ · Valkey 7.2+',
      question:
        'You have just connected to the address a Sentinel gave you. Check, with the short command client libraries use for it, that this node really is a primary.',
      setup: [],
      check: learnerReply(
        'a ROLE reply whose first element is "master"',
        (reply, args) => String(args[0] ?? '').toUpperCase() === 'ROLE' && Array.isArray(reply) && String(reply[0]) === 'master',
      ),
      answer: ['ROLE'],
      wrong: ['INFO server'],
      explanation:
        'ROLE answers in a few bytes: `master`, the offset and the replicas on a primary; `slave`, the primary’s address, ' +
        'the link state and the offset on a replica. Unlike INFO it needs no parsing of text sections, and it is allowed ' +
        'while a replica is loading. The Sentinel client guidelines ask for exactly this check after every connection ' +
        'obtained from a Sentinel.',
      proof: ['ROLE'],
    },
    {
      id: 'sentinel-operations-replica-discovery',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'A Sentinel is configured with the primary’s address only, and finds the replicas in a report the primary gives it every 10 seconds. Show that report here (this server has no replicas, so its list is empty).',
      setup: [],
      check: learnerReply(
        'a reply showing connected_slaves (INFO or INFO replication)',
        (reply) => typeof reply === 'string' && reply.includes('connected_slaves:'),
      ),
      answer: ['INFO replication'],
      wrong: ['CLIENT LIST'],
      explanation:
        'Sentinel sends INFO to the primary every 10 s and reads one `slaveN:ip=…,port=…,state=…,offset=…,lag=…` line per ' +
        'replica; then it connects to each replica and reads its own INFO (every 10 s, every second once the primary is ' +
        'ODOWN or a failover runs) for `slave_priority`, `slave_repl_offset` and `master_link_down_since_seconds`, which ' +
        'feed the choice of a new primary. Other Sentinels are found differently: through hello messages on ' +
        '`__sentinel__:hello` every 2 s. ' +
        'Nobody configures the list of replicas or Sentinels.',
      proof: ['INFO replication'],
    },
    {
      id: 'sentinel-operations-old-primary-returns',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'After a failover, the old primary comes back. Which statements are true?',
      options: [
        {
          text: 'Sentinel converts it into a replica of the new primary (+convert-to-slave) a few seconds after it reappears; the writes it took on its own are discarded by the resync',
          correct: true,
          why: 'Until then it is a second primary: clients with a stale address can still write to it, and lose those writes.',
        },
        {
          text: 'If a primary without persistence is restarted automatically and comes back empty before Sentinel declares it down, its replicas resync from it and the whole dataset is lost',
          correct: true,
          why: 'No failover happened, so the replicas follow their primary: an empty one. Either persist, or do not restart it automatically.',
        },
        {
          text: 'Sentinel merges the keys it wrote meanwhile into the new primary',
          correct: false,
          why: 'Redis has no merge of diverged histories; the new primary’s history wins.',
        },
        {
          text: 'It stays a primary, and Sentinel spreads writes over both',
          correct: false,
          why: 'Sentinel keeps exactly one primary per master name and never routes traffic.',
        },
      ],
      explanation:
        'Measured on Redis 7.0.15: the old primary restarted, Sentinels logged -sdown for it (now listed as a replica), and ' +
        '10 s later +convert-to-slave; it then followed the new primary. The bounded way to limit what an isolated primary ' +
        'accepts is `min-replicas-to-write 1` with `min-replicas-max-lag 10`: cut off from its replicas, it refuses writes ' +
        'after about 10 s. The empty-restart case is why the Redis docs warn against auto-restarting a primary that has ' +
        'persistence off.',
      proof: ['SENTINEL REPLICAS mymaster', 'ROLE'],
      proofOn: 'sentinel',
    },
    {
      id: 'sentinel-operations-min-replicas-default',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 5.0+ (min-slaves-to-write from 2.8) · Valkey 7.2+',
      question: 'With the default configuration, how many replicas must have acknowledged recently for this primary to accept writes?',
      commands: ['CONFIG GET min-replicas-to-write'],
      answer: '1) "min-replicas-to-write" 2) "0"',
      explanation:
        'Zero: the guard is off, so a primary cut off by a partition accepts writes for as long as the partition lasts, and a ' +
        'failover on the other side discards them all when it rejoins. The Sentinel documentation’s example sets ' +
        '`min-replicas-to-write 1` and `min-replicas-max-lag 10` on the primaries (and on the replicas, which may be ' +
        'promoted). The cost is availability: without a healthy replica, writes get NOREPLICAS. Redis 8.0.2 and Valkey 8.1.1 ' +
        'reply the same.',
      proof: ['CONFIG GET min-replicas-to-write', 'CONFIG GET min-replicas-max-lag'],
    },
    {
      id: 'sentinel-operations-max-lag-default',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 5.0+ (min-slaves-max-lag from 2.8) · Valkey 7.2+',
      question:
        'With the default configuration, once `min-replicas-to-write` is turned on, within how many seconds must a replica have acknowledged to count?',
      commands: ['CONFIG GET min-replicas-max-lag'],
      answer: '1) "min-replicas-max-lag" 2) "10"',
      explanation:
        'Ten seconds. Replicas acknowledge every second, so a healthy one is always within the limit; an isolated primary ' +
        'stops accepting writes about 10 s after it last heard from enough replicas. That bounds the writes lost in a split ' +
        'brain to roughly those seconds; it does not remove the loss. Shorter lags bound it tighter but refuse writes on ' +
        'brief network hiccups. Redis 8.0.2 and Valkey 8.1.1 reply the same.',
      proof: ['CONFIG GET min-replicas-max-lag'],
    },
    {
      id: 'sentinel-operations-config-rewrite',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question: 'After a failover, what does Sentinel persist, and where?',
      options: [
        {
          text: 'It rewrites its own config file: `sentinel monitor` now names the new primary, with the epochs, its `myid`, and `known-replica` / `known-sentinel` lines',
          correct: true,
          why: 'A restarted Sentinel comes back with the current view instead of the address it was first given.',
        },
        {
          text: 'It makes each reconfigured data node run CONFIG REWRITE right after REPLICAOF, so the node keeps its new role in its own config file',
          correct: true,
          why: 'Otherwise a restarted node would come back with its old replicaof line, or none.',
        },
        {
          text: 'It refuses to start without a writable config file',
          correct: true,
          why: 'The file is its memory: state that could not be saved would be lost on restart.',
        },
        {
          text: 'Nothing: Sentinel keeps its state in memory and rebuilds it from the primary at start',
          correct: false,
          why: 'It starts from its file; with the original address it might even follow a demoted node.',
        },
        {
          text: 'Copying a running Sentinel’s file, `myid` line included, is a safe way to add a Sentinel',
          correct: false,
          why: 'Two Sentinels with one ID ignore each other’s hellos, and the others see one Sentinel that keeps changing address; drop the `myid` and known-* lines and let the new one generate its own.',
        },
      ],
      explanation:
        'Measured on Redis 7.0.15: after a failover from port 7721 to 7723, each Sentinel’s file said `sentinel monitor ' +
        'mymaster 127.0.0.1 7723 2` under "# Generated by CONFIG REWRITE", with `sentinel myid`, `config-epoch`, ' +
        '`leader-epoch`, `current-epoch`, two `known-replica` and two `known-sentinel` lines. Configuration management that ' +
        'rewrites sentinel.conf from a template on every run fights Sentinel and can reset it to an old primary.',
      proof: ['SENTINEL MASTER mymaster', 'SENTINEL FLUSHCONFIG'],
      proofOn: 'sentinel',
    },
    {
      id: 'sentinel-operations-reset',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'You decommission one of five Sentinels for good, and retire a replica. What must you do so that the remaining Sentinels stop counting them?',
      options: [
        {
          text: 'Stop them, then run `SENTINEL RESET mymaster` on each remaining Sentinel, one at a time about 30 s apart, and check `num-other-sentinels` and `num-slaves` in SENTINEL MASTER',
          correct: true,
          why: 'RESET forgets the replicas and Sentinels it knew and rediscovers the ones that still exist.',
        },
        {
          text: 'Until then the others still count the gone Sentinel among the voters, so the majority stays 3 of 5 with only 4 alive',
          correct: true,
          why: 'Sentinels never forget a peer on their own, which is what makes the majority safe during partitions.',
        },
        {
          text: 'Nothing: Sentinels drop peers whose hello messages stop',
          correct: false,
          why: 'A silent Sentinel may be partitioned, not gone; forgetting it would shrink the majority.',
        },
        {
          text: 'Run `SENTINEL REMOVE mymaster` on the others',
          correct: false,
          why: 'REMOVE stops monitoring the master altogether.',
        },
      ],
      explanation:
        'Measured on Redis 7.0.15: `SENTINEL RESET mymaster` answered (integer) 1 (the number of masters matched); ' +
        'SENTINEL MASTER then showed `num-other-sentinels 0` and `num-slaves 0`, back to 2 and 2 within about 3 s (hellos ' +
        'every 2 s) and 10 s (INFO every 10 s). Spacing the resets lets each Sentinel rediscover the others before the next ' +
        'one forgets them. A retired replica is also remembered (and reported as down) until a reset. RESET also aborts a ' +
        'failover in progress, so never run it during one.',
      proof: ['SENTINEL RESET mymaster', 'SENTINEL MASTER mymaster'],
      proofOn: 'sentinel',
    },
    {
      id: 'sentinel-operations-manual-failover',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.8+ · Valkey 7.2+',
      question:
        'Planned maintenance on the primary’s machine: you want a replica promoted now, with all Sentinels and clients following. Which statements are true?',
      options: [
        {
          text: '`SENTINEL FAILOVER mymaster` on any one Sentinel promotes a replica at once, without ODOWN or a vote, and the others adopt the result because it carries a newer epoch',
          correct: true,
          why: 'It is a forced failover; agreement is not needed because nothing is suspected to be down.',
        },
        {
          text: 'It answers `NOGOODSLAVE No suitable replica to promote` when every replica is excluded, for example all at priority 0',
          correct: true,
          why: 'Measured on Redis 7.0.15 with both replicas at priority 0; after raising one to 100 the same command answered OK.',
        },
        {
          text: '`REPLICAOF NO ONE` on the chosen replica does the same thing',
          correct: false,
          why: 'The Sentinels did not decide it: they still name the old primary and will convert the self-promoted node back into a replica.',
        },
        {
          text: 'It pauses writes on the old primary and waits for the replica to catch up, so no write can be lost',
          correct: false,
          why: 'Sentinel does not pause the old primary; writes it accepts before it is reconfigured are lost. The FAILOVER command (Redis 6.2+, without Sentinel) is the one that pauses and waits.',
        },
      ],
      explanation:
        'Measured on Redis 7.0.15: SENTINEL FAILOVER replied OK immediately and the Sentinel logged +new-epoch, ' +
        '+try-failover, +selected-slave and the promotion within about 1 s; the other Sentinels followed. Check afterwards ' +
        'with `SENTINEL get-master-addr-by-name` on every Sentinel. To keep a replica out of such a choice, give it ' +
        '`replica-priority 0`; to prefer one, give it the lowest priority.',
      proof: ['SENTINEL FAILOVER mymaster', 'SENTINEL GET-MASTER-ADDR-BY-NAME mymaster'],
      proofOn: 'sentinel',
    },
    {
      id: 'sentinel-operations-design',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'Design a Sentinel deployment for a primary and two replicas across three availability zones, and say what the application and monitoring must do.',
      keyPoints: [
        'Three (or five) Sentinels, one per zone, not only on the Redis machines; quorum 2 (a majority)',
        'down-after-milliseconds above the longest normal stall (fork, fsync, GC of the VM), failover-timeout and parallel-syncs chosen deliberately',
        'replica-priority to steer promotion (0 for a replica that must never lead), announce settings if NAT or containers are involved',
        'min-replicas-to-write 1 / min-replicas-max-lag 10 on every data node to bound split-brain loss; persistence on, no blind auto-restart of an empty primary',
        'Sentinel-aware clients: ask several Sentinels with timeouts, verify ROLE, follow +switch-master, retry on READONLY',
        'Monitor CKQUORUM, TILT, +sdown/+odown/+switch-master events and replica lag; rehearse failovers with SENTINEL FAILOVER',
      ],
      explanation:
        'The answer should separate detection (quorum, down-after) from authorisation (majority), place Sentinels so one ' +
        'zone failure leaves a majority, state that asynchronous replication still loses the last writes and how to bound ' +
        'that, and make clients part of the design: Sentinel only publishes the new address, clients must act on it.',
    },
  ],
};
