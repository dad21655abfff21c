// docker-compose.yml's structure (no Docker engine runs on our machines, so the file is checked, not started).
// learner-acl.test.ts starts a real redis-server with the same user-defining arguments, read from the same file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPOSE_LEARNER_PASSWORD, LEARNER_USER, learnerAclRules } from '../src/redis/learner-acl.js';
import { DEFAULT_NAMESPACE } from '../src/redis/sandbox.js';
import { composeRedisCommand, composeUserArgs, readCompose, splitUserArgs, type ComposeFile } from './compose-user.js';
import { ROOT } from './helpers.js';

const compose = readCompose();

describe('docker-compose.yml', () => {
  it('runs Redis 8 on 6379 with a PING healthcheck and a named volume', () => {
    const redis = compose.services.redis!;
    expect(redis.image).toBe('redis:8');
    expect(redis.ports).toContain('6379:6379');
    expect(redis.healthcheck!.test.join(' ')).toMatch(/redis-cli ping \| grep -q PONG/);
    const volume = redis.volumes![0]!.split(':')[0]!;
    expect(Object.keys(compose.volumes)).toContain(volume);
  });

  it('runs RedisInsight on 5540, pre-configured to that Redis, after it is healthy', () => {
    const ri = compose.services.redisinsight!;
    expect(ri.image).toBe('redis/redisinsight:latest');
    expect(ri.ports).toContain('5540:5540');
    expect(ri.environment).toMatchObject({ RI_REDIS_HOST: 'redis', RI_REDIS_PORT: '6379' });
    expect(ri.environment!.RI_REDIS_ALIAS).toBeTruthy();
    expect(ri.depends_on!.redis!.condition).toBe('service_healthy');
  });

  it('matches the address the CLI prints for RedisInsight', async () => {
    const { REDISINSIGHT_URL, COMPOSE_PORT } = await import('../src/redis/connect.js');
    expect(REDISINSIGHT_URL).toBe('http://localhost:5540');
    expect(COMPOSE_PORT).toBe(6379);
  });
});

describe("docker-compose.yml's restricted learner user", () => {
  const cmd = composeRedisCommand(compose);

  it('starts redis-server itself, so the image entrypoint keeps appending its --loadmodule arguments', () => {
    expect(cmd[0]).toBe('redis-server');
    // A config file as first argument would change how the entrypoint reads the rest; every argument is an --option group.
    expect(cmd[1]).toMatch(/^--/);
  });

  it('defines the user with exactly learnerAclRules(the default namespace) and the password connect.ts logs in with', () => {
    const args = composeUserArgs(LEARNER_USER, cmd);
    const { user, passwords, rules } = splitUserArgs(args);
    expect(args[0]).toBe('--user');
    expect(user).toBe(LEARNER_USER);
    expect(DEFAULT_NAMESPACE).toBe('learn:');
    expect(rules).toEqual(learnerAclRules(DEFAULT_NAMESPACE));
    expect(passwords).toEqual([COMPOSE_LEARNER_PASSWORD]);
    // The password comes last: the rules are the whole user, nothing after them re-opens it.
    expect(args.at(-1)).toBe(`>${COMPOSE_LEARNER_PASSWORD}`);
  });

  it('leaves the default user alone: no password, no ACL file, no redefinition (redis-learn and RedisInsight use it)', () => {
    const joined = cmd.join(' ');
    expect(joined).not.toMatch(/--requirepass|--aclfile|--user default\b/);
    // DEBUG and MODULE stay off for every user, as Redis ships them (learner-acl.test.ts shows the ACL refuses them too).
    expect(joined).not.toMatch(/--enable-debug-command|--enable-module-command|--enable-protected-configs/);
    expect(cmd.filter((a) => a === '--user')).toHaveLength(1);
    expect(compose.services.redisinsight!.environment).not.toHaveProperty('RI_REDIS_PASSWORD');
    expect(compose.services.redisinsight!.environment).not.toHaveProperty('RI_REDIS_USERNAME');
  });

  it('reads the same under YAML 1.1 and 1.2: nothing becomes an anchor, a folded block or a boolean', () => {
    // Unquoted, `&learn:*` is an anchor, `>redis-learn` a folded scalar and `on` a YAML 1.1 boolean.
    const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const yaml11 = parse(text, { version: '1.1' }) as ComposeFile;
    expect(yaml11.services.redis!.command).toEqual(cmd);
    expect(cmd).toContain('&learn:*');
    expect(cmd).toContain('on');
    expect(cmd.every((a) => typeof a === 'string' && a.length > 0)).toBe(true);
  });
});
