// Lesson persistence (Advanced, production lab: single): RDB save points and BGSAVE, a kill -9 of an RDB-only node
// counted, the config file a restart reads (CONFIG SET versus CONFIG REWRITE), AOF and its three appendfsync policies
// measured side by side (throughput, survivors of kill -9) with what each risks on power loss, Redis 7's multi-part
// AOF and BGREWRITEAOF, and MISCONF from a save that cannot fit the disk. Metadata and step order here; behaviour in
// the section files, prose in persistence.md.
import { defineLesson } from '../../engine/prose.js';
import { aofSteps } from './aof.js';
import { DEFAULT_SAVE } from './lib/node.js';
import { misconfSteps } from './misconf.js';
import { rdbSteps } from './rdb.js';
import { rewriteSteps } from './rewrite.js';
import {
  BGSAVE_KEYS,
  LEDGER_KEYS,
  MISCONF_TRIES,
  POLICY_CLIENTS,
  POLICY_WRITES,
  RDB_AFTER,
  RDB_SAVED,
  REWRITE_VISITS,
  SNAP_KEYS,
  VISITS,
  WANTED_SAVE,
} from './shared.js';

export const persistenceLesson = defineLesson({
  id: 'persistence',
  level: 'Advanced',
  minutes: 40,
  summary:
    'What survives a crash, counted on a lab node of its own: RDB save points and BGSAVE, a kill -9 that takes every ' +
    'write since the last snapshot, CONFIG SET forgotten by a restart unless CONFIG REWRITE, AOF under always, everysec ' +
    'and no (throughput side by side; no acknowledged write lost to kill -9 under any; what each risks on power loss), ' +
    "Redis 7's multi-part AOF and BGREWRITEAOF, and MISCONF when a save no longer fits the disk.",
  keys: ['persistence:*'],
  lab: { topology: 'single' },
  prose: new URL('./persistence.md', import.meta.url),
  vars: {
    defaultSave: DEFAULT_SAVE,
    snapKeys: SNAP_KEYS,
    bgsaveKeys: BGSAVE_KEYS,
    wantedSave: WANTED_SAVE,
    rdbSaved: RDB_SAVED,
    rdbAfter: RDB_AFTER,
    policyWrites: POLICY_WRITES,
    policyClients: POLICY_CLIENTS,
    ledgerKeys: LEDGER_KEYS,
    visits: VISITS,
    rewriteVisits: REWRITE_VISITS,
    misconfTries: MISCONF_TRIES,
  },
  steps: [{ id: 'intro', kind: 'explain' }, ...rdbSteps, ...aofSteps, ...rewriteSteps, ...misconfSteps, { id: 'wrap-up', kind: 'explain' }],
});
