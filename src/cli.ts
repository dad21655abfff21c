// Command-line wiring only: each command's handler lazy-imports its module so --help stays instant.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { GlobalOptions } from './session.js';
import { shuttingDown } from './shutdown.js';

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

async function globals(cmd: Command): Promise<GlobalOptions> {
  const o = cmd.optsWithGlobals() as { url?: string; private?: boolean; namespace?: string; color?: boolean; learnerUser?: string };
  const g: GlobalOptions = {
    url: o.url,
    private: o.private,
    learnerUser: o.learnerUser,
    namespace: o.namespace ?? 'learn:',
    color: o.color !== false && !process.env.NO_COLOR,
  };
  const { setColor } = await import('./ui/theme.js');
  setColor(g.color && Boolean(process.stdout.isTTY || process.env.FORCE_COLOR));
  return g;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('redis-learn')
    .description('Graded Redis lessons, an interview quiz and a pipeline benchmark, against a real Redis server.')
    .version('0.1.0', '-V, --version')
    .option('--url <redis-url>', 'Redis to use (redis:// or rediss://; also REDIS_URL)')
    .option('--private', 'always start a private redis-server, even if one answers on :6379')
    .option('--namespace <prefix>', 'prefix of every key the tool writes', 'learn:')
    .option('--learner-user <user:password>', 'run your commands as this restricted Redis user (also REDIS_LEARNER_URL; see doctor)')
    .option('--no-color', 'plain output (also NO_COLOR)')
    .showHelpAfterError('(run redis-learn --help for usage)')
    // Every command's --help lists --url, --private and the other global options too.
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });

  program.action(async (_opts, cmd: Command) => {
    if (cmd.args.length) {
      const { UsageError } = await import('./errors.js');
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
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { lessonsCommand } = await import('./commands/lessons.js');
      await lessonsCommand(opts, await globals(cmd));
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
    .action(async (id: string, opts: LessonCliOptions, cmd: Command) => {
      const { lessonCommand } = await import('./commands/lesson.js');
      await lessonCommand(id, opts, await globals(cmd));
    });

  program
    .command('repl')
    .description('a redis-cli-like prompt inside the sandbox: history, completion, hints, timings, keys touched')
    .action(async (_opts, cmd: Command) => {
      const { replCommand } = await import('./commands/repl.js');
      await replCommand(await globals(cmd));
    });

  program
    .command('quiz')
    .description('interview questions with spaced repetition (without a TTY, answers are read one per line from stdin)')
    .option('--topic <topic>', 'only this topic (see --list)')
    .option('--level <level>', 'beginner, intermediate or advanced')
    .option('--count <n>', 'questions in this round', positiveInt('--count'), 10)
    .option('--review', 'due cards first (spaced repetition)')
    .option('--seed <n>', 'reproducible question order', nonNegativeInt('--seed'))
    .option('--list', 'print the question bank instead of asking (needs no Redis)')
    .option('--json', 'with --list: the bank as a JSON array; otherwise one JSON object with the results at the end')
    .action(async (opts: QuizCliOptions, cmd: Command) => {
      const { quizCommand } = await import('./commands/quiz.js');
      await quizCommand(opts, await globals(cmd));
    });

  program
    .command('bench')
    .description('bulk-loading benchmark: pipelines and friends, against the server’s own ceiling')
    .addOption(new Option('--workload <name>', 'what to load').choices(['users', 'set']).default('users'))
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
    .option('--json', 'print one JSON object and nothing else on stdout')
    .action(async (opts: BenchCliOptions, cmd: Command) => {
      const { benchCommand } = await import('./commands/bench.js');
      await benchCommand(opts, await globals(cmd));
    });

  program
    .command('progress')
    .description('your lessons and quiz progress')
    .option('--json', 'print progress as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { progressCommand } = await import('./commands/progress.js');
      await progressCommand(opts, await globals(cmd));
    });

  program
    .command('reset')
    .description("remove a lesson's keys and progress (only keys redis-learn created)")
    .argument('[lesson]', 'lesson id')
    .option('--all', 'every lesson, the REPL sandbox and the quiz')
    .option('--json', 'print what was removed as JSON')
    .action(async (lesson: string | undefined, opts: { all?: boolean; json?: boolean }, cmd: Command) => {
      const { resetCommand } = await import('./commands/reset.js');
      await resetCommand(lesson, opts, await globals(cmd));
    });

  program
    .command('doctor')
    .description('which server, version, modules, latency, RedisInsight, and what to do next')
    .option('--json', 'print the findings as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { doctorCommand } = await import('./commands/doctor.js');
      await doctorCommand(opts, await globals(cmd));
    });

  // Only the bare command takes no words: an unknown one is reported by name (set last: subcommands inherit settings).
  program.allowExcessArguments(true);
  return program;
}

export interface LessonCliOptions {
  auto?: boolean;
  json?: boolean;
  step?: number;
  restart?: boolean;
  records?: number;
}

export interface QuizCliOptions {
  topic?: string;
  level?: string;
  count: number;
  review?: boolean;
  seed?: number;
  list?: boolean;
  json?: boolean;
}

export interface BenchCliOptions {
  workload: 'users' | 'set';
  records: number;
  strategies?: string;
  batch?: number;
  ceiling?: boolean;
  json?: boolean;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    // Work a signal cut short may end without an error; the exit code still says it was stopped.
    return shuttingDown() ?? 0;
  } catch (err) {
    // Work cut short by Ctrl-C or SIGTERM fails as its connection closes; the signal handler already said why.
    const signalled = shuttingDown();
    if (signalled !== null) return signalled;
    if (err instanceof CommanderError) {
      // Help and version are exits with code 0; everything else commander rejects is bad usage.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    const e = err as Error & { exitCode?: number };
    if (e && typeof e.exitCode === 'number' && /Error$/.test(e.name)) {
      process.stderr.write(`redis-learn: ${e.message}\n`);
      return e.exitCode;
    }
    // Prompts cancelled with Ctrl-C or Ctrl-D end quietly.
    if (e?.name === 'ExitPromptError' || e?.name === 'AbortPromptError') return 130;
    const msg = e instanceof Error ? e.message : String(err);
    process.stderr.write(`redis-learn: unexpected error: ${msg.split('\n')[0]}\n`);
    if (process.env.REDIS_LEARN_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    return 1;
  }
}
