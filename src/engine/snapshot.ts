// Verify mode's undo: a wrong attempt runs from the exercise's starting state, then the namespace is put back.
import type { Sandbox } from '../redis/sandbox.js';
import { globEscape, scanAll } from '../redis/scan.js';

export interface Snapshot {
  /** Each key's dump and its absolute expiry in Unix ms (0: none). */
  keys: Map<string, { dump: Buffer; expireAt: number }>;
}

/**
 * Every key under the namespace (bookkeeping included), dumped: verify mode puts it back after a wrong attempt.
 * Expiries are kept as absolute times, so a restored key dies when the original would have (and when the
 * ownership bookkeeping expects it to), not later.
 */
export async function snapshotNamespace(sb: Sandbox): Promise<Snapshot> {
  const keys = new Map<string, { dump: Buffer; expireAt: number }>();
  for (const key of await scanAll(sb.admin, `${globEscape(sb.ns)}*`)) {
    // PEXPIRETIME (7.0+) gives the exact absolute expiry; before 7.0, PTTL from now is within a millisecond of it.
    const [dump, at] = await Promise.all([
      sb.admin.dumpBuffer(key),
      sb.admin.call('PEXPIRETIME', key).catch(async () => {
        const pttl = await sb.admin.pttl(key);
        return pttl > 0 ? Date.now() + pttl : pttl;
      }) as Promise<number>,
    ]);
    if (dump && at !== -2) keys.set(key, { dump, expireAt: at > 0 ? at : 0 });
  }
  return { keys };
}

export async function restoreNamespace(sb: Sandbox, snap: Snapshot): Promise<void> {
  for (const key of await scanAll(sb.admin, `${globEscape(sb.ns)}*`)) if (!snap.keys.has(key)) await sb.admin.unlink(key);
  for (const [key, { dump, expireAt }] of snap.keys) {
    if (expireAt === 0) await sb.admin.restore(key, 0, dump, 'REPLACE');
    else if (expireAt > Date.now()) await sb.admin.restore(key, expireAt, dump, 'REPLACE', 'ABSTTL');
    else await sb.admin.unlink(key);
  }
}
