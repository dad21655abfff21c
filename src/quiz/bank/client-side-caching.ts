// Quiz topic: Client-side caching.
import { learnerReply } from '../../engine/checks.js';
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'client-side-caching',
  title: 'Client-side caching',
  intro:
    'Tracking keys a client cached so Redis tells it when they change: default and broadcasting modes, OPTIN and NOLOOP, the tracking table and its limits, and the races an implementation must handle.',
  questions: [
    {
      id: 'client-side-caching-what-tracking-does',
      kind: 'choice',
      level: 'beginner',
      question:
        'An application keeps hot Redis values in its own process memory and turns on `CLIENT TRACKING`. What does the server do for it? (pick all that apply)',
      options: [
        {
          text: 'It sends an invalidation message naming a key when a key the client may have cached is changed, deleted, expires or is evicted',
          correct: true,
          why: 'Any change to the key counts, whoever makes it; the client then drops its local copy.',
        },
        {
          text: 'It pushes the new value along with the invalidation, so the client can update its copy in place',
          correct: false,
          why: 'Only key names are sent. The client reads the key again when it next needs it.',
        },
        {
          text: 'It delays each write until every client caching the key has dropped it',
          correct: false,
          why: 'Invalidations are asynchronous: the writer gets its reply at once, and a client may serve the old value for a moment.',
        },
        {
          text: 'It keeps a copy of each tracked value on the server, so the client can ask whether its copy is current',
          correct: false,
          why: 'The server stores no values for tracking, only which clients may hold which key names (or nothing at all, in BCAST mode).',
        },
      ],
      explanation:
        'Server-assisted client-side caching (Redis 6.0+) turns a local cache from "stale until the TTL runs out" into "stale ' +
        'for about one network round trip". Reads served from process memory take well under a microsecond and never reach ' +
        'Redis, which is why it suits very hot keys that rarely change.',
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-resp2-redirect',
      kind: 'choice',
      level: 'intermediate',
      question: 'A client library only speaks RESP2. How does it receive invalidation messages? (pick all that apply)',
      options: [
        {
          text: "It opens a second connection, reads that connection's `CLIENT ID`, subscribes it to `__redis__:invalidate`, and on the data connection runs `CLIENT TRACKING on REDIRECT <id>`",
          correct: true,
          why: 'RESP2 cannot mix push messages with replies, so invalidations travel as Pub/Sub messages on the other connection.',
        },
        {
          text: 'Only the connection named in REDIRECT receives them, even though they look like a Pub/Sub channel',
          correct: true,
          why: "Other subscribers of __redis__:invalidate do not get this client's invalidations; the channel name is only a wire format old clients can parse.",
        },
        {
          text: 'They arrive inline on the data connection, between ordinary replies',
          correct: false,
          why: 'Only RESP3 can do that. In RESP2 without REDIRECT, CLIENT TRACKING on is accepted but no invalidation is ever sent: the cache silently goes stale.',
        },
        {
          text: 'The application subscribes to `__redis__:invalidate` and PUBLISHes to it after each write',
          correct: false,
          why: 'The server generates invalidations itself; application PUBLISHes are just ordinary messages to anyone subscribed.',
        },
      ],
      explanation:
        'Two ways exist: RESP3 (HELLO 3), where invalidations come as push messages on the same connection, and the two-connection ' +
        'mode, the only one RESP2 supports. Many data connections of a pool can redirect to one invalidation connection. ' +
        'Tested on Redis 7.0: a RESP2 connection that turns tracking on without REDIRECT gets OK and then nothing.',
      proof: ['CLIENT ID', 'CLIENT GETREDIR'],
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-redirect-id',
      kind: 'command',
      level: 'intermediate',
      question:
        "Your prompt's connection is going to be the invalidation connection of a RESP2 client. Type the one command that gives the number the data connection must pass to `CLIENT TRACKING on REDIRECT`.",
      setup: [],
      check: learnerReply('the ID of this connection (CLIENT ID)', (reply, args) => {
        return (
          String(args[0] ?? '').toUpperCase() === 'CLIENT' && String(args[1] ?? '').toUpperCase() === 'ID' && typeof reply === 'number'
        );
      }),
      answer: ['CLIENT ID'],
      wrong: ['CLIENT GETREDIR'],
      explanation:
        'REDIRECT takes the client ID of the connection that will receive the messages, so you read it on that connection with ' +
        'CLIENT ID. CLIENT GETREDIR answers the opposite question, on the data connection: where its invalidations go (-1 ' +
        'when tracking is off, 0 when on without redirection). If the invalidation connection drops and reconnects, it gets a ' +
        'new ID and every data connection must enable tracking again with it.',
      proof: ['CLIENT ID', 'CLIENT GETREDIR'],
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-tracking-table',
      kind: 'choice',
      level: 'advanced',
      question: 'In default (non-BCAST) tracking mode, what does the server remember, and how? (pick all that apply)',
      options: [
        {
          text: 'One global table keyed by key name; each entry holds the IDs of the clients that may have that key cached',
          correct: true,
          why: 'Keying by key makes invalidation cheap: one lookup on write finds everyone to notify.',
        },
        {
          text: 'An entry is removed once its invalidation is sent: a client is notified once per read, and must read the key again to be tracked again',
          correct: true,
          why: 'A second write to the same key sends nothing to a client that has not re-read it, which is what you want: it no longer holds the key.',
        },
        {
          text: 'Clients are stored by ID, and entries of disconnected clients are cleaned up lazily when their keys are invalidated',
          correct: true,
          why: 'Disconnecting a client with a million tracked keys would otherwise cost a million deletions at once.',
        },
        {
          text: 'A list per client of the keys it read, walked on every write to find who to notify',
          correct: false,
          why: 'That would cost time proportional to the number of tracking clients on every write; the table is organised by key instead.',
        },
      ],
      explanation:
        'Every key named by a read-only command on a tracking connection goes into the table, whether or not the client ' +
        "really caches it. The table's size is bounded by tracking-table-max-keys, and INFO stats reports it as " +
        'tracking_total_keys (keys), tracking_total_items (key-client pairs) and tracking_total_prefixes (BCAST).',
      proof: ['INFO stats', 'CONFIG GET tracking-table-max-keys'],
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-databases',
      kind: 'choice',
      level: 'intermediate',
      question:
        'Client A, with tracking on, reads `foo` in database 0. Client B then changes a key also called `foo`, in database 3. What does A receive?',
      options: [
        {
          text: 'An invalidation for foo',
          correct: true,
          why: 'The tracking table holds key names only, with no database number; a change to foo in any database invalidates foo everywhere.',
        },
        {
          text: 'Nothing: the two keys live in different databases',
          correct: false,
          why: 'They are different keys, but tracking does not tell them apart; the design trades a few useless invalidations for less memory.',
        },
        {
          text: 'An invalidation naming "3:foo"',
          correct: false,
          why: 'Messages carry bare key names; there is no database prefix.',
        },
      ],
      explanation:
        'The invalidation is harmless (A just re-reads foo) but surprising when several applications share one server through ' +
        "different databases: each one's writes invalidate the other's caches for keys with the same names. Checked on Redis " +
        '7.0.15, 8.0.2 and Valkey 8.1.1.',
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-bcast',
      kind: 'choice',
      level: 'advanced',
      question: 'How does `CLIENT TRACKING on BCAST PREFIX user: PREFIX product:` differ from the default mode? (pick all that apply)',
      options: [
        {
          text: 'The server remembers nothing per key: the client is told about every modified key starting with user: or product:, whether it ever read it or not',
          correct: true,
          why: 'No tracking-table memory, and no invalidation storm from the table limit; the cost moves to messages the client may not need.',
        },
        {
          text: "The server's CPU cost grows with the number of prefixes registered, since each modified key is matched against them",
          correct: true,
          why: 'A handful of prefixes costs little; thousands of them make every write slower.',
        },
        {
          text: "A client's prefixes may not overlap: adding `use` next to `user:` is refused",
          correct: true,
          why: "The server answers \"Prefix 'use' overlaps with an existing prefix 'user:'\", since both would fire for the same keys.",
        },
        {
          text: 'BCAST can be combined with OPTIN to broadcast only the keys marked with CLIENT CACHING yes',
          correct: false,
          why: 'The server refuses: "OPTIN and OPTOUT are not compatible with BCAST".',
        },
      ],
      explanation:
        'BCAST suits clients that cache a whole, well-prefixed part of the keyspace (configuration, catalogues) and many clients ' +
        'caching the same keys: the server builds one message per prefix per event-loop cycle and sends it to all subscribers. ' +
        'With no PREFIX at all the client hears about every key. PREFIX without BCAST is refused ("PREFIX option requires BCAST ' +
        'mode to be enabled").',
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-optin',
      kind: 'choice',
      level: 'intermediate',
      question: 'With `CLIENT TRACKING on OPTIN`, which reads does the server track?',
      options: [
        {
          text: 'Only the command right after `CLIENT CACHING yes` (a whole MULTI/EXEC block or script, when that is the next command)',
          correct: true,
          why: 'The client marks exactly the reads it will cache, so the table and the invalidations cover only those keys.',
        },
        {
          text: 'Every read until the client sends `CLIENT CACHING no`',
          correct: false,
          why: 'That describes OPTOUT, the inverse mode: everything is tracked except the command after CLIENT CACHING no.',
        },
        {
          text: 'Only the keys listed in `CLIENT CACHING yes key1 key2 …`',
          correct: false,
          why: 'CLIENT CACHING takes only yes or no; it applies to the next command, whatever keys that command names.',
        },
      ],
      explanation:
        'OPTIN trades one extra command per cached read (pipelined with the read, so no extra round trip) for a smaller tracking ' +
        'table and fewer useless invalidations. It fits clients that cache a selected few keys, for example those seen as hot ' +
        'by local statistics. CLIENT CACHING no is only valid in OPTOUT mode; CLIENT TRACKINGINFO shows caching-yes while the ' +
        'mark is pending.',
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-caching-without-tracking',
      kind: 'predict',
      level: 'intermediate',
      question: 'Tracking is off on this connection. What does `CLIENT CACHING yes` reply?',
      commands: ['CLIENT CACHING yes'],
      answer: '(error) ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled',
      explanation:
        'CLIENT CACHING only means something in OPTIN mode (yes) or OPTOUT mode (no). Here tracking is off, so the server ' +
        'refuses, whatever the argument. In OPTIN mode, CLIENT CACHING no is refused as well: "CLIENT CACHING NO is only valid ' +
        'when tracking is enabled in OPTOUT mode."',
      proof: ['CLIENT TRACKINGINFO'],
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-noloop',
      kind: 'choice',
      level: 'intermediate',
      question:
        'A service writes a key and immediately stores the value it wrote in its local cache. Every write is followed by an invalidation for that very key, which throws the fresh entry away. What fixes it?',
      options: [
        {
          text: 'Enable tracking with NOLOOP, so the server does not send a connection invalidations for keys that connection modified itself',
          correct: true,
          why: 'Other clients still get the invalidation; only the writer, which knows the new value, is spared.',
        },
        {
          text: 'Switch to OPTOUT mode',
          correct: false,
          why: 'OPTOUT decides which reads are tracked; a write by the client still invalidates its own tracked key.',
        },
        {
          text: 'Switch to BCAST mode',
          correct: false,
          why: 'In BCAST the writer is notified of every matching change too, its own included, unless NOLOOP is set.',
        },
        {
          text: 'Delete the local entry before writing and re-read the key afterwards',
          correct: false,
          why: 'That avoids caching a stale value but costs a round trip per write; NOLOOP solves the actual problem.',
        },
      ],
      explanation:
        'NOLOOP works in default and BCAST mode. Without it, since Redis 7.0 the self-invalidation at least arrives after the ' +
        "write's reply on a RESP3 connection (it could come before it on 6.x), so a client that caches on the reply can still " +
        'see its entry dropped right away.',
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-table-limit-default',
      kind: 'predict',
      level: 'beginner',
      question: "With the default configuration, how many keys may the server's tracking table hold?",
      commands: ['CONFIG GET tracking-table-max-keys'],
      answer: '1) "tracking-table-max-keys" 2) "1000000"',
      explanation:
        'One million keys by default; 0 means no limit. The limit counts keys, not clients: a key cached by 500 clients is one ' +
        'entry holding 500 client IDs, so memory grows with both. BCAST mode does not use the table, so the limit does not ' +
        'apply to it.',
      proof: ['CONFIG GET tracking-table-max-keys'],
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-invalidation-storm',
      kind: 'choice',
      level: 'advanced',
      question:
        'A read-heavy fleet with tracking on reads far more distinct keys than tracking-table-max-keys. Nothing is written, yet clients receive a steady flood of invalidations and their hit rate collapses. Why? (pick all that apply)',
      options: [
        {
          text: 'Over the limit, the server evicts random keys from the table and sends invalidations for them as if they had changed',
          correct: true,
          why: 'It cannot stop tracking a key silently: the clients would keep a copy nobody invalidates any more.',
        },
        {
          text: 'Clients drop the entries, read them again, which tracks them again and pushes other keys out: the churn feeds itself',
          correct: true,
          why: 'Tested on Redis 7.0.15 with the limit at 10: reading 100 keys, without a single write, brought 90 invalidations.',
        },
        {
          text: 'The server is evicting the keys themselves from memory because of maxmemory',
          correct: false,
          why: 'Those would be real deletions; table evictions remove only the tracking entry and leave the data alone.',
        },
        {
          text: 'The fix is to set tracking-table-max-keys lower so the table stays small',
          correct: false,
          why: 'A smaller limit makes the churn worse. Raise it (and budget the memory), track fewer keys with OPTIN, or use BCAST.',
        },
      ],
      explanation:
        'Watch tracking_total_keys in INFO stats against the limit: sitting at the limit means the server is invalidating ' +
        'entries to stay under it. The table holds the key names and a small radix tree of client IDs per key, so its memory ' +
        'grows with keys times clients; size it, or move broad caches to OPTIN or BCAST.',
      proof: ['INFO stats', 'CONFIG GET tracking-table-max-keys'],
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-count-tracked',
      kind: 'command',
      level: 'intermediate',
      question: "With one command, read how many keys the server's tracking table holds right now.",
      setup: [],
      check: learnerReply('a reply with tracking_total_keys (INFO or INFO stats)', (reply) => {
        return typeof reply === 'string' && reply.includes('tracking_total_keys:');
      }),
      answer: ['INFO stats'],
      wrong: ['CONFIG GET tracking-table-max-keys'],
      explanation:
        'INFO stats reports tracking_total_keys (keys in the table), tracking_total_items (key and client pairs, the better ' +
        'measure of its memory) and tracking_total_prefixes (BCAST prefixes). tracking-table-max-keys is only the limit; a value ' +
        'of tracking_total_keys pinned at the limit means the server is evicting tracked keys and sending invalidations for them.',
      proof: ['INFO stats'],
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-read-race',
      kind: 'open',
      level: 'advanced',
      question:
        'A client caches with two connections: D for data, I for invalidations. Describe the race between an invalidation and an in-flight read, and how a client library avoids it.',
      keyPoints: [
        "The sequence: D sends GET foo; another client changes foo; the invalidation arrives on I before the GET's (now stale) reply arrives on D; caching that reply keeps a stale value with no further invalidation coming",
        'Fix: before sending the read, put a "pending" placeholder for foo in the local cache; an invalidation deletes it; when the reply arrives, store it only if the placeholder is still there',
        'A version or epoch counter per key (or a global invalidation counter) compared before and after the read does the same job',
        'With RESP3 on one connection the order is fixed (reply and invalidations share one stream), so the race cannot happen',
        'Keep a maximum TTL on every local entry anyway, as a safety net for bugs and missed messages',
      ],
      explanation:
        'The two connections are independent streams, so nothing orders a message on I against a reply on D. The placeholder ' +
        'trick turns "the invalidation overtook my reply" into "my entry was removed while the read was in flight", which the ' +
        'client can detect. Many current libraries use RESP3 on a single connection for this reason.',
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-connection-loss',
      kind: 'choice',
      level: 'advanced',
      question:
        'The connection that receives invalidations drops for three seconds, then reconnects. What must the client do? (pick all that apply)',
      options: [
        {
          text: 'Flush the entire local cache: invalidations sent while it was gone are lost and cannot be replayed',
          correct: true,
          why: 'The server keeps no backlog of invalidations; any cached key may have changed meanwhile.',
        },
        {
          text: "Enable tracking again: on a RESP3 reconnect, or with REDIRECT to the new connection's ID for RESP2 data connections",
          correct: true,
          why: 'Tracking is state of a connection; a new connection starts without it, and a new invalidation connection has a new ID.',
        },
        {
          text: 'Keep pinging the invalidation connection and treat missing replies as a lost connection',
          correct: true,
          why: 'A half-open TCP connection can look alive while delivering nothing; PING works even in subscriber mode.',
        },
        {
          text: 'Nothing: the server buffers the invalidations and delivers them after the reconnect',
          correct: false,
          why: 'Messages to a closed connection are dropped. Data connections redirecting to it are marked broken_redirect (CLIENT TRACKINGINFO), and RESP3 ones get a tracking-redir-broken push.',
        },
      ],
      explanation:
        'Correctness of a tracked cache depends on never missing an invalidation, so every doubt about the invalidation ' +
        'channel must end in flushing the cache. The same applies after a failover to a replica: the new primary has no ' +
        'tracking state for the client at all.',
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-flushall',
      kind: 'choice',
      level: 'intermediate',
      question: 'Someone runs FLUSHALL. What does a client with tracking on receive?',
      options: [
        {
          text: 'One invalidation message whose key list is null, meaning "drop everything"',
          correct: true,
          why: 'Sending one message per key would flood clients; the null tells them to clear the whole local cache.',
        },
        {
          text: 'One invalidation per key it had read',
          correct: false,
          why: 'The server sends a single message with a null instead of a list of keys.',
        },
        {
          text: 'Nothing; a flush is not a key modification',
          correct: false,
          why: 'Every cached value just became wrong, so the server must tell the client.',
        },
      ],
      explanation:
        'The same happens for FLUSHDB. In RESP3 the push is `invalidate` followed by a null; in RESP2 the Pub/Sub message on ' +
        '__redis__:invalidate carries a null bulk string instead of an array of keys (checked on Redis 7.0.15, 8.0.2 and ' +
        'Valkey 8.1.1). A client parser that only expects an array of keys crashes or ignores it, so test the flush path.',
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-trackinginfo',
      kind: 'predict',
      level: 'intermediate',
      question: 'What does `CLIENT TRACKINGINFO` reply on this connection, which has never enabled tracking?',
      commands: ['CLIENT TRACKINGINFO'],
      answer: '1) "flags" 2) ["off"] 3) "redirect" 4) (integer) -1 5) "prefixes" 6) []',
      explanation:
        'Three fields: flags (here just off; otherwise on plus bcast, optin, optout, caching-yes, caching-no, noloop, ' +
        'broken_redirect as they apply), redirect (-1 when tracking is off, 0 when on without redirection, else the ID of the ' +
        'invalidation connection) and prefixes (BCAST only). CLIENT TRACKINGINFO exists since Redis 6.2; CLIENT GETREDIR, ' +
        'which returns only the redirect field, since 6.0.',
      proof: ['CLIENT TRACKINGINFO', 'CLIENT GETREDIR'],
      versions: 'Redis 6.2+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-getredir',
      kind: 'predict',
      level: 'intermediate',
      question: 'Tracking is off on this connection. What does `CLIENT GETREDIR` reply?',
      commands: ['CLIENT GETREDIR'],
      answer: '(integer) -1',
      explanation:
        '-1 means tracking is not enabled. With tracking on, 0 means invalidations come on this same connection (RESP3, or ' +
        'nowhere at all on RESP2), and any other number is the client ID they are redirected to.',
      proof: ['CLIENT GETREDIR'],
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
    {
      id: 'client-side-caching-vs-ttl',
      kind: 'open',
      level: 'advanced',
      question: 'Compare a local in-process cache with only a TTL against one driven by CLIENT TRACKING. When is each the better choice?',
      keyPoints: [
        'TTL only: staleness bounded by the TTL, no server memory or protocol support needed, works through any proxy; but every change is invisible for up to the TTL',
        'Tracking: invalidation within about a round trip, so long TTLs and high hit rates are safe; costs server memory (tracking table) or broadcast traffic, and client complexity (races, reconnects, flushes)',
        'Tracking pays off for hot keys that rarely change; keys written constantly (counters) just generate invalidations and should not be cached locally',
        'Either way keep a maximum TTL and a size bound on the local cache; tracking is still asynchronous, so it is not a consistency guarantee',
        'Check client support (RESP3-based caching in modern clients) and proxies in between, which may not pass tracking through',
      ],
      explanation:
        'A senior answer frames it as a staleness budget against cost. If the business tolerates seconds of stale data, a short ' +
        'TTL is simpler and cheap. If it needs changes visible quickly while most reads stay local, tracking gives both, at ' +
        'the price of careful client code and some server memory.',
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
  ],
};
