// Which modules the server has: one COMMAND INFO, and the backend each section of the lesson runs on.
import type { StepSpec } from '../../engine/prose.js';
import { detectModules, forgetModules, MODULE_COMMANDS, type ModuleName } from '../../patterns/index.js';
import { MODULE_LABELS } from './shared.js';

const SECTIONS: Readonly<Record<ModuleName, string>> = {
  bloom: 'Bloom filter: a bitmap and BITFIELD',
  timeseries: 'time series: a sorted set and hashes',
  json: 'JSON: a hash of paths',
  search: 'full-text search: one set per word',
};

export const backendSteps: StepSpec[] = [
  {
    id: 'modules',
    kind: 'code',
    async run(ctx) {
      // Asked afresh, so the command shows even when an earlier step already detected them on this connection.
      forgetModules(ctx.redis);
      const support = await detectModules(ctx.redis);
      const names = Object.keys(MODULE_COMMANDS) as ModuleName[];
      ctx.table(
        ['module', 'probe', 'here', 'the lesson runs'],
        names.map((m) => [
          MODULE_LABELS[m],
          MODULE_COMMANDS[m],
          support[m] ? 'yes' : 'no',
          support[m] ? `the module, next to the core ${SECTIONS[m].split(':')[0]}` : `core only (${SECTIONS[m].split(': ')[1]})`,
        ]),
      );
      const present = names.filter((m) => support[m]);
      ctx.say(
        present.length === names.length
          ? 'every module is here: each section runs the module version next to the core one and compares them'
          : present.length
            ? `only ${present.map((m) => MODULE_LABELS[m]).join(', ')} here: those sections run both versions, the others the core one`
            : 'no module here (Redis 7, Valkey, or Redis 8 started without them): every section runs on core commands, which work everywhere',
      );
    },
  },
];
