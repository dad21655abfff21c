// The commands a learner may send to a shared server (one redis-learn did not start), each group with its reason.
// Deny by default: a command or subcommand missing here is refused there, whatever it is. Which keys an allowed
// command touches is asked of the server (COMMAND GETKEYSANDFLAGS), never parsed here; judge.ts adds the checks the
// server cannot make for us (SORT BY/GET patterns, SCAN MATCH, channels, CONFIG GET names, blocking timeouts).

export interface AllowedGroup {
  /** Why these are safe on someone else's server. */
  reason: string;
  /** Command names, or `NAME|SUB` for one subcommand of a container command. */
  commands: readonly string[];
}

export const SHARED_ALLOWLIST: readonly AllowedGroup[] = [
  {
    reason: 'string and bitmap commands: they touch only the keys they name, which must be in the namespace',
    commands: [
      'APPEND', 'DECR', 'DECRBY', 'GET', 'GETDEL', 'GETEX', 'GETRANGE', 'GETSET', 'INCR', 'INCRBY', 'INCRBYFLOAT', 'LCS',
      'MGET', 'MSET', 'MSETNX', 'PSETEX', 'SET', 'SETEX', 'SETNX', 'SETRANGE', 'STRLEN', 'SUBSTR',
      'BITCOUNT', 'BITFIELD', 'BITFIELD_RO', 'BITOP', 'BITPOS', 'GETBIT', 'SETBIT',
    ],
  },
  {
    reason: 'hash commands (with field expiry from Redis 7.4/8): keys named, in the namespace',
    commands: [
      'HDEL', 'HEXISTS', 'HGET', 'HGETALL', 'HINCRBY', 'HINCRBYFLOAT', 'HKEYS', 'HLEN', 'HMGET', 'HMSET', 'HRANDFIELD',
      'HSCAN', 'HSET', 'HSETNX', 'HSTRLEN', 'HVALS', 'HEXPIRE', 'HPEXPIRE', 'HEXPIREAT', 'HPEXPIREAT', 'HTTL', 'HPTTL',
      'HEXPIRETIME', 'HPEXPIRETIME', 'HPERSIST', 'HGETDEL', 'HGETEX', 'HSETEX',
    ],
  },
  {
    reason: 'list commands; the blocking ones only with a timeout of at most 30 s',
    commands: [
      'BLMOVE', 'BLMPOP', 'BLPOP', 'BRPOP', 'BRPOPLPUSH', 'LINDEX', 'LINSERT', 'LLEN', 'LMOVE', 'LMPOP', 'LPOP', 'LPOS',
      'LPUSH', 'LPUSHX', 'LRANGE', 'LREM', 'LSET', 'LTRIM', 'RPOP', 'RPOPLPUSH', 'RPUSH', 'RPUSHX',
    ],
  },
  {
    reason: 'set commands: keys named, in the namespace',
    commands: [
      'SADD', 'SCARD', 'SDIFF', 'SDIFFSTORE', 'SINTER', 'SINTERCARD', 'SINTERSTORE', 'SISMEMBER', 'SMEMBERS',
      'SMISMEMBER', 'SMOVE', 'SPOP', 'SRANDMEMBER', 'SREM', 'SSCAN', 'SUNION', 'SUNIONSTORE',
    ],
  },
  {
    reason: 'sorted-set commands; the blocking ones only with a timeout of at most 30 s',
    commands: [
      'BZMPOP', 'BZPOPMAX', 'BZPOPMIN', 'ZADD', 'ZCARD', 'ZCOUNT', 'ZDIFF', 'ZDIFFSTORE', 'ZINCRBY', 'ZINTER',
      'ZINTERCARD', 'ZINTERSTORE', 'ZLEXCOUNT', 'ZMPOP', 'ZMSCORE', 'ZPOPMAX', 'ZPOPMIN', 'ZRANDMEMBER', 'ZRANGE',
      'ZRANGEBYLEX', 'ZRANGEBYSCORE', 'ZRANGESTORE', 'ZRANK', 'ZREM', 'ZREMRANGEBYLEX', 'ZREMRANGEBYRANK',
      'ZREMRANGEBYSCORE', 'ZREVRANGE', 'ZREVRANGEBYLEX', 'ZREVRANGEBYSCORE', 'ZREVRANK', 'ZSCAN', 'ZSCORE', 'ZUNION',
      'ZUNIONSTORE',
    ],
  },
  {
    reason: 'stream commands; XREAD/XREADGROUP BLOCK only up to 30 s (the last BLOCK counts, as Redis reads it)',
    commands: [
      'XACK', 'XADD', 'XAUTOCLAIM', 'XCLAIM', 'XDEL', 'XGROUP|CREATE', 'XGROUP|CREATECONSUMER', 'XGROUP|DELCONSUMER',
      'XGROUP|DESTROY', 'XGROUP|SETID', 'XINFO|STREAM', 'XINFO|GROUPS', 'XINFO|CONSUMERS', 'XLEN', 'XPENDING', 'XRANGE',
      'XREAD', 'XREADGROUP', 'XREVRANGE', 'XSETID', 'XTRIM',
    ],
  },
  {
    reason: 'geo and HyperLogLog commands: keys named (including STORE/STOREDIST), in the namespace',
    commands: [
      'GEOADD', 'GEODIST', 'GEOHASH', 'GEOPOS', 'GEORADIUS', 'GEORADIUSBYMEMBER', 'GEORADIUS_RO',
      'GEORADIUSBYMEMBER_RO', 'GEOSEARCH', 'GEOSEARCHSTORE', 'PFADD', 'PFCOUNT', 'PFMERGE',
    ],
  },
  {
    reason: 'Redis 8 vector sets: keys named, in the namespace',
    commands: ['VADD', 'VCARD', 'VDIM', 'VEMB', 'VGETATTR', 'VINFO', 'VLINKS', 'VRANDMEMBER', 'VREM', 'VSETATTR', 'VSIM'],
  },
  {
    reason: 'generic key commands: keys named, in the namespace, in this database only (COPY without DB)',
    commands: [
      'DEL', 'UNLINK', 'EXISTS', 'TYPE', 'TTL', 'PTTL', 'EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT', 'EXPIRETIME',
      'PEXPIRETIME', 'PERSIST', 'RENAME', 'RENAMENX', 'COPY', 'TOUCH', 'DUMP', 'OBJECT|ENCODING', 'OBJECT|FREQ',
      'OBJECT|IDLETIME', 'OBJECT|REFCOUNT', 'MEMORY|USAGE',
    ],
  },
  {
    reason: 'SORT: its key, its last STORE and every BY/GET pattern must be in the namespace',
    commands: ['SORT', 'SORT_RO'],
  },
  {
    reason: 'SCAN: only with a MATCH pattern inside the namespace (the last MATCH counts, as Redis reads it)',
    commands: ['SCAN'],
  },
  {
    reason: 'transactions: held by redis-learn until EXEC, which runs them atomically with the ownership check',
    commands: ['MULTI', 'EXEC', 'DISCARD', 'WATCH', 'UNWATCH'],
  },
  {
    reason: 'pub/sub: only channels inside the namespace (publishing elsewhere would write into someone else\'s system)',
    commands: ['PUBLISH', 'SPUBLISH', 'PUBSUB|CHANNELS', 'PUBSUB|NUMSUB', 'PUBSUB|NUMPAT', 'PUBSUB|SHARDCHANNELS', 'PUBSUB|SHARDNUMSUB'],
  },
  {
    reason: 'read-only questions about this connection and the server: they change nothing',
    commands: [
      'PING', 'ECHO', 'TIME', 'DBSIZE', 'LOLWUT', 'INFO', 'CLIENT|ID', 'CLIENT|GETNAME', 'CLIENT|INFO', 'COMMAND|COUNT',
      'COMMAND|DOCS', 'COMMAND|INFO', 'COMMAND|LIST', 'COMMAND|GETKEYS', 'COMMAND|GETKEYSANDFLAGS', 'MEMORY|STATS',
      'MEMORY|DOCTOR', 'LATENCY|LATEST', 'LATENCY|DOCTOR',
    ],
  },
  {
    reason: 'CONFIG GET of one named setting, not a password, user or TLS setting',
    commands: ['CONFIG|GET'],
  },
];

/** Module data types whose commands declare their keys (JSON, Bloom, Cuckoo, Count-min, Top-K, t-digest, TimeSeries). */
export const ALLOWED_MODULE_PREFIXES: readonly string[] = ['JSON.', 'BF.', 'CF.', 'CMS.', 'TOPK.', 'TDIGEST.', 'TS.'];

const INDEX = new Map<string, string>();
for (const g of SHARED_ALLOWLIST) for (const c of g.commands) INDEX.set(c.toLowerCase(), g.reason);

/**
 * Why this command may run on a shared server, or null when it may not. `container` says whether the server lists
 * subcommands for it (CONFIG, OBJECT …): then only the listed subcommands are allowed.
 */
export function allowedOnShared(args: readonly string[], container: boolean): string | null {
  const name = String(args[0] ?? '').toLowerCase();
  if (container) return INDEX.get(`${name}|${String(args[1] ?? '').toLowerCase()}`) ?? null;
  const hit = INDEX.get(name);
  if (hit) return hit;
  const upper = name.toUpperCase();
  if (ALLOWED_MODULE_PREFIXES.some((p) => upper.startsWith(p))) {
    return 'a module data type whose commands declare their keys, which must be in the namespace';
  }
  return null;
}
