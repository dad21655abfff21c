// Lesson observability (Advanced, production lab: single): diagnosing a misbehaving server from its own reports.
// A prepared shop (a big key, a hot key, a slow command, sessions without TTL, a reader that stopped reading) runs on
// a lab node while the learner reads INFO stats and commandstats, the slow log, the latency monitor, MEMORY STATS,
// big keys by elements and by bytes, hot keys under LFU, CLIENT LIST and keyspace notifications. Metadata and step
// order here; behaviour in the section files, prose in observability.md.
import { defineLesson } from '../../engine/prose.js';
import { clientSteps } from './clients.js';
import { diagnoseSteps } from './diagnose.js';
import { memorySteps } from './memory.js';
import { notifySteps } from './notify.js';
import { EVENTS, FEATURED, FLASH_KEYS, LATENCY_THRESHOLD_MS, NAMES, RENDER_FIELDS, SESSIONS, SLOWLOG_THRESHOLD_US } from './shared.js';

export const observabilityLesson = defineLesson({
  id: 'observability',
  level: 'Advanced',
  minutes: 40,
  summary:
    'Diagnose a misbehaving server from its own reports, on a lab node of its own while a prepared app misbehaves: the ' +
    'hit ratio from INFO stats, calls vs time per call in INFO commandstats, the slow log and the latency monitor, ' +
    'MEMORY STATS and DOCTOR, the key with the most memory (not the most elements), the hot key through OBJECT FREQ ' +
    'under LFU, the client whose output buffer grows in CLIENT LIST, and expired-key notifications.',
  keys: ['observability:*'],
  lab: { topology: 'single' },
  prose: new URL('./observability.md', import.meta.url),
  vars: {
    events: EVENTS.toLocaleString('en-US'),
    renderFields: RENDER_FIELDS.toLocaleString('en-US'),
    sessions: SESSIONS.toLocaleString('en-US'),
    featured: FEATURED.map((id) => `\`{ns}observability:product:${id}\``).join(', '),
    web: NAMES.web,
    report: NAMES.report,
    reader: NAMES.reader,
    publisher: NAMES.publisher,
    slowlogUs: SLOWLOG_THRESHOLD_US,
    latencyMs: LATENCY_THRESHOLD_MS,
    flashKeys: FLASH_KEYS,
  },
  steps: [
    { id: 'intro', kind: 'explain' },
    ...diagnoseSteps,
    ...memorySteps,
    ...clientSteps,
    ...notifySteps,
    { id: 'wrap-up', kind: 'explain' },
  ],
});
