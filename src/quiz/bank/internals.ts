// Quiz topic: Internals: how Redis is built (dict and rehashing, SCAN, skiplists, slots, SDS, encodings, lazy free, threads).
import { all, encodingIs, stringEquals } from '../../engine/checks.js';
import type { Topic } from '../types.js';

/** A 44-byte value: the longest string Redis still stores as embstr. */
const VALUE_44 = 'a'.repeat(44);
/** A 65-byte member: one byte past zset-max-listpack-value (64). */
const MEMBER_65 = 'm'.repeat(65);

export const topic: Topic = {
  id: 'internals',
  title: 'Internals: how Redis is built',
  intro:
    'How Redis stores and finds data inside one process: the dictionary that holds every key and its incremental ' +
    'rehashing, the SCAN cursor that survives a resize, the skiplist behind sorted sets, the 16384 cluster slots, SDS ' +
    'strings, the compact encodings (int, embstr, listpack, intset, quicklist) and the thresholds where they give way to ' +
    'general ones, shared objects, lazy freeing and the threads around the single command thread. Senior interviews use ' +
    'these to check that you can explain a latency spike or a memory jump from first principles.',
  questions: [
    {
      id: 'internals-incremental-rehash',
      kind: 'choice',
      level: 'advanced',
      question:
        'The main dictionary of a Redis 7 database has to grow from 2^26 to 2^27 buckets. How does Redis do it without a long pause? (Pick all that apply.)',
      options: [
        {
          text: 'It allocates a second, larger table and moves buckets across a few at a time: one bucket on each lookup, insert or delete, plus up to 1 ms of rehashing in each serverCron run',
          correct: true,
          why: 'Each dict operation does one rehash step; with activerehashing yes (the default) serverCron also rehashes for 1 ms so an idle server finishes too.',
        },
        {
          text: 'While the rehash is in progress a lookup searches both tables, and new keys are added only to the new one',
          correct: true,
          why: 'That keeps every key findable and lets the old table only shrink until it is empty and freed.',
        },
        {
          text: 'It rehashes the whole table at once in a background thread while commands wait on a lock',
          correct: false,
          why: 'There is no lock and no rehash thread: the work is spread over the main thread in small steps.',
        },
        {
          text: 'It uses consistent hashing, so only a small fraction of the keys has to move',
          correct: false,
          why: 'The bucket index is the hash masked by the table size; every key is moved to the new table eventually.',
        },
      ],
      explanation:
        'A dict has two hash tables. When it reaches one element per bucket (more than five per bucket while a fork is running, ' +
        'to spare copy-on-write) Redis allocates the next power of two and sets a rehash index. From then on every ' +
        'operation on the dict moves one bucket (visiting at most ten empty ones), and serverCron spends up to 1 ms per ' +
        'call on it. Lookups check both tables, inserts go to the new one, and when the old table is empty it is freed. ' +
        'The cost of growing is spread over many commands instead of one multi-second stall. Valkey 8.1 replaced the dict ' +
        'with a new cache-friendly hash table that still rehashes incrementally.',
      versions: 'Redis 2.6+ · Valkey 7.2+',
    },
    {
      id: 'internals-rehash-memory-spike',
      kind: 'choice',
      level: 'advanced',
      question:
        'A Redis 7 primary holds about 67 million keys (just over 2^26) and runs close to maxmemory. Writing a few more keys makes used_memory jump by about 1 GB at once. What happened, and what does Redis do about it? (Pick all that apply.)',
      options: [
        {
          text: 'The keyspace dict doubled: a new table of 2^27 bucket pointers (8 bytes each, 1 GiB) is allocated in one go when the rehash starts',
          correct: true,
          why: 'The bucket array is allocated whole; the entries move later, but the array exists from the first step.',
        },
        {
          text: 'Since 6.2 Redis refuses to start that expansion when it would push memory over maxmemory, unless the table is already very full (more than 1.618 keys per bucket)',
          correct: true,
          why: 'dictExpandAllowed() checks the allocation against maxmemory; a crowded table expands anyway because long chains cost CPU.',
        },
        {
          text: 'Each key was copied into the new table, so memory doubled for every key until the rehash ended',
          correct: false,
          why: 'Entries are relinked, not copied; only the bucket array is new.',
        },
        {
          text: 'The jump is fragmentation from jemalloc and disappears after MEMORY PURGE',
          correct: false,
          why: 'It is a real, live allocation; MEMORY PURGE only returns dirty pages that are already free.',
        },
      ],
      explanation:
        'The memory of a hash table is its entries plus a bucket array of one pointer per bucket. Doubling from 2^26 to ' +
        '2^27 buckets allocates 2^27 × 8 bytes = 1 GiB at once, on top of the old 512 MiB array until the rehash ends. ' +
        'Near maxmemory that can trigger a burst of evictions (or OOM errors with noeviction). Redis 6.2 added a guard: ' +
        'the main dictionaries do not expand when the new array would exceed maxmemory, as long as the load factor stays ' +
        'under 1.618. Capacity plans should include this step, and the expires dict grows the same way.',
      versions: 'Redis 6.2+ · Valkey 7.2–8.0 (8.1 replaced the dict)',
    },
    {
      id: 'internals-scan-guarantees',
      kind: 'choice',
      level: 'intermediate',
      question: 'A job iterates the keyspace with SCAN while clients keep writing. What does SCAN guarantee? (Pick all that apply.)',
      options: [
        {
          text: 'Every key that exists for the whole iteration is returned at least once',
          correct: true,
          why: 'The cursor visits every bucket of the table, even if the table is resized in between.',
        },
        {
          text: 'A key may be returned more than once, so the job must tolerate duplicates',
          correct: true,
          why: 'When the table shrinks, or buckets are rehashed during the scan, some buckets are visited again.',
        },
        {
          text: 'Keys added during the iteration are never returned',
          correct: false,
          why: 'They may or may not be returned: it depends on which bucket they land in.',
        },
        {
          text: 'Each call returns exactly COUNT keys until the last one',
          correct: false,
          why: 'COUNT is a hint about how much work to do per call; a call may return fewer keys, none, or more.',
        },
        {
          text: 'The reply reflects one consistent snapshot of the keyspace',
          correct: false,
          why: 'SCAN is stateless on the server: each call reads the live table.',
        },
      ],
      explanation:
        'SCAN keeps no state on the server: the cursor is the only state, and it encodes the next bucket to visit. The ' +
        'guarantee is deliberately weak but useful: keys present from start to end are returned at least once, keys ' +
        'added or deleted meanwhile may or may not appear, and duplicates are possible. Processing must be idempotent ' +
        '(or deduplicate), and the scan is finished only when the cursor comes back as 0, not when a call returns no keys.',
      proof: ['SET {ns}k1 a', 'SET {ns}k2 b', 'SCAN 0 MATCH {ns}* COUNT 100'],
      versions: 'Redis 2.8+ · Valkey 7.2+',
    },
    {
      id: 'internals-scan-reverse-cursor',
      kind: 'choice',
      level: 'advanced',
      question:
        'The SCAN cursor does not count buckets 0, 1, 2, 3…: it increments the bucket index from its highest bit down (reverse binary order). Why?',
      options: [
        {
          text: 'So the cursor stays valid when the table is resized between calls: the buckets already visited map onto buckets that are already behind the cursor in the new table',
          correct: true,
          why: 'Sizes are powers of two and the index is hash & mask; a bucket and its splits share their low bits, which reverse order visits together.',
        },
        {
          text: 'To return keys in a random order, so clients cannot depend on the order',
          correct: false,
          why: 'The order is a side effect; the purpose is surviving a grow or shrink between two calls.',
        },
        {
          text: 'Because the cursor is the hash of the last key returned',
          correct: false,
          why: 'It is a bucket position, not a key hash, which is why a deleted key does not break it.',
        },
        {
          text: 'So that several clients can share one cursor safely',
          correct: false,
          why: 'Nothing is shared on the server; any client may continue a cursor, but the algorithm is not about that.',
        },
      ],
      explanation:
        'With a table of 2^n buckets a key lives in bucket hash & (2^n − 1). When the table doubles, bucket b splits into ' +
        'b and b + 2^n; when it halves, two buckets merge. Incrementing the reversed bits means all the buckets that share ' +
        'the same low bits are visited together, so after a resize the cursor still points at a position where everything ' +
        'before it has been seen. Growing loses nothing and repeats nothing; shrinking can repeat some keys, never skip ' +
        'one. During an incremental rehash SCAN reads both tables for the same reason.',
      versions: 'Redis 2.8+ · Valkey 7.2+',
    },
    {
      id: 'internals-skiplist-vs-tree',
      kind: 'open',
      level: 'advanced',
      question:
        'Sorted sets are a hash table plus a skiplist. Why did antirez choose a skiplist rather than a balanced tree (red-black or AVL), and what does each of the two structures do?',
      keyPoints: [
        'The dict maps member → score for O(1) ZSCORE and for finding the node to update; the skiplist keeps the order for ranges and ranks',
        'A skiplist is much simpler to implement, debug and extend than a balanced tree (no rotations), and it was easy to add a span per link for ranks',
        'Range commands (ZRANGEBYSCORE, ZRANGE) find the start in O(log N) and then walk the bottom level like a linked list, with a backward pointer for reverse ranges',
        'Memory is tunable by the level probability (p = 0.25, at most 32 levels): about 1.33 forward pointers per node on average, fewer than a tree’s two children',
        'Cache behaviour is comparable to a tree; small sorted sets avoid both structures and use a listpack (128 entries, 64-byte members by default)',
      ],
      explanation:
        'A sorted set needs two things: find a member’s score fast, and walk members in score order. Redis keeps a dict ' +
        'for the first and a skiplist for the second, both pointing to the same member string. antirez explained the ' +
        'choice of skiplist on simplicity and flexibility: similar complexity to a balanced tree, far less code, easy to ' +
        'augment (the span field that makes ZRANK O(log N) was a small patch), and range scans are a plain walk along ' +
        'level 0. Each node gets a random level with probability 1/4 of going up, so the structure is memory-cheap. While ' +
        'a sorted set is small it is a single listpack instead, sorted by score, which is compact and fast enough for a ' +
        'few dozen entries.',
      proof: ['ZADD {ns}board 10 ann 20 bob 30 cid', 'ZRANGEBYSCORE {ns}board 15 +inf', 'ZRANK {ns}board cid'],
      versions: 'Redis 2.6+ · Valkey 7.2+',
    },
    {
      id: 'internals-zset-rank-span',
      kind: 'choice',
      level: 'advanced',
      question: 'How does a skiplist-encoded sorted set answer ZRANK in O(log N)?',
      options: [
        {
          text: 'Every forward link stores its span, the number of nodes it jumps over; ZRANK adds up the spans along the search path',
          correct: true,
          why: 'The search already descends from the top level; summing spans on the way gives the rank for free.',
        },
        {
          text: 'Each node stores its own rank, updated on every insert',
          correct: false,
          why: 'An insert near the head would have to update every later node: O(N) writes.',
        },
        {
          text: 'It walks the bottom level from the head, which is O(log N) on average',
          correct: false,
          why: 'Walking level 0 from the head is O(rank), linear in the worst case.',
        },
        {
          text: 'The dict keeps the rank of each member next to its score',
          correct: false,
          why: 'The dict holds only member → score; ranks change with every insert and could not be kept there cheaply.',
        },
      ],
      explanation:
        'When Redis inserts or deletes a node it already knows, at every level, which links it passes, so updating their ' +
        'spans costs O(log N) too. ZRANK then descends from the highest level, accumulating spans, and stops at the ' +
        'member. The same trick serves ZRANGE by index: find the node at rank start in O(log N), then walk. A small, ' +
        'listpack-encoded sorted set computes the rank by scanning, which is fine for at most 128 entries.',
      proof: ['ZADD {ns}ranks 1 a 2 b 3 c 4 d', 'ZRANK {ns}ranks c', 'ZRANGE {ns}ranks 1 2'],
      versions: 'Redis 2.6+ · Valkey 7.2+',
    },
    {
      id: 'internals-16384-slots',
      kind: 'choice',
      level: 'intermediate',
      question: 'Why does Redis Cluster use 16384 hash slots rather than, say, 65536?',
      options: [
        {
          text: 'Every heartbeat (PING/PONG) carries the sender’s slot bitmap: 16384 bits are 2 KB, 65536 would be 8 KB per message',
          correct: true,
          why: 'Nodes exchange heartbeats constantly; a 2 KB bitmap keeps gossip traffic small.',
        },
        {
          text: 'The cluster is designed for at most about 1000 primaries, and 16384 slots are already enough to spread keys evenly over them',
          correct: true,
          why: 'More slots would add bandwidth and bigger configuration without improving balance at that scale.',
        },
        {
          text: 'CRC16 only produces 14-bit values',
          correct: false,
          why: 'CRC16 produces 16 bits; Redis keeps the low 14 (CRC16(key) mod 16384).',
        },
        {
          text: 'A slot can hold at most 16384 keys',
          correct: false,
          why: 'There is no per-slot key limit; a slot can hold millions of keys.',
        },
      ],
      explanation:
        'antirez answered this directly: the slot bitmap travels in the header of every cluster bus heartbeat, so its size ' +
        'is paid constantly by every node pair. 16384 slots make a 2 KB bitmap; 65536 would make it 8 KB. Since a cluster ' +
        'is not meant to grow beyond roughly 1000 primaries, 16384 slots still give each node many slots to move around ' +
        'when resharding. The slot of a key is CRC16(key) mod 16384, computed over the hash tag if the key has one.',
      versions: 'Redis 3.0+ · Valkey 7.2+',
    },
    {
      id: 'internals-sds',
      kind: 'choice',
      level: 'intermediate',
      question: 'Redis strings are SDS (simple dynamic strings), not plain C strings. Which statements are true? (Pick all that apply.)',
      options: [
        {
          text: 'The length is stored in a header before the bytes, so STRLEN is O(1)',
          correct: true,
          why: 'No strlen() scan: the header has the used length and the allocated size.',
        },
        {
          text: 'They are binary safe: a value may contain zero bytes, images or serialized data',
          correct: true,
          why: 'The length comes from the header, not from a terminating zero (one is still added for C functions).',
        },
        {
          text: 'When a string grows, Redis allocates extra room (double the new length up to 1 MB, then 1 MB more) so repeated APPENDs are amortised O(1)',
          correct: true,
          why: 'That is SDS preallocation; it is why APPEND in a loop does not reallocate every time.',
        },
        {
          text: 'Values are stored as UTF-8 text and STRLEN counts characters',
          correct: false,
          why: 'Redis never interprets the bytes: STRLEN counts bytes, so "héllo" is 6.',
        },
        {
          text: 'Every SDS header is 16 bytes, whatever the length',
          correct: false,
          why: 'Since 3.2 there are header types sized for the length (sdshdr5/8/16/32/64): a short string pays one to three bytes.',
        },
      ],
      explanation:
        'SDS puts a small header (length, allocated size, type) before a char buffer that is still zero-terminated, so ' +
        'the pointer can be passed to C functions while the length stays authoritative. That gives O(1) length, binary ' +
        'safety and cheap growth through preallocation. The header type is chosen by length since 3.2, saving memory ' +
        'for the many short keys and values. String values are limited to 512 MB (proto-max-bulk-len).',
      proof: ['SET {ns}word "héllo"', 'STRLEN {ns}word', 'APPEND {ns}word " world"', 'STRLEN {ns}word'],
      versions: 'Redis 3.2+ · Valkey 7.2+',
    },
    {
      id: 'internals-strlen-bytes',
      kind: 'predict',
      level: 'beginner',
      question: 'A word with one accented letter is stored. What does STRLEN reply?',
      commands: ['SET {ns}word "héllo"', 'STRLEN {ns}word'],
      answer: '(integer) 6',
      explanation:
        'Redis strings are byte arrays (SDS) with their length in a header, so STRLEN is O(1) and counts bytes, not ' +
        'characters. "é" is two bytes in UTF-8, so the five-character word is six bytes. The same binary safety is what ' +
        'lets a value hold a zero byte, an image or a serialized object.',
      proof: ['SET {ns}bin "a\\x00b"', 'STRLEN {ns}bin', 'GETRANGE {ns}word 0 1'],
      versions: 'Redis 2.6+ · Valkey 7.2+',
    },
    {
      id: 'internals-embstr-limit',
      kind: 'predict',
      level: 'advanced',
      question: 'A 44-byte value is stored. Which encoding does OBJECT ENCODING report?',
      commands: [`SET {ns}token ${VALUE_44}`, 'OBJECT ENCODING {ns}token'],
      answer: '"embstr"',
      answerOn: [{ server: 'Valkey', answer: '"raw"' }],
      explanation:
        'On Redis an embstr is one allocation holding the object header (16 bytes), a compact SDS header (3 bytes), the ' +
        'bytes and a terminating zero: 16 + 3 + 44 + 1 = 64 bytes, a jemalloc size class. So 44 bytes is the longest ' +
        'embstr and a 45-byte value is raw (object and buffer allocated separately). embstr is read-only: APPEND or ' +
        'SETRANGE turn it into raw. Valkey 8.1 stores the key (and its expiry) inside the value’s object as part of its ' +
        'new hash table, so whether a value still fits depends on the key length as well: there a 44-byte value is raw.',
      proof: [`SET {ns}token ${VALUE_44}b`, 'OBJECT ENCODING {ns}token', 'SET {ns}short abc', 'OBJECT ENCODING {ns}short'],
      versions: 'Redis 3.2+ (Valkey 8.1 reports raw)',
    },
    {
      id: 'internals-shared-integers',
      kind: 'predict',
      level: 'advanced',
      question: 'With the default configuration, a small number is stored. What does OBJECT REFCOUNT reply?',
      commands: ['SET {ns}stock 100', 'OBJECT REFCOUNT {ns}stock'],
      answer: '(integer) 2147483647',
      answerOn: [{ server: 'Valkey', answer: '(integer) 1' }],
      explanation:
        'Redis preallocates shared objects for the integers 0 to 9999 and stores a pointer to them instead of a new object, ' +
        'so millions of counters at 0 or 1 cost no value memory. A shared object has the special refcount INT_MAX ' +
        '(2147483647), meaning "never free". Sharing is skipped when maxmemory is set with an LRU or LFU policy, because ' +
        'each key then needs its own access data in the object. Valkey 8.1 embeds the key in the value’s object, so every ' +
        'key gets its own object and OBJECT REFCOUNT reports 1.',
      proof: ['SET {ns}big 10000', 'OBJECT REFCOUNT {ns}big', 'OBJECT ENCODING {ns}big'],
      versions: 'Redis 2.6+ (Valkey 8.1 reports 1)',
    },
    {
      id: 'internals-set-noncanonical',
      kind: 'predict',
      level: 'intermediate',
      question: 'A set of integers gets the member "007". Which encoding does it have now?',
      setup: ['SADD {ns}ids 1 2 3'],
      commands: ['SADD {ns}ids 007', 'OBJECT ENCODING {ns}ids'],
      answer: '"hashtable"',
      answerOn: [
        { server: 'Redis 7.2', answer: '"listpack"' },
        { server: 'Redis 7.4', answer: '"listpack"' },
        { server: 'Redis 8', answer: '"listpack"' },
        { server: 'Valkey', answer: '"listpack"' },
      ],
      explanation:
        'An intset only holds members that are canonical 64-bit integers: "007" would read back as 7, so it is a string and ' +
        'the set must convert. On Redis 7.0 a set that leaves intset becomes a hashtable. Redis 7.2 added a listpack ' +
        'encoding for small sets (set-max-listpack-entries 128, set-max-listpack-value 64), so Redis 8 and Valkey 8 ' +
        'report listpack, and switch to hashtable only past those limits. Conversions only go towards the general ' +
        'encoding while the key lives.',
      proof: ['SADD {ns}ids 1 2 3', 'OBJECT ENCODING {ns}ids', 'SADD {ns}ids 007', 'OBJECT ENCODING {ns}ids', 'SMEMBERS {ns}ids'],
      versions: 'Redis 2.6–7.0 (Redis 7.2+ and Valkey 7.2+ report listpack)',
    },
    {
      id: 'internals-list-encoding',
      kind: 'predict',
      level: 'intermediate',
      question: 'A list gets three short elements. What does OBJECT ENCODING report?',
      commands: ['RPUSH {ns}jobs a b c', 'OBJECT ENCODING {ns}jobs'],
      answer: '"quicklist"',
      answerOn: [
        { server: 'Redis 7.2', answer: '"listpack"' },
        { server: 'Redis 7.4', answer: '"listpack"' },
        { server: 'Redis 8', answer: '"listpack"' },
        { server: 'Valkey', answer: '"listpack"' },
      ],
      explanation:
        'Up to 7.0 every list is a quicklist: a doubly linked list of nodes, each node a listpack (a ziplist before 7.0), ' +
        'even when there is a single small node. Redis 7.2 stores a small list as one plain listpack and converts it to a ' +
        'quicklist only when it outgrows list-max-listpack-size (and back when it shrinks well below it), so Redis 8 and ' +
        'Valkey 8 report listpack here.',
      proof: ['RPUSH {ns}jobs a b c', 'OBJECT ENCODING {ns}jobs', 'CONFIG GET list-max-listpack-size'],
      versions: 'Redis 3.2–7.0 (Redis 7.2+ and Valkey 7.2+ report listpack)',
    },
    {
      id: 'internals-zset-skiplist',
      kind: 'predict',
      level: 'intermediate',
      question: 'With the default configuration, a small sorted set gets one member 65 bytes long. Which encoding does it have?',
      setup: ['ZADD {ns}z 1 a 2 b'],
      commands: [`ZADD {ns}z 3 ${MEMBER_65}`, 'OBJECT ENCODING {ns}z'],
      answer: '"skiplist"',
      explanation:
        'A sorted set stays a listpack while it has at most zset-max-listpack-entries (128) members, each at most ' +
        'zset-max-listpack-value (64) bytes. One longer member converts the whole set to the skiplist + dict encoding, ' +
        'and it stays that way even if the long member is removed. Before 7.0 the settings were named ' +
        'zset-max-ziplist-*; the old names still work.',
      proof: ['ZADD {ns}z 1 a 2 b', 'OBJECT ENCODING {ns}z', 'CONFIG GET zset-max-listpack-*'],
      versions: 'Redis 7.0+ · Valkey 7.2+',
    },
    {
      id: 'internals-quicklist-compress',
      kind: 'choice',
      level: 'advanced',
      question:
        'A list holds millions of log lines. What do `list-max-listpack-size -2` and `list-compress-depth 1` mean? (Pick all that apply.)',
      options: [
        {
          text: 'Each quicklist node is a listpack of at most 8 KB',
          correct: true,
          why: 'Negative values are sizes: -1 is 4 KB, -2 (the default) 8 KB, up to -5 for 64 KB. Positive values count entries.',
        },
        {
          text: 'The first and last node stay uncompressed and every node in between is LZF-compressed',
          correct: true,
          why: 'The depth is how many nodes at each end stay plain; pushes and pops at the ends never decompress anything.',
        },
        {
          text: 'Compression is on by default',
          correct: false,
          why: 'The default list-compress-depth is 0: no compression.',
        },
        {
          text: 'LINDEX on an element in the middle of the list reads it without decompressing anything',
          correct: false,
          why: 'Reaching an inner node decompresses that node (and the walk there is O(N) anyway).',
        },
      ],
      explanation:
        'A quicklist is a doubly linked list of listpacks: compact like an array, cheap at both ends like a linked list. ' +
        'list-max-listpack-size bounds each node (by bytes when negative, by count when positive). For queues whose ' +
        'middle is rarely read, list-compress-depth N keeps N nodes at each end plain and compresses the rest with LZF, ' +
        'trading CPU on middle access for memory. Before 7.0 the setting was list-max-ziplist-size.',
      proof: ['CONFIG GET list-max-listpack-size', 'CONFIG GET list-compress-depth'],
      versions: 'Redis 7.0+ · Valkey 7.2+',
    },
    {
      id: 'internals-lazyfree-user-del',
      kind: 'predict',
      level: 'intermediate',
      question: 'Does DEL free big values in a background thread out of the box? Predict the reply.',
      commands: ['CONFIG GET lazyfree-lazy-user-del'],
      answer: '1) "lazyfree-lazy-user-del" 2) "no"',
      answerOn: [{ server: 'Valkey', answer: '1) "lazyfree-lazy-user-del" 2) "yes"' }],
      explanation:
        'On Redis every lazyfree-lazy-* setting defaults to no: DEL frees the value on the main thread, and only UNLINK, ' +
        'FLUSHALL ASYNC or these settings move the work to the lazyfree background thread. UNLINK removes the key from ' +
        'the keyspace at once and frees the value in the background when it is big enough (more than 64 allocations), ' +
        'inline otherwise. Valkey 8.0 changed the defaults of lazyfree-lazy-user-del, -user-flush, -server-del, -expire ' +
        'and -eviction to yes, so on Valkey DEL already behaves like UNLINK.',
      proof: ['CONFIG GET lazyfree-lazy-*', 'RPUSH {ns}big a b c', 'UNLINK {ns}big'],
      versions: 'Redis 6.0+ (Valkey 8.0+ defaults to yes)',
    },
    {
      id: 'internals-canonical-int',
      kind: 'command',
      level: 'intermediate',
      question: '`{ns}counter` holds "042", stored as a string (embstr). With one command, make it hold the number 42 in the int encoding.',
      setup: ['SET {ns}counter 042'],
      check: all(stringEquals('counter', '42'), encodingIs('counter', 'int')),
      answer: ['SET {ns}counter 42'],
      wrong: ['INCRBY {ns}counter 0'],
      explanation:
        'Redis stores a string as int only when it is the canonical form of a 64-bit integer: no leading zeros, no plus ' +
        'sign, no spaces. "042" is not, so it is kept as a string, and for the same reason INCR and INCRBY refuse it with ' +
        '"ERR value is not an integer or out of range". Writing 42 gives an int-encoded value that lives in the object ' +
        'itself (and, for 0 to 9999 with the default configuration, a shared object).',
      proof: ['SET {ns}counter 042', 'OBJECT ENCODING {ns}counter', 'SET {ns}counter 42', 'OBJECT ENCODING {ns}counter'],
      versions: 'Redis 2.6+ · Valkey 7.2+',
    },
    {
      id: 'internals-background-threads',
      kind: 'choice',
      level: 'advanced',
      question: 'With the default configuration of Redis 7, which of these run outside the main thread? (Pick all that apply.)',
      options: [
        {
          text: 'Freeing the value of a big key removed with UNLINK',
          correct: true,
          why: 'The lazyfree bio thread frees it; the main thread only unlinks the key.',
        },
        {
          text: 'The fsync of the AOF with appendfsync everysec',
          correct: true,
          why: 'A bio thread runs fsync so a slow disk does not stall commands (unless fsync falls more than 2 s behind).',
        },
        {
          text: 'Writing an RDB snapshot for BGSAVE',
          correct: true,
          why: 'A forked child process writes it (a process, not a thread), reading memory shared copy-on-write.',
        },
        {
          text: 'The active expire cycle that deletes expired keys',
          correct: false,
          why: 'It runs on the main thread (in serverCron and before sleeping), with a time budget per run.',
        },
        {
          text: 'Executing read-only commands when io-threads is greater than 1',
          correct: false,
          why: 'I/O threads only read, parse and write sockets; every command executes on the main thread.',
        },
      ],
      explanation:
        'The event loop on the main thread accepts connections, reads requests, executes commands, runs timers ' +
        '(serverCron, hz 10 by default: expiry, rehashing, stats) and writes replies. Around it: bio threads for ' +
        'closing files, fsync and lazy freeing; optional I/O threads for socket reads and writes (Redis 8.0 reworked ' +
        'them); forked children for RDB and AOF rewrites. Anything slow on the main thread — a big DEL, KEYS, a long ' +
        'script, a huge fork — stalls every client.',
      proof: ['CONFIG GET io-threads', 'CONFIG GET hz', 'INFO persistence'],
      versions: 'Redis 6.0+ · Valkey 7.2+',
    },
  ],
};
