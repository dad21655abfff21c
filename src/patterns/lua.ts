// Lua scripts as ioredis custom commands: EVALSHA first, EVAL only when the server does not know the script yet.
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './client.js';

type Arg = string | number | Buffer;
type CommandFn = (...args: Arg[]) => Promise<unknown>;

/** A Lua script registered once per client with `defineCommand`, run by name with EVALSHA. */
export interface Script<R> {
  /** The command name it is registered under (prefixed so it cannot clash with a real command). */
  readonly name: string;
  readonly lua: string;
  /** Runs the script: EVAL the first time on a connection (which caches it on the server), EVALSHA after that. */
  run(redis: RedisClient, keys: readonly string[], args?: readonly Arg[]): Promise<R>;
  /** Queues the script in a pipeline or MULTI created from a client the script was defined on (see `define`). */
  queue(tx: ChainableCommander, keys: readonly string[], args?: readonly Arg[]): ChainableCommander;
  /** Registers the script on a client (done by `run` automatically; call it before `queue`). */
  define(redis: RedisClient): void;
}

/**
 * Defines a script with a fixed number of keys. Keys go in KEYS and everything else in ARGV, so the script works with
 * ACL key patterns and Redis Cluster. ioredis sends the text once per connection (EVAL, which caches it on the server)
 * and only the SHA after that (EVALSHA), resending the text if the server answers NOSCRIPT (a restart, SCRIPT FLUSH).
 * Values travel as arguments, so the server's script cache holds one entry per script, not one per value.
 */
export function defineScript<R = unknown>(name: string, numberOfKeys: number, lua: string): Script<R> {
  const command = `rl_${name}`;
  const define = (redis: RedisClient) => {
    if (typeof (redis as unknown as Record<string, unknown>)[command] !== 'function') redis.defineCommand(command, { numberOfKeys, lua });
  };
  const check = (keys: readonly string[]) => {
    if (keys.length !== numberOfKeys) throw new TypeError(`script ${name} takes ${numberOfKeys} keys, got ${keys.length}`);
  };
  return {
    name: command,
    lua,
    define,
    async run(redis, keys, args = []) {
      check(keys);
      define(redis);
      const fn = (redis as unknown as Record<string, CommandFn>)[command]!;
      return (await fn.call(redis, ...keys, ...args)) as R;
    },
    queue(tx, keys, args = []) {
      check(keys);
      const fn = (tx as unknown as Record<string, ((...a: Arg[]) => ChainableCommander) | undefined>)[command];
      if (typeof fn !== 'function') throw new TypeError(`script ${name} is not defined on this client: call define(redis) first`);
      return fn.call(tx, ...keys, ...args);
    },
  };
}
