// `redis-learn doctor`: which server, its version and modules, latency, RedisInsight, local tools, and what to do next.
import { spawnSync } from 'node:child_process';
import { loadedModules, serverInfo } from '../redis/capabilities.js';
import { REDISINSIGHT_URL, connectRedis, describeTarget } from '../redis/connect.js';
import { findRedisServer, redisServerVersion } from '../redis/private-server.js';
import { progressPath } from '../progress/store.js';
import type { GlobalOptions } from '../session.js';
import { c, sym } from '../ui/theme.js';

function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

async function reachable(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return res.status < 500;
  } catch {
    return false;
  }
}

export async function doctorCommand(opts: { json?: boolean }, g: GlobalOptions): Promise<void> {
  const tools = {
    redisServer: findRedisServer(),
    redisServerVersion: redisServerVersion(),
    redisCli: onPath('redis-cli'),
    redisBenchmark: onPath('redis-benchmark'),
    docker: onPath('docker'),
  };
  const conn = await connectRedis({ url: g.url, private: g.private });
  try {
    const t = conn.target;
    const samples: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t0 = process.hrtime.bigint();
      await conn.client.ping();
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    samples.sort((a, b) => a - b);
    const mem = await serverInfo(conn.client, 'memory');
    const server = await serverInfo(conn.client, 'server');
    const modules = await loadedModules(conn.client);
    const insight = t.kind === 'compose' ? await reachable(REDISINSIGHT_URL, 800) : false;
    const report = {
      server: {
        kind: t.kind,
        address: t.displayUrl,
        version: t.version,
        private: t.private,
        mode: server.redis_mode ?? 'standalone',
        os: server.os ?? '',
        maxmemory: Number(mem.maxmemory ?? 0),
        maxmemoryPolicy: mem.maxmemory_policy ?? '',
        usedMemory: Number(mem.used_memory ?? 0),
      },
      modules,
      latencyMs: { median: samples[10], p95: samples[19], min: samples[0] },
      redisInsight: t.kind === 'compose' ? { url: REDISINSIGHT_URL, reachable: insight } : null,
      tools,
      progressFile: progressPath(),
      next: [] as string[],
    };
    if (t.kind === 'private') report.next.push('Keys vanish when the private server stops; for RedisInsight run `docker compose up -d` (see README).');
    if (!modules.length) report.next.push('No modules loaded: JSON/Search steps explain instead of run. Redis 8 (docker compose) has them built in.');
    if (!tools.redisBenchmark) report.next.push('Install redis-tools for `redis-learn bench --ceiling`.');
    report.next.push('Start learning: redis-learn lesson simple');
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const ok = (b: boolean) => (b ? c.green(sym.ok) : c.yellow(sym.fail));
    const lines = [
      describeTarget(t, g.namespace),
      `${ok(true)} server      ${t.kind} · ${t.displayUrl} · Redis ${t.version} (${report.server.mode})`,
      `${ok(true)} latency     PING median ${report.latencyMs.median!.toFixed(3)} ms, p95 ${report.latencyMs.p95!.toFixed(3)} ms`,
      `${ok(modules.length > 0)} modules     ${modules.length ? modules.join(', ') : 'none'}`,
      `${ok(true)} memory      used ${(report.server.usedMemory / 1024 / 1024).toFixed(1)} MB · maxmemory ${report.server.maxmemory || 'unlimited'} · policy ${report.server.maxmemoryPolicy}`,
      t.kind === 'compose'
        ? `${ok(insight)} RedisInsight ${REDISINSIGHT_URL} ${insight ? 'answers' : 'does not answer (docker compose up -d)'}`
        : `${c.dim('-')} RedisInsight only with the docker-compose Redis`,
      `${ok(Boolean(tools.redisServer))} redis-server ${tools.redisServer ? `${tools.redisServer} (${tools.redisServerVersion ?? '?'})` : 'not installed'}`,
      `${ok(tools.redisCli)} redis-cli   ${ok(tools.redisBenchmark)} redis-benchmark   ${ok(tools.docker)} docker client`,
      `${c.dim('progress:')} ${report.progressFile}`,
      '',
      ...report.next.map((n) => `${c.cyan(sym.arrow)} ${n}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await conn.close();
  }
}
