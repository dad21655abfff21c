// `redis-learn servers [prepare]`: which redis-server builds a private run can use, and preparing Redis 8 / Valkey 8.
import { UsageError } from '../errors.js';
import { prepareServers, selectedServer, serverStatuses, serversDir } from '../redis/servers.js';
import { renderTable } from '../ui/table.js';
import { c, sym } from '../ui/theme.js';
import { emitJson } from './output.js';

export interface ServersOptions {
  json?: boolean;
}

export async function serversCommand(action: string | undefined, opts: ServersOptions): Promise<void> {
  if (action !== undefined && action !== 'prepare') throw new UsageError(`unknown action "${action}" (servers takes: prepare)`);
  if (action === 'prepare') {
    const say = (line: string) => (opts.json ? process.stderr : process.stdout).write(`${line}\n`);
    await prepareServers(say);
  }
  const statuses = serverStatuses();
  const inUse = selectedServer();
  if (opts.json) {
    emitJson({ selected: inUse, dir: serversDir(), servers: statuses });
    return;
  }
  process.stdout.write(
    `${renderTable(
      ['server', 'ready', 'version', 'where'],
      statuses.map((s) => [
        s.name === inUse ? `${s.name} (selected)` : s.name,
        s.available ? c.green(sym.ok) : c.red(sym.fail),
        s.version ?? '-',
        s.where ?? (s.name === 'system' ? 'install redis-server' : 'run: redis-learn servers prepare'),
      ]),
      { columns: [{ priority: 3 }, { priority: 3 }, { priority: 2 }, { priority: 0 }] },
    )}\n`,
  );
  process.stdout.write(c.dim('Pick one with --server <name> (a private server of that build is started and stopped for the run).\n'));
}
