// Lesson leaderboards (Intermediate): rankings, ties, pages and "around me", time-bucketed trending and autocomplete,
// all on sorted sets. Metadata and step order here; behaviour in the section files, prose in leaderboards.md.
import { defineLesson } from '../../engine/prose.js';
import { aroundMeSteps } from './around-me.js';
import { autocompleteSteps } from './autocomplete.js';
import { RACE_CLIENTS, RACE_PLAYERS, RACE_POINTS } from './board.js';
import { rankingSteps } from './rankings.js';
import { tieSteps } from './ties.js';
import { trendingSteps } from './trending.js';

export const leaderboardsLesson = defineLesson({
  id: 'leaderboards',
  level: 'Intermediate',
  minutes: 35,
  summary:
    'Leaderboards on sorted sets: points added on the server (50 game servers, points lost by read-then-ZADD), top N ' +
    'and pages, ties and shared ranks, an "around me" window that a two-command read gets wrong, trending from hourly ' +
    'buckets merged with ZUNIONSTORE weights, and autocomplete from lexicographic ranges.',
  keys: ['leaderboards:*'],
  prose: new URL('./leaderboards.md', import.meta.url),
  vars: {
    raceClients: RACE_CLIENTS,
    racePlayers: RACE_PLAYERS,
    racePoints: RACE_POINTS,
    raceReports: RACE_CLIENTS / RACE_PLAYERS,
    raceEach: (RACE_CLIENTS / RACE_PLAYERS) * RACE_POINTS,
    raceTotal: RACE_CLIENTS * RACE_POINTS,
  },
  steps: [
    { id: 'boards', kind: 'explain' },
    ...rankingSteps,
    ...tieSteps,
    ...aroundMeSteps,
    ...trendingSteps,
    ...autocompleteSteps,
    { id: 'wrap-up', kind: 'explain' },
  ],
});
