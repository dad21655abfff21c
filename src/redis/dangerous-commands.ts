// Commands refused everywhere, or confirmed before they run on the private server, each with its reason.
// On a shared server nothing off the allowlist (shared-allowlist.ts) runs at all; this table says why, for the
// commands people are most likely to try.

export type Policy =
  /** Never sent, not even to the private server: it would break the sandbox or the session. */
  | 'refuse'
  /** Refused on a shared server (it is not on the allowlist); asked about on the private server. */
  | 'confirm'
  /** Refused on a shared server (it is not on the allowlist); runs on the private server without asking. */
  | 'private';

export interface DangerousCommand {
  command: string;
  /** A subcommand, when only that form is dangerous (CONFIG SET, not CONFIG GET). */
  sub?: string;
  policy: Policy;
  reason: string;
}

export const DANGEROUS_COMMANDS: readonly DangerousCommand[] = [
  { command: 'FLUSHALL', policy: 'confirm', reason: 'deletes every key in every database, not just the sandbox' },
  { command: 'FLUSHDB', policy: 'confirm', reason: 'deletes every key in this database, not just the sandbox' },
  { command: 'SHUTDOWN', policy: 'refuse', reason: 'stops the server for everyone using it' },
  { command: 'DEBUG', policy: 'confirm', reason: 'can crash, freeze or reload the server' },
  { command: 'CONFIG', sub: 'SET', policy: 'confirm', reason: 'changes server settings for every client' },
  { command: 'CONFIG', sub: 'RESETSTAT', policy: 'confirm', reason: 'wipes statistics other people rely on' },
  { command: 'CONFIG', sub: 'REWRITE', policy: 'refuse', reason: "rewrites the server's config file on disk" },
  { command: 'KEYS', policy: 'confirm', reason: 'walks the whole keyspace in one blocking call; use SCAN with MATCH' },
  { command: 'SCRIPT', sub: 'FLUSH', policy: 'confirm', reason: 'removes every cached Lua script, breaking other clients' },
  { command: 'FUNCTION', sub: 'FLUSH', policy: 'confirm', reason: 'deletes every function library on the server' },
  { command: 'FUNCTION', sub: 'DELETE', policy: 'confirm', reason: 'deletes a function library other clients may call' },
  { command: 'FUNCTION', sub: 'RESTORE', policy: 'confirm', reason: 'replaces function libraries on the server' },
  { command: 'CLIENT', sub: 'KILL', policy: 'confirm', reason: "disconnects other people's clients" },
  { command: 'CLIENT', sub: 'PAUSE', policy: 'confirm', reason: 'stops the server answering every client' },
  { command: 'REPLICAOF', policy: 'refuse', reason: 'turns the server into a replica and discards its data' },
  { command: 'SLAVEOF', policy: 'refuse', reason: 'turns the server into a replica and discards its data' },
  { command: 'FAILOVER', policy: 'refuse', reason: 'hands the primary role to a replica' },
  { command: 'CLUSTER', policy: 'confirm', reason: 'changes cluster topology' },
  { command: 'MIGRATE', policy: 'refuse', reason: 'moves keys to another server' },
  { command: 'MOVE', policy: 'refuse', reason: 'moves a key out of the database the sandbox watches' },
  { command: 'SWAPDB', policy: 'refuse', reason: 'swaps whole databases under every client' },
  { command: 'SELECT', policy: 'refuse', reason: 'the sandbox lives in one database; use --url …/N to pick another' },
  { command: 'SAVE', policy: 'confirm', reason: 'blocks the server while it writes the whole dataset to disk' },
  { command: 'BGREWRITEAOF', policy: 'confirm', reason: 'starts a heavy background rewrite on a shared server' },
  { command: 'MODULE', sub: 'LOAD', policy: 'refuse', reason: 'loads native code into the server' },
  { command: 'MODULE', sub: 'UNLOAD', policy: 'refuse', reason: 'unloads a module other clients may use' },
  { command: 'ACL', sub: 'SETUSER', policy: 'confirm', reason: 'changes who may do what on the server' },
  { command: 'ACL', sub: 'DELUSER', policy: 'confirm', reason: 'deletes server users' },
  { command: 'MONITOR', policy: 'refuse', reason: 'streams every command forever; the prompt could not take input' },
  { command: 'SUBSCRIBE', policy: 'refuse', reason: 'puts the connection in subscriber mode; lessons show pub/sub on a second connection' },
  {
    command: 'PSUBSCRIBE',
    policy: 'refuse',
    reason: 'puts the connection in subscriber mode; lessons show pub/sub on a second connection',
  },
  { command: 'SSUBSCRIBE', policy: 'refuse', reason: 'puts the connection in subscriber mode' },
  { command: 'RESET', policy: 'refuse', reason: 'resets the connection state the sandbox relies on' },
  { command: 'QUIT', policy: 'refuse', reason: 'closes the connection; type :quit to leave' },
  { command: 'HELLO', policy: 'refuse', reason: 'switches the protocol or the user under the client' },
  { command: 'AUTH', policy: 'confirm', reason: 'logs the connection in as another user' },
  { command: 'SYNC', policy: 'refuse', reason: 'turns the connection into a replica stream of the whole dataset' },
  { command: 'PSYNC', policy: 'refuse', reason: 'turns the connection into a replica stream of the whole dataset' },
  { command: 'REPLCONF', policy: 'refuse', reason: 'is spoken between a primary and its replicas' },
  {
    command: 'CLIENT',
    sub: 'REPLY',
    policy: 'refuse',
    reason: 'stops the server answering this connection: the prompt would wait forever',
  },
  { command: 'CLIENT', sub: 'UNBLOCK', policy: 'confirm', reason: "wakes another client's blocking command" },
  { command: 'CLIENT', sub: 'UNPAUSE', policy: 'confirm', reason: 'undoes a pause someone else set' },
  {
    command: 'CLIENT',
    sub: 'TRACKING',
    policy: 'refuse',
    reason: 'sends invalidation messages this prompt cannot show; lessons demonstrate it on a second connection',
  },
  { command: 'CLIENT', sub: 'NO-EVICT', policy: 'confirm', reason: 'changes how the server treats this connection under memory pressure' },
  {
    command: 'SCRIPT',
    sub: 'DEBUG',
    policy: 'refuse',
    reason: 'starts the Lua debugger, which freezes the server while it waits (use redis-cli --ldb)',
  },
  { command: 'SCRIPT', sub: 'KILL', policy: 'confirm', reason: 'stops a script another client is running' },
  { command: 'FUNCTION', sub: 'KILL', policy: 'confirm', reason: 'stops a function another client is running' },
  {
    command: 'FUNCTION',
    sub: 'LOAD',
    policy: 'confirm',
    reason: 'installs server-side code every client can call (REPLACE overwrites a library)',
  },
  { command: 'EVAL', policy: 'private', reason: 'runs a script that can touch any key and blocks the server while it runs' },
  { command: 'EVALSHA', policy: 'private', reason: 'runs a script that can touch any key and blocks the server while it runs' },
  { command: 'EVAL_RO', policy: 'private', reason: 'runs a script that can read any key and blocks the server while it runs' },
  { command: 'EVALSHA_RO', policy: 'private', reason: 'runs a script that can read any key and blocks the server while it runs' },
  { command: 'FCALL', policy: 'private', reason: 'runs a function that can touch any key and blocks the server while it runs' },
  { command: 'FCALL_RO', policy: 'private', reason: 'runs a function that can read any key and blocks the server while it runs' },
  { command: 'SCRIPT', sub: 'LOAD', policy: 'private', reason: 'caches a script on the server for EVALSHA, which can touch any key' },
  { command: 'BGSAVE', policy: 'confirm', reason: 'forks the server to write the whole dataset to disk' },
  { command: 'LATENCY', sub: 'RESET', policy: 'confirm', reason: 'wipes latency history other people rely on' },
  { command: 'SLOWLOG', sub: 'RESET', policy: 'confirm', reason: 'wipes the slow log other people rely on' },
  { command: 'ACL', sub: 'LOG', policy: 'confirm', reason: 'shows or resets the security log of every user' },
  { command: 'MODULE', sub: 'LOADEX', policy: 'refuse', reason: 'loads native code into the server' },
  { command: 'COPY', policy: 'confirm', reason: 'with DB, writes into another database the sandbox does not watch' },
  { command: 'WAIT', policy: 'confirm', reason: 'waits for replicas' },
];

export function findDangerous(args: readonly string[]): DangerousCommand | undefined {
  const name = String(args[0] ?? '').toUpperCase();
  const sub = String(args[1] ?? '').toUpperCase();
  const hit = DANGEROUS_COMMANDS.find((d) => d.command === name && (d.sub === undefined || d.sub === sub));
  // COPY is an ordinary data command unless it names another database.
  if (hit?.command === 'COPY' && !args.slice(3).some((a) => a.toUpperCase() === 'DB')) return undefined;
  return hit;
}
