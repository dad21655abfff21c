// The restricted user docker-compose.yml defines, read from the file itself: docker-compose.test.ts checks it against
// learner-acl.ts, learner-acl.test.ts starts a real redis-server with exactly these arguments.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './helpers.js';

export interface ComposeService {
  image: string;
  command?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

export function readCompose(): ComposeFile {
  return parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as ComposeFile;
}

/** The redis service's command as a list (a string command would be split by a shell-like rule we do not want to guess). */
export function composeRedisCommand(compose: ComposeFile = readCompose()): string[] {
  const cmd = compose.services.redis?.command;
  if (!Array.isArray(cmd) || !cmd.every((a) => typeof a === 'string')) {
    throw new Error('docker-compose.yml: services.redis.command must be a list of strings');
  }
  return cmd;
}

/**
 * The redis-server arguments that define `user`: `--user NAME rule…`, up to the next `--option` (that is how
 * redis-server groups command-line arguments into config lines). Throws unless there is exactly one such group.
 */
export function composeUserArgs(user: string, cmd: string[] = composeRedisCommand()): string[] {
  const groups: string[][] = [];
  for (let i = 0; i < cmd.length; i++) {
    if (cmd[i] !== '--user' || cmd[i + 1] !== user) continue;
    let j = i + 1;
    while (j < cmd.length && !cmd[j]!.startsWith('--')) j++;
    groups.push(cmd.slice(i, j));
  }
  if (groups.length !== 1) throw new Error(`docker-compose.yml defines user ${user} ${groups.length} times (want once)`);
  return groups[0]!;
}

/** Splits `--user NAME rule…` into its password rules (`>pass`) and the other rules, order kept. */
export function splitUserArgs(args: string[]): { user: string; passwords: string[]; rules: string[] } {
  const [, user, ...rest] = args;
  return {
    user: user!,
    passwords: rest.filter((r) => r.startsWith('>')).map((r) => r.slice(1)),
    rules: rest.filter((r) => !r.startsWith('>')),
  };
}
