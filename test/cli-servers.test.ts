// The server matrix from the command line: `servers` lists what a private run can use, `--server` picks it, and a
// lesson scores full marks on Redis 8 and Valkey 8 (prepared by `redis-learn servers prepare`, as CI does).
import { describe, expect, it } from 'vitest';
import { runCli, serverUrl, tempConfigHome } from './helpers.js';

interface ServersJson {
  selected: string;
  servers: { name: string; available: boolean; version: string | null }[];
}

async function servers(env: Record<string, string> = {}): Promise<ServersJson> {
  const r = await runCli(['servers', '--json'], { env });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ServersJson;
}

describe('redis-learn servers', () => {
  it('lists system, redis-8 and valkey-8 with what each reports, and the one selected', async () => {
    const list = await servers();
    expect(list.servers.map((s) => s.name)).toEqual(['system', 'redis-8', 'valkey-8']);
    expect(list.selected).toBe(process.env.REDIS_LEARN_SERVER ?? 'system');
    const system = list.servers[0]!;
    expect(system.available).toBe(true);
    expect(system.version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const s of list.servers.filter((x) => x.available)) expect(s.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('refuses an unknown server, --server with --url, and an unknown action, in one line with exit 2', async () => {
    const bad = await runCli(['lessons', '--server', 'redis-9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('redis-learn: unknown server "redis-9". Servers: system, redis-8, valkey-8');
    const both = await runCli(['doctor', '--server', 'redis-8', '--url', serverUrl(0)]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--server redis-8 starts a private server; it cannot be combined with --url/);
    const action = await runCli(['servers', 'frobnicate']);
    expect(action.code).toBe(2);
    expect(action.stderr).toMatch(/unknown action "frobnicate"/);
  });

  it('says how to prepare a matrix server that is not there, instead of starting another', async () => {
    const r = await runCli(['doctor', '--server', 'valkey-8'], { env: { REDIS_LEARN_SERVERS_DIR: tempConfigHome() } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'redis-learn: valkey-8 is not prepared here: run `redis-learn servers prepare` (Debian 13 packages via debootstrap, about 230 MB, as root)',
    );
  });
});

describe.each(['redis-8', 'valkey-8'])('lesson simple --auto --server %s', (name) => {
  it('scores full marks on that server, and says which server it ran on', async () => {
    const ready = (await servers()).servers.find((s) => s.name === name)!;
    const r = await runCli(['lesson', 'simple', '--auto', '--json', '--server', name], { env: { XDG_CONFIG_HOME: tempConfigHome() } });
    if (!ready.available) {
      // Not prepared on this machine (CI prepares both): the run says how, and nothing starts.
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`${name} is not prepared here`));
      return;
    }
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { score: number; maxScore: number; server: { private: boolean } };
    expect(result.score).toBe(result.maxScore);
    expect(result.server.private).toBe(true);
    expect(r.stderr).toMatch(name === 'redis-8' ? /^Redis 8\.\d+\.\d+ · private server/ : /^Valkey 8\.\d+\.\d+ · private server/);
  });
});
