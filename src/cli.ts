// Command-line wiring only: each command owns its options type and its handler is lazy-imported so --help stays instant.
import { Command, CommanderError, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { RedisLearnError, UsageError, errorMessage, isPromptCancelled } from './errors.js';
import type { GlobalOptions } from './session.js';
import { hookSignals, shutdownFinished, shuttingDown } from './shutdown.js';
import { registerAnalyzeCommand } from './commands/analyze.js';
import { usageErrors } from './commands/usage-errors.js';
import { registerLabCommand } from './commands/lab.js';

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive whole number`);
    return n;
  };
}

function nonNegativeInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number`);
    return n;
  };
}

interface GlobalFlags {
  url?: string;
  private?: boolean;
  server?: string;
  namespace?: string;
  color?: boolean;
  learnerUser?: string;
}

async function globals(cmd: { optsWithGlobals(): GlobalFlags }): Promise<GlobalOptions> {
  const o = cmd.optsWithGlobals();
  // --server picks the private server's binary (system, redis-8, valkey-8) and implies --private. REDIS_LEARN_SERVER
  // picks the binary too (the test matrix sets it), for whenever a private server is started.
  const server = o.server;
  if (server) {
    const { selectServer } = await import('./redis/servers.js');
    selectServer(server);
    if (server !== 'system' && o.url) {
      const { UsageError } = await import('./errors.js');
      throw new UsageError(`--server ${server} starts a private server; it cannot be combined with --url`);
    }
  }
  const g: GlobalOptions = {
    url: o.url,
    private: o.private || (server !== undefined && server !== 'system'),
    learnerUser: o.learnerUser,
    namespace: o.namespace ?? 'learn:',
    color: o.color !== false && !process.env.NO_COLOR,
  };
  const { setColor } = await import('./ui/theme.js');
  setColor(g.color && Boolean(process.stdout.isTTY || process.env.FORCE_COLOR));
  return g;
}

