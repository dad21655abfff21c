// Commands the sandbox refuses on a shared server or confirms on a private one, each with its reason.

export type Policy =
  /** Never sent: it would break the sandbox or the session. */
  | 'refuse'
  /** Refused on a server the tool did not start; asked about on its private server. */
  | 'refuse-shared'
  /** Asked about everywhere. */
  | 'confirm';

export interface DangerousCommand {
  command: string;
  /** A subcommand, when only that form is dangerous (CONFIG SET, not CONFIG GET). */
  sub?: string;
  policy: Policy;
  reason: string;
}

export const DANGEROUS_COMMANDS: readonly DangerousCommand[] = [
  { command: 'FLUSHALL', policy: 'refuse-shared', reason: 'deletes every key in every database, not just the sandbox' },
  { command: 'FLUSHDB', policy: 'refuse-shared', reason: 'deletes every key in this database, not just the sandbox' },
  { command: 'SHUTDOWN', policy: 'refuse', reason: 'stops the server for everyone using it' },
  { command: 'DEBUG', policy: 'refuse-shared', reason: 'can crash, freeze or reload the server' },
  { command: 'CONFIG', sub: 'SET', policy: 'refuse-shared', reason: 'changes server settings for every client' },
  { command: 'CONFIG', sub: 'RESETSTAT', policy: 'refuse-shared', reason: 'wipes statistics other people rely on' },
  { command: 'CONFIG', sub: 'REWRITE', policy: 'refuse', reason: "rewrites the server's config file on disk" },
  { command: 'KEYS', policy: 'refuse-shared', reason: 'walks the whole keyspace in one blocking call; use SCAN with MATCH' },
  { command: 'SCRIPT', sub: 'FLUSH', policy: 'refuse-shared', reason: 'removes every cached Lua script, breaking other clients' },
  { command: 'FUNCTION', sub: 'FLUSH', policy: 'refuse-shared', reason: 'deletes every function library on the server' },
  { command: 'FUNCTION', sub: 'DELETE', policy: 'refuse-shared', reason: 'deletes a function library other clients may call' },
  { command: 'FUNCTION', sub: 'RESTORE', policy: 'refuse-shared', reason: 'replaces function libraries on the server' },
  { command: 'CLIENT', sub: 'KILL', policy: 'refuse-shared', reason: "disconnects other people's clients" },
  { command: 'CLIENT', sub: 'PAUSE', policy: 'refuse-shared', reason: 'stops the server answering every client' },
  { command: 'REPLICAOF', policy: 'refuse', reason: 'turns the server into a replica and discards its data' },
  { command: 'SLAVEOF', policy: 'refuse', reason: 'turns the server into a replica and discards its data' },
  { command: 'FAILOVER', policy: 'refuse', reason: 'hands the primary role to a replica' },
  { command: 'CLUSTER', policy: 'refuse-shared', reason: 'changes cluster topology' },
  { command: 'MIGRATE', policy: 'refuse', reason: 'moves keys to another server' },
  { command: 'MOVE', policy: 'refuse', reason: 'moves a key out of the database the sandbox watches' },
  { command: 'SWAPDB', policy: 'refuse', reason: 'swaps whole databases under every client' },
  { command: 'SELECT', policy: 'refuse', reason: 'the sandbox lives in one database; use --url …/N to pick another' },
  { command: 'SAVE', policy: 'refuse-shared', reason: 'blocks the server while it writes the whole dataset to disk' },
  { command: 'BGREWRITEAOF', policy: 'refuse-shared', reason: 'starts a heavy background rewrite on a shared server' },
  { command: 'MODULE', sub: 'LOAD', policy: 'refuse', reason: 'loads native code into the server' },
  { command: 'MODULE', sub: 'UNLOAD', policy: 'refuse', reason: 'unloads a module other clients may use' },
  { command: 'ACL', sub: 'SETUSER', policy: 'refuse-shared', reason: 'changes who may do what on the server' },
  { command: 'ACL', sub: 'DELUSER', policy: 'refuse-shared', reason: 'deletes server users' },
  { command: 'MONITOR', policy: 'refuse', reason: 'streams every command forever; the prompt could not take input' },
  { command: 'SUBSCRIBE', policy: 'refuse', reason: 'puts the connection in subscriber mode; lessons show pub/sub on a second connection' },
  { command: 'PSUBSCRIBE', policy: 'refuse', reason: 'puts the connection in subscriber mode; lessons show pub/sub on a second connection' },
  { command: 'SSUBSCRIBE', policy: 'refuse', reason: 'puts the connection in subscriber mode' },
  { command: 'RESET', policy: 'refuse', reason: 'resets the connection state the sandbox relies on' },
  { command: 'QUIT', policy: 'refuse', reason: 'closes the connection; type :quit to leave' },
  { command: 'HELLO', policy: 'refuse', reason: 'switches the protocol under the client' },
];

export function findDangerous(args: readonly string[]): DangerousCommand | undefined {
  const name = String(args[0] ?? '').toUpperCase();
  const sub = String(args[1] ?? '').toUpperCase();
  return DANGEROUS_COMMANDS.find((d) => d.command === name && (d.sub === undefined || d.sub === sub));
}
