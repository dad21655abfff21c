// docker-compose.yml's structure (no Docker engine runs on our machines, so the file is checked, not started).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './helpers.js';

interface Service {
  image: string;
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

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
