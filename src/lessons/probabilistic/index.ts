// Lesson (Advanced): probabilistic structures and search — HyperLogLog, Bloom filters, geo, time series, nested JSON,
// full-text search and graphs, each on core commands that every server has, and the Redis 8 module version next to it
// where the server has the module. Metadata and step order here; behaviour in the section files, prose in
// probabilistic.md.
import { defineLesson } from '../../engine/prose.js';
import { backendSteps } from './backends.js';
import { bloomSteps } from './bloom.js';
import { geoSteps } from './geo.js';
import { graphSteps } from './graph.js';
import { hyperloglogSteps } from './hyperloglog.js';
import { jsonSteps } from './json.js';
import { searchSteps } from './search.js';
import {
  ABSENT_USERNAME,
  ABSENT_USERNAME_BITS,
  BLOOM_CAPACITY,
  BLOOM_PROBES,
  clock,
  CPU_CUTOFF,
  CPU_NEW,
  JSON_RACE_CLIENTS,
  JSON_RACE_INCREMENTS,
  NEW_USERNAME,
  NEW_USERNAME_BITS,
  USERNAME_SIZE,
} from './shared.js';
import { timeseriesSteps } from './timeseries.js';

export const probabilisticLesson = defineLesson({
  id: 'probabilistic',
  level: 'Advanced',
  minutes: 50,
  summary:
    'Approximate and specialised structures: HyperLogLog measured against an exact set, a Bloom filter on a bitmap ' +
    'filled past its capacity, geo search, time series with retention and rollups, JSON documents as hashes of paths ' +
    '(20 clients show the lost updates of a JSON string), full-text search with an inverted index of sets, and graphs ' +
    '(mutual friends, friends of friends); the Redis 8 modules run side by side where the server has them.',
  keys: ['probabilistic:*'],
  prose: new URL('./probabilistic.md', import.meta.url),
  vars: {
    bloomCapacity: BLOOM_CAPACITY.toLocaleString('en-US'),
    bloomDouble: (BLOOM_CAPACITY * 2).toLocaleString('en-US'),
    bloomProbes: BLOOM_PROBES.toLocaleString('en-US'),
    usernameBits: USERNAME_SIZE.bits,
    usernameHashes: USERNAME_SIZE.hashes,
    newUsername: NEW_USERNAME,
    newUsernameBits: NEW_USERNAME_BITS.join(', '),
    absentUsername: ABSENT_USERNAME,
    absentUsernameBits: ABSENT_USERNAME_BITS.join(', '),
    cpuNewTs: CPU_NEW.timestamp,
    cpuNewValue: CPU_NEW.value,
    cpuNewClock: clock(CPU_NEW.timestamp),
    cpuCutoff: CPU_CUTOFF,
    cpuCutoffClock: clock(CPU_CUTOFF),
    jsonClients: JSON_RACE_CLIENTS,
    jsonIncrements: JSON_RACE_INCREMENTS,
    jsonTotal: JSON_RACE_CLIENTS * JSON_RACE_INCREMENTS,
  },
  steps: [
    { id: 'overview', kind: 'explain' },
    ...backendSteps,
    ...hyperloglogSteps,
    ...bloomSteps,
    ...geoSteps,
    ...timeseriesSteps,
    ...jsonSteps,
    ...searchSteps,
    ...graphSteps,
    { id: 'wrap-up', kind: 'explain' },
  ],
});