export function buildProgram() {
  const program = new Command()
    .name('redis-learn')
    .description('Graded Redis lessons, an interview quiz and a pipeline benchmark, against a real Redis server.')
    .version('0.1.0', '-V, --version')
    .option('--url <redis-url>', 'Redis to use (redis:// or rediss://; also REDIS_URL)')
    .option('--private', 'always start a private redis-server, even if one answers on :6379')
    .option(
      '--server <name>',
      'which private server to run: system, redis-8 or valkey-8 (see: redis-learn servers; also REDIS_LEARN_SERVER)',
    )
    .option('--namespace <prefix>', 'prefix of every key the tool writes', 'learn:')
    .option('--learner-user <user:password>', 'run your commands as this restricted Redis user (also REDIS_LEARNER_URL; see doctor)')
    .option('--no-color', 'plain output (also NO_COLOR)')
    // Every command's --help lists --url, --private and the other global options too.
    .configureHelp({ showGlobalOptions: true });

  program.action(async (_opts, cmd) => {
    if (cmd.args.length) {
      const names = program.commands.map((c) => c.name());
      throw new UsageError(`unknown command '${cmd.args[0]}'. Commands: ${names.join(', ')} (redis-learn --help)`);
    }
    const g = await globals(cmd);
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      program.outputHelp();
      return;
    }
    const { homeCommand } = await import('./commands/home.js');
    await homeCommand(g);
  });

  program
    .command('lessons')
    .description('list the lessons: id, title, level, minutes, status, score')
    .option('--json', 'print the catalogue as JSON')
    .action(async (opts, cmd) => {
      const { lessonsCommand } = await import('./commands/lessons.js');
      lessonsCommand(opts, await globals(cmd));
    });

  program
    .command('lesson')
    .description('run a lesson (resumes where you left off)')
    .argument('<id>', 'lesson id, e.g. simple (see: redis-learn lessons)')
    .option('--auto', 'run every step with no prompts, applying the reference solutions')
    .option('--json', 'print one JSON object at the end and nothing else on stdout')
    .option('--step <n>', 'start at step N (1-based)', positiveInt('--step'))
    .option('--restart', 'start from step 1 even if you were part-way through')
    .option('--records <n>', 'records to generate in bulk lessons', positiveInt('--records'))
    .action(async (id, opts, cmd) => {
      const { lessonCommand } = await import('./commands/lesson.js');
      await lessonCommand(id, opts, await globals(cmd));
    });

  program
    .command('repl')
    .description('a redis-cli-like prompt inside the sandbox: history, completion, hints, timings, keys touched')
    .option('--lab <topology>', 'connect to the running lab instead (single, replication, sentinel or cluster; see: redis-learn lab)')
    .action(async (opts, cmd) => {
      if (opts.lab !== undefined) {
        const { replLabCommand } = await import('./commands/repl-lab.js');
        await globals(cmd);
        return replLabCommand({ ...cmd.optsWithGlobals(), lab: opts.lab });
      }
      const { replCommand } = await import('./commands/repl.js');
      await replCommand(await globals(cmd));
    });

  program
    .command('quiz')
    .description('interview questions with spaced repetition (without a TTY, answers are read one per line from stdin)')
    .option('--topic <topic>', 'only this topic (see --list)')
    .option('--level <level>', 'beginner, intermediate or advanced (with --interview: default advanced)')
    .option('--count <n>', 'questions in this round (default: 10; with --interview: 6)', positiveInt('--count'))
    .option('--review', 'due cards first (spaced repetition)')
    .option('--seed <n>', 'reproducible question order', nonNegativeInt('--seed'))
    .option('--list', 'print the question bank instead of asking (needs no Redis)')
    .option(
      '--interview',
      'a timed mock interview: open questions answered in your own words (an empty line ends an answer) and live ones on the server; at the end, model answers and key points to self-grade against, a score and a verdict',
    )
    .option('--minutes <m>', 'with --interview: the time budget, shared out between the questions (default: 20)', positiveInt('--minutes'))
    .option('--json', 'with --list: the bank as a JSON array; otherwise one JSON object with the results at the end')
    .action(async (opts, cmd) => {
      const { quizCommand } = await import('./commands/quiz.js');
      await quizCommand(opts, await globals(cmd));
    });

  program
    .command('bench')
    .description('bulk-loading benchmark: pipelines and friends, against the server’s own ceiling')
    .addOption(new Option('--workload <name>', 'what to load').choices(['users', 'set'] as const).default('users' as const))
    .option('--records <n>', 'records to load (at most 10,000,000 on a shared server without --force)', positiveInt('--records'), 20000)
    .option(
      '--strategies <list>',
      'comma-separated: sequential, concurrent, auto, pipeline[:N], pipeline-x2, multi, variadic, lua, raw, raw-variadic, redis-cli (default: all)',
    )
    .option(
      '--batch <n>',
      'records per batch for every strategy but sequential and pipeline (default: 10,000 for raw, raw-variadic, redis-cli; 1,000 otherwise)',
      positiveInt('--batch'),
    )
    .option('--ceiling', 'also run redis-benchmark against the same server for the ceiling')
    .option('--force', 'allow --records over 10,000,000 on a shared server')
    .option(
      '--servers <list>',
      'run on a private server of each build in turn, results side by side: system, redis-8, valkey-8 or all (see: redis-learn servers)',
    )
    .option('--json', 'print one JSON object and nothing else on stdout')
    .action(async (opts, cmd) => {
      const { benchCommand } = await import('./commands/bench.js');
      await benchCommand(opts, await globals(cmd));
    });

  program
    .command('progress')
    .description('your lessons and quiz progress')
    .option('--json', 'print progress as JSON')
    .action(async (opts, cmd) => {
      const { progressCommand } = await import('./commands/progress.js');
      await progressCommand(opts, await globals(cmd));
    });

  program
    .command('reset')
    .description("remove a lesson's keys and progress (only keys redis-learn created)")
    .argument('[lesson]', 'lesson id')
    .option('--all', 'every lesson, the REPL sandbox and the quiz')
    .option('--json', 'print what was removed as JSON')
    .action(async (lesson, opts, cmd) => {
      const { resetCommand } = await import('./commands/reset.js');
      await resetCommand(lesson, opts, await globals(cmd));
    });

  program
    .command('doctor')
    .description('which server, version, modules, latency, RedisInsight, and what to do next')
    .option('--json', 'print the findings as JSON')
    .action(async (opts, cmd) => {
      const { doctorCommand } = await import('./commands/doctor.js');
      await doctorCommand(opts, await globals(cmd));
    });

  program
    .command('servers')
    .description('the servers a private run can use (system, redis-8, valkey-8): which are ready; `servers prepare` makes them')
    .argument('[action]', 'prepare: unpack Redis 8 and Valkey 8 from Debian 13 packages (root, ~230 MB, ~30 s)')
    .option('--json', 'print the list as JSON')
    .action(async (action, opts, cmd) => {
      await globals(cmd);
      const { serversCommand } = await import('./commands/servers.js');
      await serversCommand(action, opts);
    });

  registerAnalyzeCommand(program, globals);
  registerLabCommand(program);

  // Only the bare command takes no words: an unknown one is reported by name (set last: subcommands inherit settings).
  program.allowExcessArguments(true);
  usageErrors(program, 'redis-learn');
  for (const cmd of program.commands) usageErrors(cmd, `redis-learn ${cmd.name()}`);
  return program;
}

/** Runs the CLI and returns its exit code: 0 done, 1 runtime failure, 2 bad usage, 128+n stopped by signal n. */
export async function main(argv: string[]): Promise<number> {
  // Before anything starts (a private server, a connection): a signal from here on ends the run through shutdown.ts.
  hookSignals();
  let code: number;
  try {
    await buildProgram().parseAsync(argv);
    code = 0;
  } catch (err) {
    code = report(err);
  }
  // Ended early by a signal or a lost server: its line is said; the run's code is its code, once clean-up is done.
  const ending = shuttingDown();
  if (ending !== null) {
    await shutdownFinished();
    return ending;
  }
  return code;
}

/** Prints what went wrong as one line, unless the run is ending early (then its line is already said). */
function report(err: unknown): number {
  if (shuttingDown() !== null) return 1;
  // Help and version end the parse with an exception of exit code 0.
  if (err instanceof CommanderError && err.exitCode === 0) return 0;
  if (err instanceof RedisLearnError) {
    process.stderr.write(`redis-learn: ${err.message}\n`);
    return err.exitCode;
  }
  // Prompts cancelled with Ctrl-C or Ctrl-D end quietly.
  if (isPromptCancelled(err)) return 130;
  process.stderr.write(`redis-learn: unexpected error: ${errorMessage(err).split('\n')[0]}\n`);
  if (process.env.REDIS_LEARN_DEBUG && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  return 1;
}
