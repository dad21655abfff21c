// Quiz topic: Redis Cluster: hash slots, hash tags, redirections, resharding, failover and multi-key limits.
import { all, custom, learnerUsed } from '../../engine/checks.js';
import type { Topic } from '../types.js';

/** The part of a key Redis Cluster hashes: the first non-empty {…} section, else the whole key. */
function hashTag(key: string): string | null {
  const open = key.indexOf('{');
  if (open < 0) return null;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return null;
  return key.slice(open + 1, close);
}

export const topic: Topic = {
  id: 'cluster',
  title: 'Redis Cluster',
  intro:
    'Redis Cluster shards the keyspace over several primaries, each with its own replicas. Every key maps to one of 16384 ' +
    'hash slots and every slot belongs to one primary; clients learn the slot map and are redirected with MOVED or ASK ' +
    'when they are wrong. Interview questions cover how keys are placed, how to keep related keys together with hash ' +
    'tags, why multi-key commands fail across slots, what happens during resharding and failover, and the cluster-only ' +
    'details such as database 0 and sharded Pub/Sub.',
  questions: [
    {
      id: 'cluster-hash-slots',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'How does Redis Cluster decide which node stores a key?',
      options: [
        {
          text: 'It computes CRC16(key) mod 16384 to get a hash slot; each primary owns a set of slots',
          correct: true,
          why: 'Slots, not keys, are assigned to nodes, so moving a slot moves all its keys.',
        },
        {
          text: 'A consistent-hashing ring with virtual nodes',
          correct: false,
          why: 'That is how some client-side sharding libraries work; Redis Cluster uses fixed hash slots.',
        },
        {
          text: 'hash(key) mod the number of nodes',
          correct: false,
          why: 'Adding a node would then move almost every key; fixed slots avoid that.',
        },
        {
          text: 'A central directory server records the location of each key',
          correct: false,
          why: 'There is no central component; nodes gossip the slot map over the cluster bus.',
        },
      ],
      explanation:
        'There are exactly 16384 slots. CLUSTER KEYSLOT shows the slot of a key, and CLUSTER SHARDS (7.0+) or CLUSTER SLOTS ' +
        'shows which node owns which range. Smart clients cache this map and send each command straight to the right node.',
      proof: ['CLUSTER KEYSLOT user:42', 'CLUSTER SHARDS'],
      proofOn: 'cluster',
    },
    {
      id: 'cluster-hash-tags',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'Which pairs of keys are guaranteed to be in the same hash slot? (pick all that apply)',
      options: [
        {
          text: '`{user:42}:cart` and `{user:42}:orders`',
          correct: true,
          why: 'Only the text inside the first {…}, user:42, is hashed.',
        },
        {
          text: '`cart:{42}` and `orders:{42}`',
          correct: true,
          why: 'The tag can be anywhere in the key; both hash "42".',
        },
        {
          text: '`user:42:cart` and `user:42:orders`',
          correct: false,
          why: 'Without braces the whole key is hashed, so the slots are unrelated.',
        },
        {
          text: '`{}:cart` and `{}:orders`',
          correct: false,
          why: 'An empty tag is ignored and the whole key is hashed.',
        },
      ],
      explanation:
        'If a key contains a "{" followed later by a "}" with at least one character between them, only that first section ' +
        'is hashed. Hash tags let multi-key commands, transactions and scripts work on related keys, but too many keys under ' +
        'one tag create a hot or oversized slot.',
      proof: ['CLUSTER KEYSLOT {user:42}:cart', 'CLUSTER KEYSLOT {user:42}:orders'],
      proofOn: 'cluster',
    },
    {
      id: 'cluster-moved-vs-ask',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'What is the difference between a MOVED and an ASK redirection?',
      options: [
        {
          text: 'MOVED: the slot now lives on another node, update the slot map. ASK: the slot is being migrated, send only this request to the target, preceded by ASKING, and keep the map',
          correct: true,
          why: 'ASK is temporary and per-request; MOVED is permanent.',
        },
        {
          text: 'MOVED is for reads and ASK is for writes',
          correct: false,
          why: 'Both apply to any command; they differ in permanence.',
        },
        {
          text: 'The node proxies the command to the right node and tells the client afterwards',
          correct: false,
          why: 'Redis Cluster never proxies; the client must resend.',
        },
      ],
      explanation:
        'During a slot migration the source node answers ASK for keys it no longer has, because they may already be on the ' +
        'target. The client sends ASKING then the command to the target, just once. When the migration completes, the slot ' +
        'owner changes and clients get MOVED and refresh their map.',
    },
    {
      id: 'cluster-crossslot',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'In a cluster, `MGET user:1 user:2` fails. Why, and what is the fix?',
      options: [
        {
          text: 'The keys are in different slots (CROSSSLOT error); use a hash tag like {users}:1 or send one GET per key, pipelined',
          correct: true,
          why: 'Multi-key commands require all keys in one slot, even if both slots happen to be on the same node.',
        },
        {
          text: 'MGET is not supported in cluster mode',
          correct: false,
          why: 'It works when all keys share a slot.',
        },
        {
          text: 'The node gathers the keys from other nodes, but times out',
          correct: false,
          why: 'Nodes do not fetch keys for clients.',
        },
      ],
      explanation:
        'The error reads "CROSSSLOT Keys in request don\'t hash to the same slot". The same rule applies to MSET, SUNION, ' +
        'LMOVE (which replaces RPOPLPUSH, deprecated since 6.2), MULTI/EXEC and Lua scripts. Some clients split MGET per ' +
        'slot for you, but that is no longer atomic.',
    },
    {
      id: 'cluster-db-zero',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 3.0+ · Valkey 7.2–8.x (Valkey 9.0 allows numbered databases in cluster mode)',
      question: 'An application that uses `SELECT 3` moves to Redis Cluster. What happens?',
      options: [
        {
          text: 'SELECT with a non-zero index fails: a cluster only has database 0',
          correct: true,
          why: 'Use key prefixes (or separate clusters) instead of numbered databases.',
        },
        {
          text: 'Each database number maps to a different shard',
          correct: false,
          why: 'Sharding is by hash slot only; databases do not exist in cluster mode.',
        },
        {
          text: 'It works as on a standalone server',
          correct: false,
          why: 'Redis Cluster (and Valkey before 9.0) supports only database 0.',
        },
      ],
      explanation:
        'Redis Cluster supports a single keyspace, database 0. Code that relies on SELECT, MOVE or SWAPDB must switch to ' +
        'prefixes in key names. This is a common migration blocker worth checking early. Valkey 9.0 is the exception: its ' +
        'clusters can be given numbered databases (cluster-databases).',
    },
    {
      id: 'cluster-sharded-pubsub',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'Why did Redis 7.0 add sharded Pub/Sub (SSUBSCRIBE, SPUBLISH)?',
      options: [
        {
          text: 'Classic PUBLISH is broadcast to every node of the cluster; sharded channels map to a slot and stay within that shard',
          correct: true,
          why: 'Broadcasting over the cluster bus limits Pub/Sub throughput as the cluster grows.',
        },
        {
          text: 'So that messages are stored until subscribers read them',
          correct: false,
          why: 'Sharded Pub/Sub is still fire-and-forget; use Streams for durable messages.',
        },
        {
          text: 'Because PUBLISH does not work in cluster mode',
          correct: false,
          why: 'It works, but every message is copied to every node.',
        },
      ],
      explanation:
        'A shard channel is hashed like a key, so SPUBLISH goes to the primary owning that slot and is delivered to ' +
        'subscribers on that primary and its replicas. Subscribers connect to the right shard with SSUBSCRIBE. This makes ' +
        'Pub/Sub scale horizontally with the cluster.',
      proof: ['SPUBLISH {ns}orders created', 'PUBSUB SHARDNUMSUB {ns}orders'],
    },
    {
      id: 'cluster-failover',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'A primary in a cluster crashes. What happens to its slots? (pick all that apply)',
      options: [
        {
          text: 'Other primaries mark it FAIL once a majority of them agree it is unreachable',
          correct: true,
          why: 'Nodes gossip PFAIL reports; a majority of primaries turns PFAIL into FAIL.',
        },
        {
          text: 'One of its replicas is elected by a majority of primaries and takes over its slots',
          correct: true,
          why: 'Failover is built into the cluster; no Sentinel is needed.',
        },
        {
          text: 'Without a replica its slots are uncovered and, by default, the whole cluster stops serving queries',
          correct: true,
          why: 'cluster-require-full-coverage yes is the default; set it to no to keep serving the other slots.',
        },
        {
          text: 'Its keys are redistributed to the remaining primaries automatically',
          correct: false,
          why: "Data only moves when you reshard; a failed primary's data lives on in its replicas or nowhere.",
        },
      ],
      explanation:
        'Each shard needs at least one replica for automatic failover, and the cluster needs a majority of primaries ' +
        'reachable to make decisions. Replica migration can move a spare replica to an orphaned primary. Like Sentinel ' +
        'setups, failover can lose the last asynchronously replicated writes.',
      proof: ['CLUSTER NODES', 'CONFIG GET cluster-require-full-coverage'],
      proofOn: 'cluster',
    },
    {
      id: 'cluster-spublish',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'Nobody subscribes to this shard channel. What does SPUBLISH reply (it also works on a standalone Redis 7)?',
      commands: ['SPUBLISH {ns}orders created'],
      answer: '(integer) 0',
      explanation:
        'Like PUBLISH, SPUBLISH (Redis 7.0+) returns the number of clients that received the message, here 0, and the ' +
        "message is gone. In a cluster the count only covers subscribers of the shard that owns the channel's slot.",
      proof: ['SPUBLISH {ns}orders created'],
    },
    {
      id: 'cluster-hash-tag-mset',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question:
        'User 42 has a name (Ada) and an email (ada@example.com). In one MSET, store them as two string keys under `{ns}` whose names share a hash tag, so they would land in the same slot in a cluster.',
      setup: [],
      check: all(
        learnerUsed('MSET', 'MSETNX'),
        custom('two keys holding Ada and ada@example.com with the same non-empty hash tag', async (ctx) => {
          // Only the keys the learner's own commands touched: the namespace may hold thousands of lesson keys.
          const found = new Map<string, string>();
          for (const k of new Set(ctx.history.flatMap((c) => c.keys))) {
            if ((await ctx.unrecorded.type(k)) !== 'string') continue;
            const v = await ctx.unrecorded.get(k);
            if (v === 'Ada' || v === 'ada@example.com') found.set(v, k);
          }
          const nameKey = found.get('Ada');
          const mailKey = found.get('ada@example.com');
          if (!nameKey || !mailKey) return { pass: false, actual: 'the two values were not both stored' };
          const a = hashTag(nameKey);
          const b = hashTag(mailKey);
          return {
            pass: a !== null && a === b,
            actual: `${nameKey} (tag ${a ?? 'none'}), ${mailKey} (tag ${b ?? 'none'})`,
          };
        }),
      ),
      answer: ['MSET {ns}{user:42}:name Ada {ns}{user:42}:email ada@example.com'],
      wrong: ['MSET {ns}user:42:name Ada {ns}user:42:email ada@example.com'],
      explanation:
        'With the tag {user:42} both keys hash to the slot of "user:42", so MSET, MGET, transactions and scripts over them ' +
        'work in a cluster. Without braces the two keys would almost certainly fall in different slots and the MSET would ' +
        'fail with CROSSSLOT.',
      proof: ['MSET {ns}{user:42}:name Ada {ns}{user:42}:email ada@example.com', 'MGET {ns}{user:42}:name {ns}{user:42}:email'],
    },
    {
      id: 'cluster-resharding',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 3.0+ · Valkey 7.2+ (Valkey 9.0 adds atomic slot migration alongside)',
      question: 'Explain how a slot moves from node A to node B while clients keep reading and writing.',
      keyPoints: [
        'Mark the slot IMPORTING on B and MIGRATING on A (CLUSTER SETSLOT)',
        'Move keys in batches with MIGRATE: each key is atomically copied to B and deleted from A; a big key blocks both nodes while it moves',
        'During migration A serves keys it still has and answers ASK for missing ones; clients send ASKING + the command to B',
        'Multi-key commands on a half-migrated slot may get TRYAGAIN',
        'Finish with CLUSTER SETSLOT … NODE B on the nodes; afterwards clients get MOVED and refresh their map',
        'Tooling: redis-cli --cluster reshard / rebalance automates the steps; Valkey 9.0 adds atomic slot migration (CLUSTER MIGRATESLOTS) as an alternative',
      ],
      explanation:
        'This is a favourite deep-dive question. The key ideas are slot-level ownership, per-key atomic MIGRATE, and the ' +
        'ASK/ASKING dance that keeps the migration invisible to correct clients.',
    },
    {
      id: 'cluster-vs-sentinel',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 3.0+ · Valkey 7.2–8.x (Valkey 9.0 clusters can have numbered databases)',
      question: 'When would you choose Redis Cluster over a Sentinel-managed primary with replicas?',
      keyPoints: [
        'Cluster when the dataset or write throughput exceeds one machine: it shards across primaries',
        'Sentinel when one primary is enough: simpler, all commands and multiple databases work, no slot constraints',
        'Cluster costs: CROSSSLOT limits on multi-key operations, hash-tag design, database 0 only (before Valkey 9.0), cluster-aware clients',
        'Both use asynchronous replication and can lose the last writes on failover',
        'Cluster has built-in failover; Sentinel is a separate set of processes',
      ],
      explanation:
        'A balanced answer starts from the workload (size, write rate, multi-key needs) rather than from "cluster is more ' +
        'scalable". It also names the application changes Cluster requires, such as key design around hash tags.',
    },
  ],
};
