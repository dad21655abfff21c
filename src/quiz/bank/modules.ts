// Quiz topic "modules": JSON, Search, TimeSeries and probabilistic types, built into Redis 8; conceptual only (no live commands).
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'modules',
  title: 'Modules: JSON, Search, TimeSeries, Bloom',
  intro:
    'Modules add data types and commands written in native code. The best known, JSON, Search (the query engine), ' +
    'TimeSeries and Bloom (probabilistic structures), used to come as separate modules or bundled as Redis Stack; ' +
    'since Redis 8, Redis Open Source ships them built in. A plain Redis 7.x server, like the one this tool often runs ' +
    'against, has none of them, so these questions are conceptual: no commands are sent.',
  questions: [
    {
      id: 'modules-redis8-bundled',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 8.0+ (not in Valkey 8)',
      question: 'What changed for modules with Redis 8.0 (Redis Open Source, 2025)?',
      options: [
        {
          text: 'JSON, the query engine (Search), time series and the probabilistic structures (Bloom, Cuckoo, Count-min sketch, Top-k, t-digest) are part of the standard distribution',
          correct: true,
          why: 'The release notes say the standalone modules are no longer needed: the binary distributions include them.',
        },
        {
          text: 'Modules were removed and MODULE LOAD no longer exists',
          correct: false,
          why: 'The module API and MODULE LOAD remain; the popular modules simply ship with the server now.',
        },
        {
          text: 'The module commands were renamed to core names, e.g. JSON.GET became GET',
          correct: false,
          why: 'The commands keep their names (JSON.SET, FT.SEARCH, TS.ADD, BF.ADD).',
        },
        {
          text: 'They are available only in Redis Cloud',
          correct: false,
          why: 'They are in Redis Open Source; Redis Cloud and Redis Software offer them as well.',
        },
      ],
      explanation:
        'Up to 7.x you got these capabilities by loading RedisJSON, RediSearch, RedisTimeSeries and RedisBloom, or by ' +
        'running Redis Stack. Redis 8.0 folded them into Redis Open Source (and added AGPLv3 as a licence option), so a ' +
        'stock Redis 8 server answers JSON.SET or FT.SEARCH out of the box. On 7.x, check what is loaded before relying ' +
        "on any of them. Source builds include them only with BUILD_WITH_MODULES=yes and some distribution packages leave them out (Debian 13's redis 8.0.2 lists only vectorset), while Valkey 8 bundles none: valkey-json, valkey-bloom and valkey-search are separate modules.",
      proof: ['MODULE LIST', 'INFO modules'],
    },
    {
      id: 'modules-detect',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 4.0+ · Valkey 7.2+',
      question:
        'You connect to an unfamiliar Redis 7.0 server. How can you find out whether the JSON commands are available? (Pick all that apply.)',
      options: [
        {
          text: '`MODULE LIST` (or `INFO modules`), which names each loaded module and its version',
          correct: true,
          why: 'On a plain server the list is empty; with JSON loaded it shows ReJSON.',
        },
        {
          text: "`COMMAND INFO JSON.GET`, which returns the command's details, or a nil entry if the server does not know it",
          correct: true,
          why: 'Probing the command table works even where MODULE LIST is denied to your user.',
        },
        {
          text: '`INFO server`: every Redis 7 includes JSON',
          correct: false,
          why: 'Redis 7 includes no modules; only Redis 8 bundles them.',
        },
        {
          text: '`CONFIG GET loadmodule`',
          correct: false,
          why: 'loadmodule is a startup directive, not a runtime setting; CONFIG GET returns nothing for it.',
        },
      ],
      explanation:
        'Modules are loaded at startup with `loadmodule` in redis.conf, or at runtime with MODULE LOAD, which 7.0 blocks ' +
        'by default (enable-module-command no). Without the module, JSON.GET fails with `ERR unknown command`. Tools ' +
        'should detect capabilities rather than assume them.',
      proof: ['MODULE LIST', 'COMMAND INFO JSON.GET', 'JSON.GET {ns}user:1'],
    },
    {
      id: 'modules-json-path',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 8.0+, or Redis 6.0+ with RedisJSON 2.0+ (not in Valkey 8)',
      question: 'After `JSON.SET user:1 $ \'{"name":"Ada","langs":["en","fr"]}\'`, what does `JSON.GET user:1 $.name` return?',
      options: [
        {
          text: '`["Ada"]`',
          correct: true,
          why: 'A JSONPath starting with `$` can match several values, so the reply is always a JSON array of the matches.',
        },
        {
          text: '`"Ada"`',
          correct: false,
          why: 'That is the reply to the legacy path `.name`, which returns a single value.',
        },
        {
          text: '`Ada`, as a plain string',
          correct: false,
          why: 'JSON.GET returns serialized JSON text, so strings keep their quotes.',
        },
        {
          text: 'An error, because paths must start with a dot',
          correct: false,
          why: '`$` is the root in JSONPath syntax (RedisJSON 2.0+); the dot form is the older legacy syntax.',
        },
      ],
      explanation:
        'RedisJSON understands two path syntaxes, chosen by the first character: JSONPath starting with `$` (2.0+), which ' +
        'may match many values and returns an array, and the legacy path starting with `.`, which returns one value. ' +
        'Updates work in place and atomically on the server, for example appending to an array or incrementing a number ' +
        'inside the document, without a read-modify-write in the client.',
      proof: [
        'JSON.SET {ns}user:1 $ \'{"name":"Ada","langs":["en","fr"]}\'',
        'JSON.GET {ns}user:1 $.name',
        'JSON.ARRAPPEND {ns}user:1 $.langs \'"de"\'',
      ],
      proofOn: 'modules',
    },
    {
      id: 'modules-json-vs-hash',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 8.0+, or Redis 6.0+ with RedisJSON 2.0+ (not in Valkey 8)',
      question: 'When is a JSON document a better fit than a hash? (Pick all that apply.)',
      options: [
        {
          text: 'The object is nested (addresses, arrays of line items) and you read or update parts of it',
          correct: true,
          why: 'Paths reach inside the document, and updates happen atomically on the server.',
        },
        {
          text: 'You want the query engine to index fields inside nested structures',
          correct: true,
          why: 'Search indexes JSON fields by path, including values inside arrays.',
        },
        {
          text: 'You want the smallest memory footprint for a flat object with a few short fields',
          correct: false,
          why: 'Small hashes use the compact listpack encoding and are usually smaller; JSON pays for its tree.',
        },
        {
          text: 'You need a different expiry for each field',
          correct: false,
          why: 'Hashes gained per-field expiry (HEXPIRE) in Redis 7.4 and Valkey 9.0; JSON has no per-path TTL.',
        },
      ],
      explanation:
        'A hash is a flat map of string fields: compact and fast, but nested data must be flattened or stored as an ' +
        'opaque JSON string, which forces a read-modify-write for every change. A JSON document keeps its structure, has ' +
        'typed values, supports atomic in-place updates by path, and can be indexed by Search. Use hashes for flat ' +
        'records such as sessions and profiles, and JSON for nested documents.',
    },
    {
      id: 'modules-search-index',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 8.0+, or Redis 6.0+ with RediSearch 2.0+ (not in Valkey 8)',
      question:
        'You ran `FT.CREATE idx:product ON HASH PREFIX 1 product: SCHEMA name TEXT price NUMERIC SORTABLE`. Later a new ' +
        'hash `product:42` is written with HSET. What happens?',
      options: [
        {
          text: 'It is indexed as part of the write, so `FT.SEARCH idx:product "@price:[10 50]"` can find it right away',
          correct: true,
          why: 'Search follows writes to keys with the index prefix and updates the index as they happen.',
        },
        {
          text: 'Nothing until FT.CREATE is run again or a reindex job runs',
          correct: false,
          why: 'Indexes are kept up to date automatically; there is no manual reindex step.',
        },
        {
          text: 'Only keys that existed when FT.CREATE ran are indexed',
          correct: false,
          why: 'FT.CREATE indexes the existing keys with the prefix in the background, and every later write as well.',
        },
        {
          text: 'The HSET fails if price is not a number',
          correct: false,
          why: 'The write still succeeds; the document is counted as an indexing failure in FT.INFO and left out of the index.',
        },
      ],
      explanation:
        'Search indexes follow the keyspace: FT.CREATE scans existing keys with the prefix in the background and then ' +
        'indexes each matching write, so queries see new data straight away. The data stays in ordinary hashes or JSON ' +
        'documents; the index is a separate structure that costs memory. Queries combine full text, numeric ranges, ' +
        'tags, geo and vector similarity, and FT.AGGREGATE groups and reduces results.',
      proof: [
        'FT.CREATE {ns}idx:product ON HASH PREFIX 1 {ns}product: SCHEMA name TEXT price NUMERIC SORTABLE',
        'HSET {ns}product:42 name "desk lamp" price 35',
        'FT.SEARCH {ns}idx:product "@price:[10 50]" SORTBY price',
      ],
      proofOn: 'modules',
    },
    {
      id: 'modules-probabilistic',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 8.0+, or Redis 6.0+ with RedisBloom 2.4+ (not in Valkey 8)',
      question: 'Which pairings of a need with a probabilistic structure are right? (Pick all that apply.)',
      options: [
        {
          text: '"Have we ever seen this username?", with no false negatives and a small false-positive rate: a Bloom filter (BF.ADD, BF.EXISTS)',
          correct: true,
          why: 'A Bloom filter answers "definitely not" or "probably yes" in a few bits per item.',
        },
        {
          text: 'The same, but items must also be removable: a Cuckoo filter (CF.ADD, CF.DEL)',
          correct: true,
          why: 'Cuckoo filters store fingerprints, which makes deletion possible.',
        },
        {
          text: 'Approximate per-item counts over a stream of events: a Count-min sketch (CMS.INCRBY, CMS.QUERY)',
          correct: true,
          why: 'It never under-counts and over-counts within a configurable bound, in fixed memory.',
        },
        {
          text: 'The number of distinct visitors: Top-K',
          correct: false,
          why: 'Top-K tracks the most frequent items. Distinct counts are HyperLogLog (PFADD, PFCOUNT), built into core Redis.',
        },
      ],
      explanation:
        'Probabilistic structures trade exactness for small, fixed memory. Bloom filters cannot delete; Cuckoo filters ' +
        'can; Count-min sketch estimates frequencies; Top-K keeps the heaviest hitters; t-digest estimates percentiles. ' +
        'HyperLogLog, the distinct-count estimator (0.81% standard error in at most 12 KB), is part of core Redis and ' +
        'needs no module.',
      proof: [
        'BF.ADD {ns}usernames ada',
        'BF.EXISTS {ns}usernames bob',
        'PFADD {ns}visitors:2025-06-01 u1 u2',
        'PFCOUNT {ns}visitors:2025-06-01',
      ],
      proofOn: 'modules',
    },
    {
      id: 'modules-bloom-capacity',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 8.0+, or Redis 6.0+ with RedisBloom 2.2+ (not in Valkey 8)',
      question:
        'A Bloom filter created with `BF.RESERVE seen 0.001 1000000` receives its 1,000,001st distinct item. What happens by default?',
      options: [
        {
          text: 'A new, larger sub-filter is stacked on (twice the size, by the default EXPANSION of 2); adds keep working, but lookups check more layers and memory grows',
          correct: true,
          why: 'Filters scale by default; each sub-filter is the previous size times the expansion factor.',
        },
        {
          text: 'BF.ADD returns an error',
          correct: false,
          why: 'Only a filter created with NONSCALING refuses items once full.',
        },
        {
          text: 'The false-positive rate climbs without limit',
          correct: false,
          why: 'That is what happens to an overfilled fixed-size Bloom filter. Scaling filters add layers with tighter error rates to keep the overall rate near the target.',
        },
        {
          text: 'The oldest items are evicted to make room',
          correct: false,
          why: 'A Bloom filter cannot remove items, old or new.',
        },
      ],
      explanation:
        'RedisBloom filters are scalable: when a layer reaches capacity, a new one of capacity × EXPANSION is added. Adds ' +
        'keep working, but every lookup consults each layer and each layer costs memory, so badly underestimated ' +
        'capacity hurts. With NONSCALING the filter stays a single layer and returns an error when full. At 0.1% error a ' +
        'filter needs about 14.4 bits per item and 10 hash functions, so size capacity up front.',
      proof: ['BF.RESERVE {ns}seen 0.001 1000000', 'BF.RESERVE {ns}strict 0.001 1000000 NONSCALING', 'BF.INFO {ns}seen'],
      proofOn: 'modules',
    },
    {
      id: 'modules-timeseries',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 8.0+, or Redis 6.2+ with RedisTimeSeries 1.4+ (not in Valkey 8)',
      question: 'Why use a time series key for metrics instead of a sorted set of timestamp → value members?',
      options: [
        {
          text: 'It stores samples in compressed chunks, drops old data by RETENTION, and maintains downsampled rollups with compaction rules and aggregations such as avg or max per bucket',
          correct: true,
          why: 'TS.CREATE … RETENTION, TS.CREATERULE and TS.RANGE … AGGREGATION cover what you would otherwise build by hand.',
        },
        {
          text: 'A sorted set cannot use timestamps as scores',
          correct: false,
          why: 'It can; timestamps make perfectly good scores.',
        },
        {
          text: 'Only a time series supports range queries by time',
          correct: false,
          why: '`ZRANGE … BYSCORE` (6.2+) or ZRANGEBYSCORE queries time ranges; what is missing is aggregation, retention and compression.',
        },
        {
          text: 'Time series data is kept on disk instead of in memory',
          correct: false,
          why: 'It lives in memory like every Redis key and is persisted with the usual RDB and AOF.',
        },
      ],
      explanation:
        'A sorted set can hold (timestamp, value) pairs, but members must be unique, so the timestamp has to be baked ' +
        'into each member, and there is no retention, downsampling or compression. A time series key keeps samples in ' +
        'compressed chunks, expires old ones by RETENTION, maintains rollups with compaction rules and queries many ' +
        'series by label with TS.MRANGE FILTER. Without the module, a sorted set plus ZREMRANGEBYSCORE for retention ' +
        'is a workable approximation.',
      proof: [
        'TS.CREATE {ns}cpu:web1 RETENTION 86400000 LABELS host web1',
        'TS.ADD {ns}cpu:web1 * 42.5',
        'TS.RANGE {ns}cpu:web1 - + AGGREGATION avg 60000',
      ],
      proofOn: 'modules',
    },
    {
      id: 'modules-bloom-without-module',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 3.2+ · Valkey 7.2+',
      question:
        'Your managed Redis 7 has no modules, but you need a Bloom filter for "already recommended to this user" checks. ' +
        'How would you build one with core commands, and what are the trade-offs?',
      keyPoints: [
        'Use a string as a bit array: m bits and k hash functions derived from the expected item count n and false-positive rate p (m ≈ −n·ln p / (ln 2)², k ≈ (m/n)·ln 2).',
        'Add: compute the k bit positions in the client and set them with SETBIT (pipelined) or one BITFIELD call with several SET u1 operations.',
        'Check: read the k bits with GETBIT or one BITFIELD GET call; all 1 means probably present, any 0 means definitely absent.',
        'No deletion and no automatic growth: size for the future, or rotate filters by period.',
        'One key lives on one shard and a string holds at most 512 MB (about 4.3 billion bits); split very large filters across keys.',
        'Alternatives: a set of IDs is exact but bigger; HyperLogLog only counts and cannot test membership.',
      ],
      explanation:
        'A Bloom filter is k bit positions per item in a bit array, so a Redis string with SETBIT, GETBIT or BITFIELD ' +
        'implements it directly, with the hashing done in the client. For 10 million items at 1% false positives that ' +
        'is about 96 million bits (about 12 MB) and 7 hash functions. RedisBloom, built into Redis 8, adds scaling, ' +
        'server-side hashing and a simpler API.',
      proof: [
        'BITFIELD {ns}rec:u42 SET u1 1093 1 SET u1 88120 1 SET u1 530017 1',
        'BITFIELD {ns}rec:u42 GET u1 1093 GET u1 88120 GET u1 530017',
      ],
    },
    {
      id: 'modules-search-design',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 8.0+, or Redis 6.0+ with RediSearch 2.0+ (not in Valkey 8)',
      question:
        'Design product search for a catalogue kept in Redis: full text on the name, filters by category and price ' +
        'range, sorted by price. What would you do with the query engine, and what without it?',
      keyPoints: [
        'With Search: products as hashes or JSON under a prefix; `FT.CREATE … PREFIX 1 product: SCHEMA name TEXT category TAG price NUMERIC SORTABLE`.',
        'Query: `FT.SEARCH idx "@name:lamp @category:{home} @price:[20 100]" SORTBY price LIMIT 0 20`; FT.AGGREGATE for facet counts.',
        'Index upkeep is automatic on every write; watch index memory with FT.INFO and prefer TAG over TEXT for exact-match fields.',
        'Without modules: maintain secondary indexes yourself, e.g. a set per category and a sorted set by price, combined with ZINTERSTORE or ZRANGE BYSCORE plus SINTER.',
        'Hand-made indexes must change in the same MULTI/EXEC or Lua script as the data, or they drift; full text needs an inverted index of your own or an external engine.',
      ],
      explanation:
        'The query engine turns Redis into a secondary-index store with full-text, numeric, tag, geo and vector queries, ' +
        'kept up to date automatically. Without it you can still index by category and price with sets and sorted sets, ' +
        'but you own the consistency of every index, and full-text search becomes a project of its own.',
    },
  ],
};
