// Which Redis modules (JSON, Search, Bloom, TimeSeries) a server has, found at run time, and the backend a pattern runs on.
import type { RedisClient } from './client.js';

/** The modules the module-backed patterns can use. */
export type ModuleName = 'json' | 'search' | 'bloom' | 'timeseries';

/** Which of the modules the server answers for. */
export type ModuleSupport = Record<ModuleName, boolean>;

/** What a module-backed pattern is asked to run on: the module when the server has it ('auto', the default), always the module, or always core commands. */
export type PatternBackend = 'auto' | 'module' | 'core';

/** What a module-backed pattern actually runs on. */
export type ResolvedBackend = 'module' | 'core';

/** The option every module-backed pattern takes. */
export interface BackendOption {
  /** 'auto' (default): the module when the server has it, else core commands. 'module' throws if it is missing. */
  backend?: PatternBackend;
}

/** One command per module: the server knows it exactly when the module is loaded (or built in, as on Redis 8 with modules). */
export const MODULE_COMMANDS: Readonly<Record<ModuleName, string>> = {
  json: 'JSON.SET',
  search: 'FT.SEARCH',
  bloom: 'BF.ADD',
  timeseries: 'TS.ADD',
};

/** The module's usual name, for error messages. */
export const MODULE_TITLES: Readonly<Record<ModuleName, string>> = {
  json: 'RedisJSON',
  search: 'RediSearch (Redis Query Engine)',
  bloom: 'RedisBloom',
  timeseries: 'RedisTimeSeries',
};

const NAMES = Object.keys(MODULE_COMMANDS) as ModuleName[];

/** Thrown when `backend: 'module'` is asked for and the server does not have that module. */
export class ModuleUnavailableError extends Error {
  constructor(
    readonly module: ModuleName,
    readonly command: string = MODULE_COMMANDS[module],
  ) {
    super(
      `backend 'module' needs the ${MODULE_TITLES[module]} module, and this server does not know ${command}: ` +
        `load the module (or use a server that has it), or use backend 'core' or 'auto'`,
    );
    this.name = 'ModuleUnavailableError';
  }
}

// One detection per client: the answer does not change while the connection lives (MODULE LOAD at run time is rare;
// forgetModules() starts over). A WeakMap lets a closed client be garbage-collected with its entry.
const cache = new WeakMap<object, Promise<ModuleSupport>>();

/**
 * Asks the server which modules it has with one COMMAND INFO for JSON.SET, FT.SEARCH, BF.ADD and TS.ADD (null for a
 * command it does not know). It asks for what the pattern needs, not for a module's name: module names differ between
 * builds (Redis Stack, Redis 8's bundled modules, a hand-loaded .so), and a restricted ACL user may not run MODULE
 * LIST. The result is cached per client; a failed detection is not cached, so the next call asks again.
 */
export function detectModules(redis: RedisClient): Promise<ModuleSupport> {
  let found = cache.get(redis);
  if (!found) {
    found = (async () => {
      const reply = (await redis.call('COMMAND', 'INFO', ...NAMES.map((n) => MODULE_COMMANDS[n]))) as unknown[];
      const support = {} as ModuleSupport;
      NAMES.forEach((name, i) => (support[name] = Array.isArray(reply[i]) && reply[i].length > 0));
      return support;
    })();
    cache.set(redis, found);
    const mine = found;
    found.catch(() => {
      if (cache.get(redis) === mine) cache.delete(redis);
    });
  }
  return found;
}

/** Forgets the cached detection for a client (after MODULE LOAD, or in tests). */
export function forgetModules(redis: RedisClient): void {
  cache.delete(redis);
}

/**
 * The backend a pattern runs on: 'core' when asked; 'module' when asked and the module is there (else throws
 * ModuleUnavailableError, naming the module); for 'auto', whichever the server supports.
 */
export async function resolveModuleBackend(
  redis: RedisClient,
  module: ModuleName,
  backend: PatternBackend = 'auto',
): Promise<ResolvedBackend> {
  if (backend === 'core') return 'core';
  if (backend !== 'auto' && backend !== 'module') throw new TypeError(`backend must be 'auto', 'module' or 'core', got ${String(backend)}`);
  const present = (await detectModules(redis))[module];
  if (backend === 'module' && !present) throw new ModuleUnavailableError(module);
  return present ? 'module' : 'core';
}
