// The benchmark's arithmetic and wording: percentiles, rates, ratios, the chart's scale, --strategies parsing.
import { describe, expect, it } from 'vitest';
import { barChart, barOf } from '../src/benchmarks/chart.js';
import {
  best,
  ceilingShare,
  percentile,
  renderReport,
  speedUp,
  summarise,
  type BenchReport,
  type BenchResult,
  type Measurement,
} from '../src/benchmarks/report.js';
import { PIPELINE_BATCHES, STRATEGY_NAMES, buildStrategies, parseStrategies } from '../src/benchmarks/strategies.js';
import { UsageError } from '../src/errors.js';

function measurement(over: Partial<Measurement> = {}): Measurement {
  return {
    strategy: 'pipeline',
    batch: 1000,
    records: 10_000,
    commands: 50_000,
    seconds: 0.5,
    latenciesMs: [],
    clientCpuS: 0.4,
    serverCpuS: 0.1,
    usedMemoryDelta: 6_000_000,
    verified: true,
    ...over,
  };
}

describe('percentiles (nearest rank)', () => {
  it('picks the value at rank ceil(p/100 · n) of the sorted sample', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([3, 1, 2], 99)).toBe(3);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('does not reorder the caller’s array', () => {
    const xs = [5, 1, 4];
    percentile(xs, 50);
    expect(xs).toEqual([5, 1, 4]);
  });
});

describe('one result', () => {
  it('turns counts and seconds into rates, and memory growth into bytes per record', () => {
    const r = summarise(measurement({ latenciesMs: [10, 30, 20, 40] }));
    expect(r.recordsPerSec).toBe(20_000);
    expect(r.commandsPerSec).toBe(100_000);
    expect(r.bytesPerRecord).toBe(600);
    expect(r.p50Ms).toBe(20);
    expect(r.p99Ms).toBe(40);
    expect(r.seconds).toBe(0.5);
  });

  it('keeps what could not be measured as null, not zero', () => {
    const r = summarise(measurement({ latenciesMs: [], usedMemoryDelta: null, batch: null }));
    expect(r.p50Ms).toBeNull();
    expect(r.p99Ms).toBeNull();
    expect(r.bytesPerRecord).toBeNull();
    expect(r.batch).toBeNull();
  });

  it('reports zero rates, not Infinity, for a run that never started', () => {
    const r = summarise(measurement({ seconds: 0, verified: false, error: 'refused' }));
    expect(r.recordsPerSec).toBe(0);
    expect(r.error).toBe('refused');
  });
});

describe('ratios', () => {
  const seq = summarise(measurement({ strategy: 'sequential', batch: 1, records: 2000, commands: 10_000, seconds: 1 }));
  const fast = summarise(measurement({ strategy: 'raw', records: 100_000, commands: 500_000, seconds: 1 }));
  const wrong = summarise(measurement({ strategy: 'lua', records: 1_000_000, seconds: 1, verified: false }));

  it('speed-up is records/s over sequential’s records/s', () => {
    expect(speedUp(fast, seq)).toBe(50);
    expect(speedUp(seq, seq)).toBe(1);
    expect(speedUp(fast, undefined)).toBeNull();
    expect(speedUp(wrong, seq)).toBeNull();
  });

  it('ceiling share is keys/s over redis-benchmark’s SET/s', () => {
    const ceiling = { command: 'redis-benchmark -P 100 -c 1 -r 1000 -n 100000 -t set', setPerSec: 400_000 };
    expect(ceilingShare(fast, ceiling)).toBe(0.25);
    expect(ceilingShare(fast, null)).toBeNull();
    expect(ceilingShare(wrong, ceiling)).toBeNull();
  });

  it('the best result is the fastest one that verified: a fast wrong strategy cannot win', () => {
    expect(best([seq, fast, wrong])).toBe(fast);
    expect(best([wrong])).toBeNull();
  });
});

describe('the table and the chart', () => {
  it('renders every strategy, the speed-up column and the ceiling share for set', () => {
    const results: BenchResult[] = [
      summarise(measurement({ strategy: 'sequential', batch: 1, records: 1000, commands: 1000, seconds: 1 })),
      summarise(measurement({ strategy: 'raw', records: 100_000, commands: 100_000, seconds: 1 })),
    ];
    const report: BenchReport = {
      workload: 'set',
      records: 100_000,
      server: { version: '7.0.15', private: true },
      results,
      ceiling: { command: 'redis-benchmark -P 100 -c 1 -r 100000 -n 100000 -t set', setPerSec: 200_000 },
    };
    const text = renderReport(report, 'keys', 200);
    expect(text).toMatch(/sequential/);
    expect(text).toMatch(/100\.0×/);
    expect(text).toMatch(/50%/);
    expect(text).toMatch(/200,000 SET\/s/);
  });

  it('scales bars to the largest value', () => {
    expect(barOf(100, 100, 10)).toBe('██████████');
    expect(barOf(50, 100, 10)).toBe('█████');
    expect(barOf(0, 100, 10)).toBe('');
    expect(barOf(1, 1000, 10)).toBe('▏'); // tiny but visible
    const chart = barChart(
      [
        { label: 'a', value: 10 },
        { label: 'bbb', value: 40, text: '40/s' },
      ],
      8,
    );
    const lines = chart.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('  a   ██');
    expect(lines[1]).toBe('  bbb ████████ 40/s');
  });
});

describe('--strategies', () => {
  it('defaults to every strategy, pipeline at three batch sizes', () => {
    const all = parseStrategies(undefined);
    expect(all.map((c) => c.name)).toEqual([...STRATEGY_NAMES]);
    expect(all.find((c) => c.name === 'pipeline')?.batches).toEqual(PIPELINE_BATCHES);
    const built = buildStrategies(all, 1000);
    expect(built.filter((s) => s.name === 'pipeline').map((s) => s.batch)).toEqual([100, 1000, 10000]);
    expect(built.find((s) => s.name === 'pipeline-x2')?.inFlight).toBe(2);
  });

  it('takes a list, pipeline:N for one batch size, in a fixed order', () => {
    const chosen = buildStrategies(parseStrategies('raw, pipeline:1000,sequential'), 500);
    expect(chosen.map((s) => `${s.name}/${s.batch}`)).toEqual(['sequential/1', 'pipeline/1000', 'raw/500']);
  });

  it('refuses an unknown name with the list of valid ones', () => {
    expect(() => parseStrategies('pipline')).toThrow(UsageError);
    expect(() => parseStrategies('pipline')).toThrow(
      /unknown strategy "pipline": use sequential, concurrent, auto, pipeline, pipeline-x2, multi, variadic, lua, raw, raw-variadic, redis-cli/,
    );
    expect(() => parseStrategies('raw:10')).toThrow(/only pipeline takes a batch size/);
    expect(() => parseStrategies('pipeline:0')).toThrow(UsageError);
    expect(() => parseStrategies(' , ')).toThrow(UsageError);
  });
});
