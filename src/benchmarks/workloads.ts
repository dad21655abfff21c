// What the benchmark loads: `users` (a 9-field hash plus two sets and two sorted sets per user) and `set` (plain SETs),
// each in three shapes (one command at a time, fewer larger commands, a Lua fan-out) plus its raw RESP, and the checks.
import type { Redis } from 'ioredis';
import { RespWriter, bulkFragment, commandHead } from './resp.js';
import {
  AGE_MIN,
  AGE_SPAN,
  SALARY_MIN,
  SALARY_STEP,
  SALARY_STEPS,
  USER_FIELDS,
  composeUser,
  describePool,
  emailOf,
  emptySlots,
  userAt,
  userFields,
  userPool,
  type UserPool,
} from './user-pool.js';

export type WorkloadName = 'users' | 'set';
export const WORKLOADS: readonly WorkloadName[] = ['users', 'set'];

export type Arg = string | number;
/** Receives one command: its name and arguments. */
export type Emit = (name: string, args: Arg[]) => void;

export interface Verification {
  ok: boolean;
  /** What was checked, or the first thing that did not match. */
  detail: string;
}

export interface LuaForm {
  script: string;
  /** ARGV for one script call covering records [from, to). */
  args(from: number, to: number): Arg[];
}

export interface Workload {
  readonly name: WorkloadName;
  /** What a record is called in output: users, keys. */
  readonly unit: string;
  /** Every key this workload writes starts with it. */
  readonly prefix: string;
  /** Commands per record in the one-command-at-a-time shape. */
  readonly commandsPerRecord: number;
  /** At most how many keys records 1…n make (what an interrupted run says it is removing). */
  keysFor(n: number): number;
  /** How the data is generated, for the output; null when there is nothing to say. */
  readonly note: string | null;
  /** Records [from, to) as one command per write (record ids are from+1 … to). */
  commands(from: number, to: number, emit: Emit): void;
  /** The same data in fewer, larger commands. */
  variadic(from: number, to: number, emit: Emit): void;
  readonly lua: LuaForm;
  /** The one-command-per-write shape as RESP; returns how many commands it wrote. */
  encode(from: number, to: number, w: RespWriter): number;
  /** The variadic shape as RESP; returns how many commands it wrote. */
  encodeVariadic(from: number, to: number, w: RespWriter): number;
  /**
   * Checks that records 1…n, and nothing else of ours, are on the server. `exact` allows DBSIZE (a private
   * server holding only this run's data); otherwise every expected key is checked with EXISTS.
   */
  verify(redis: Redis, n: number, exact: boolean): Promise<Verification>;
}

/** Record ids checked field by field: both ends and a spread in between. */
export function sampleIds(n: number, count = 25): number[] {
  if (n <= 0) return [];
  const ids = new Set<number>([1, n]);
  for (let i = 1; i < count - 1; i++) ids.add(1 + Math.floor(((n - 1) * i) / (count - 1)));
  return [...ids].sort((a, b) => a - b);
}

/** Counts how many of the keys made by keyOf(1…n) exist, 1,000 keys per EXISTS. */
async function countExisting(redis: Redis, n: number, keyOf: (id: number) => string): Promise<number> {
  let found = 0;
  const chunk = 1000;
  const perPipeline = 50;
  for (let start = 1; start <= n; start += chunk * perPipeline) {
    const p = redis.pipeline();
    for (let a = start; a < start + chunk * perPipeline && a <= n; a += chunk) {
      const keys: string[] = [];
      for (let id = a; id < a + chunk && id <= n; id++) keys.push(keyOf(id));
      p.exists(...keys);
    }
    for (const [err, v] of (await p.exec()) ?? []) {
      if (err) throw err;
      found += Number(v);
    }
  }
  return found;
}

/**
 * Positions of `scores` in ascending score order (stable: ties keep id order), by counting sort over the
 * score's few possible values. A ZADD whose pairs arrive in score order inserts into neighbouring skiplist
 * nodes that are already in the CPU cache; at a million members that halves the server's time per insert.
 */
export function scoreOrder(scores: readonly number[], min: number, step: number, buckets: number): Int32Array {
  const count = new Int32Array(buckets + 1);
  for (const v of scores) count[(v - min) / step + 1]!++;
  for (let b = 1; b <= buckets; b++) count[b]! += count[b - 1]!;
  const out = new Int32Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[count[(scores[i]! - min) / step]!++] = i;
  return out;
}

// ---------------------------------------------------------------------------------------------- users

const USERS_LUA = `-- ARGV[1] is the key prefix; then 10 values per user: id and the 9 fields in order.
-- Building key names inside a script is fine on one server; Redis Cluster needs every key in KEYS.
local p = ARGV[1]
local n = 0
for i = 2, #ARGV, 10 do
  local id = ARGV[i]
  redis.call('HSET', p .. 'user:' .. id,
    'name', ARGV[i + 1], 'email', ARGV[i + 2], 'phone', ARGV[i + 3], 'age', ARGV[i + 4], 'city', ARGV[i + 5],
    'department', ARGV[i + 6], 'company', ARGV[i + 7], 'salary', ARGV[i + 8], 'joined', ARGV[i + 9])
  redis.call('SADD', p .. 'city:' .. ARGV[i + 5], id)
  redis.call('SADD', p .. 'dept:' .. ARGV[i + 6], id)
  redis.call('ZADD', p .. 'users_by_salary', ARGV[i + 8], id)
  redis.call('ZADD', p .. 'users_by_age', ARGV[i + 4], id)
  n = n + 1
end
return n`;

class UsersWorkload implements Workload {
  readonly name = 'users' as const;
  readonly unit = 'users';
  readonly commandsPerRecord = 5;
  readonly note: string;
  readonly lua: LuaForm;
  private readonly slots = emptySlots();
  private readonly cityKeys: string[];
  private readonly deptKeys: string[];
  private readonly salaryKey: string;
  private readonly ageKey: string;
  /**
   * Pre-encoded RESP for encode(): a field name and its pool value share one Buffer, a command head and its key
   * another, so a user is about 20 copies of ready bytes plus a few numbers.
   */
  private readonly enc: {
    hsetHead: Buffer;
    userKey: Buffer;
    name: Buffer[];
    emailField: Buffer;
    emailLocals: Buffer[];
    domainTails: Buffer[];
    phone: Buffer[];
    age: Buffer[];
    city: Buffer[];
    department: Buffer[];
    company: Buffer[];
    salary: Buffer[];
    joined: Buffer[];
    /** SADD <city key>, waiting for the id. */
    saddCity: Buffer[];
    saddDept: Buffer[];
    /** ZADD <salary key> <salary>, waiting for the id. */
    zaddSalary: Buffer[];
    zaddAge: Buffer[];
    // For the variadic shape, whose argument counts vary.
    saddName: Buffer;
    zaddName: Buffer;
    cityKeys: Buffer[];
    deptKeys: Buffer[];
    salaryKey: Buffer;
    ageKey: Buffer;
  };

  constructor(
    readonly prefix: string,
    private readonly pool: UserPool,
  ) {
    this.note = describePool(pool);
    this.cityKeys = pool.cities.map((c) => `${prefix}city:${c}`);
    this.deptKeys = pool.departments.map((d) => `${prefix}dept:${d}`);
    this.salaryKey = `${prefix}users_by_salary`;
    this.ageKey = `${prefix}users_by_age`;
    const pair = (field: string) => (value: string | number) => Buffer.concat([bulkFragment(field), bulkFragment(String(value))]);
    const ages = Array.from({ length: AGE_SPAN }, (_, i) => AGE_MIN + i);
    const salaries = Array.from({ length: SALARY_STEPS }, (_, i) => SALARY_MIN + i * SALARY_STEP);
    const cityKeys = this.cityKeys.map((k) => bulkFragment(k));
    const deptKeys = this.deptKeys.map((k) => bulkFragment(k));
    const salaryKey = bulkFragment(this.salaryKey);
    const ageKey = bulkFragment(this.ageKey);
    const sadd = commandHead(3, 'SADD');
    const zadd = commandHead(4, 'ZADD');
    this.enc = {
      hsetHead: commandHead(2 + USER_FIELDS.length * 2, 'HSET'),
      userKey: Buffer.from(`${prefix}user:`, 'utf8'),
      name: pool.names.map(pair('name')),
      emailField: bulkFragment('email'),
      emailLocals: pool.emailLocals.map((v) => Buffer.from(v, 'utf8')),
      domainTails: pool.domains.map((d) => Buffer.from(`@${d}`, 'utf8')),
      phone: pool.phones.map(pair('phone')),
      age: ages.map(pair('age')),
      city: pool.cities.map(pair('city')),
      department: pool.departments.map(pair('department')),
      company: pool.companies.map(pair('company')),
      salary: salaries.map(pair('salary')),
      joined: pool.dates.map(pair('joined')),
      saddCity: cityKeys.map((k) => Buffer.concat([sadd, k])),
      saddDept: deptKeys.map((k) => Buffer.concat([sadd, k])),
      zaddSalary: salaries.map((v) => Buffer.concat([zadd, salaryKey, bulkFragment(String(v))])),
      zaddAge: ages.map((v) => Buffer.concat([zadd, ageKey, bulkFragment(String(v))])),
      saddName: bulkFragment('SADD'),
      zaddName: bulkFragment('ZADD'),
      cityKeys,
      deptKeys,
      salaryKey,
      ageKey,
    };
    this.lua = {
      script: USERS_LUA,
      args: (from, to) => {
        const out: Arg[] = [this.prefix];
        const p = this.pool;
        const s = this.slots;
        for (let r = from; r < to; r++) {
          const id = r + 1;
          composeUser(p, id, s);
          out.push(id, p.names[s.name]!, emailOf(p, id, s), p.phones[s.phone]!, s.age, p.cities[s.city]!);
          out.push(p.departments[s.department]!, p.companies[s.company]!, s.salary, p.dates[s.joined]!);
        }
        return out;
      },
    };
  }

  userKey(id: number): string {
    return `${this.prefix}user:${id}`;
  }

  private hsetArgs(id: number): Arg[] {
    const p = this.pool;
    const s = composeUser(p, id, this.slots);
    // prettier-ignore
    return [
      this.userKey(id),
      'name', p.names[s.name]!,
      'email', emailOf(p, id, s),
      'phone', p.phones[s.phone]!,
      'age', s.age,
      'city', p.cities[s.city]!,
      'department', p.departments[s.department]!,
      'company', p.companies[s.company]!,
      'salary', s.salary,
      'joined', p.dates[s.joined]!,
    ];
  }

  keysFor(n: number): number {
    // A hash per user, the city and department sets met so far, and the two sorted sets.
    return n <= 0 ? 0 : n + Math.min(n, this.cityKeys.length) + Math.min(n, this.deptKeys.length) + 2;
  }

  commands(from: number, to: number, emit: Emit): void {
    const s = this.slots;
    for (let r = from; r < to; r++) {
      const id = r + 1;
      // hsetArgs fills the slots the other four commands read.
      emit('HSET', this.hsetArgs(id));
      emit('SADD', [this.cityKeys[s.city]!, id]);
      emit('SADD', [this.deptKeys[s.department]!, id]);
      emit('ZADD', [this.salaryKey, s.salary, id]);
      emit('ZADD', [this.ageKey, s.age, id]);
    }
  }

  variadic(from: number, to: number, emit: Emit): void {
    const s = this.slots;
    const byCity = new Map<number, Arg[]>();
    const byDept = new Map<number, Arg[]>();
    const salaries: number[] = [];
    const ages: number[] = [];
    for (let r = from; r < to; r++) {
      const id = r + 1;
      // A hash takes one HSET per key whatever we do; the sets and sorted sets collapse into a few commands.
      emit('HSET', this.hsetArgs(id));
      let c = byCity.get(s.city);
      if (!c) byCity.set(s.city, (c = [this.cityKeys[s.city]!]));
      c.push(id);
      let d = byDept.get(s.department);
      if (!d) byDept.set(s.department, (d = [this.deptKeys[s.department]!]));
      d.push(id);
      salaries.push(s.salary);
      ages.push(s.age);
    }
    for (const args of byCity.values()) emit('SADD', args);
    for (const args of byDept.values()) emit('SADD', args);
    if (to > from) {
      for (const [key, scores, min, step, buckets] of [
        [this.salaryKey, salaries, SALARY_MIN, SALARY_STEP, SALARY_STEPS],
        [this.ageKey, ages, AGE_MIN, 1, AGE_SPAN],
      ] as const) {
        const args: Arg[] = [key];
        for (const i of scoreOrder(scores, min, step, buckets)) args.push(scores[i]!, from + i + 1);
        emit('ZADD', args);
      }
    }
  }

  /** HSET of one user whose slots are filled, in USER_FIELDS order. */
  private encodeHset(id: number, w: RespWriter): void {
    const e = this.enc;
    const s = this.slots;
    w.fragment(e.hsetHead);
    w.bulkJoin(e.userKey, id);
    w.fragment(e.name[s.name]!);
    w.fragment(e.emailField);
    w.bulkJoin(e.emailLocals[s.name]!, id, e.domainTails[s.domain]!);
    w.fragment(e.phone[s.phone]!);
    w.fragment(e.age[s.age - AGE_MIN]!);
    w.fragment(e.city[s.city]!);
    w.fragment(e.department[s.department]!);
    w.fragment(e.company[s.company]!);
    w.fragment(e.salary[(s.salary - SALARY_MIN) / SALARY_STEP]!);
    w.fragment(e.joined[s.joined]!);
  }

  encode(from: number, to: number, w: RespWriter): number {
    const p = this.pool;
    const e = this.enc;
    const s = this.slots;
    for (let r = from; r < to; r++) {
      const id = r + 1;
      composeUser(p, id, s);
      this.encodeHset(id, w);
      w.fragment(e.saddCity[s.city]!);
      w.bulkNumber(id);
      w.fragment(e.saddDept[s.department]!);
      w.bulkNumber(id);
      w.fragment(e.zaddSalary[(s.salary - SALARY_MIN) / SALARY_STEP]!);
      w.bulkNumber(id);
      w.fragment(e.zaddAge[s.age - AGE_MIN]!);
      w.bulkNumber(id);
    }
    return (to - from) * this.commandsPerRecord;
  }

  // Per-batch groups for encodeVariadic, reused from batch to batch.
  private readonly byCity: number[][] = [];
  private readonly byDept: number[][] = [];
  private readonly salaries: number[] = [];
  private readonly ages: number[] = [];

  encodeVariadic(from: number, to: number, w: RespWriter): number {
    if (to <= from) return 0;
    const p = this.pool;
    const e = this.enc;
    const s = this.slots;
    const { byCity, byDept, salaries, ages } = this;
    salaries.length = 0;
    ages.length = 0;
    for (let r = from; r < to; r++) {
      const id = r + 1;
      composeUser(p, id, s);
      this.encodeHset(id, w);
      (byCity[s.city] ??= []).push(id);
      (byDept[s.department] ??= []).push(id);
      salaries.push(s.salary);
      ages.push(s.age);
    }
    let commands = to - from;
    const sadd = (groups: number[][], keys: Buffer[]) => {
      for (let i = 0; i < groups.length; i++) {
        const ids = groups[i];
        if (!ids || ids.length === 0) continue;
        w.arrayHeader(2 + ids.length);
        w.fragment(e.saddName);
        w.fragment(keys[i]!);
        for (const id of ids) w.bulkNumber(id);
        ids.length = 0;
        commands++;
      }
    };
    sadd(byCity, e.cityKeys);
    sadd(byDept, e.deptKeys);
    for (const [key, scores, min, step, buckets] of [
      [e.salaryKey, salaries, SALARY_MIN, SALARY_STEP, SALARY_STEPS],
      [e.ageKey, ages, AGE_MIN, 1, AGE_SPAN],
    ] as const) {
      w.arrayHeader(2 + 2 * (to - from));
      w.fragment(e.zaddName);
      w.fragment(key);
      for (const i of scoreOrder(scores, min, step, buckets)) {
        w.bulkNumber(scores[i]!);
        w.bulkNumber(from + i + 1);
      }
      commands++;
    }
    return commands;
  }

  async verify(redis: Redis, n: number, exact: boolean): Promise<Verification> {
    const p = redis.pipeline();
    p.zcard(this.salaryKey);
    p.zcard(this.ageKey);
    for (const k of this.cityKeys) p.scard(k);
    for (const k of this.deptKeys) p.scard(k);
    const res = ((await p.exec()) ?? []).map(([err, v]) => {
      if (err) throw err;
      return Number(v);
    });
    const [zs, za] = res;
    const cityCards = res.slice(2, 2 + this.cityKeys.length);
    const deptCards = res.slice(2 + this.cityKeys.length);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    if (zs !== n) return { ok: false, detail: `users_by_salary has ${zs} members, expected ${n}` };
    if (za !== n) return { ok: false, detail: `users_by_age has ${za} members, expected ${n}` };
    if (sum(cityCards) !== n) return { ok: false, detail: `city sets hold ${sum(cityCards)} ids, expected ${n}` };
    if (sum(deptCards) !== n) return { ok: false, detail: `department sets hold ${sum(deptCards)} ids, expected ${n}` };
    const setKeys = cityCards.filter((x) => x > 0).length + deptCards.filter((x) => x > 0).length;
    if (exact) {
      const size = await redis.dbsize();
      const want = n + setKeys + (n > 0 ? 2 : 0);
      if (size !== want) return { ok: false, detail: `DBSIZE is ${size}, expected ${want}` };
    } else {
      const found = await countExisting(redis, n, (id) => this.userKey(id));
      if (found !== n) return { ok: false, detail: `${found} of ${n} user hashes exist` };
    }
    const ids = sampleIds(n);
    const q = redis.pipeline();
    const users = ids.map((id) => userAt(this.pool, id));
    for (const u of users) {
      q.hgetall(this.userKey(u.id));
      q.sismember(`${this.prefix}city:${u.city}`, String(u.id));
      q.sismember(`${this.prefix}dept:${u.department}`, String(u.id));
      q.zscore(this.salaryKey, String(u.id));
      q.zscore(this.ageKey, String(u.id));
    }
    const got = (await q.exec()) ?? [];
    for (let i = 0; i < users.length; i++) {
      const u = users[i]!;
      const [h, inCity, inDept, sal, age] = got.slice(i * 5, i * 5 + 5).map(([err, v]) => {
        if (err) throw err;
        return v;
      });
      const want = userFields(u);
      const hash = h as Record<string, string>;
      for (const f of USER_FIELDS) {
        if (hash[f] !== want[f]) {
          return { ok: false, detail: `user:${u.id} ${f} is ${JSON.stringify(hash[f] ?? null)}, expected ${JSON.stringify(want[f])}` };
        }
      }
      if (Object.keys(hash).length !== USER_FIELDS.length) {
        return { ok: false, detail: `user:${u.id} has ${Object.keys(hash).length} fields, expected ${USER_FIELDS.length}` };
      }
      if (Number(inCity) !== 1 || Number(inDept) !== 1)
        return { ok: false, detail: `user ${u.id} missing from its city or department set` };
      if (Number(sal) !== u.salary || Number(age) !== u.age) return { ok: false, detail: `user ${u.id} has the wrong salary or age score` };
    }
    return {
      ok: true,
      detail: `${n} users (${exact ? 'DBSIZE' : 'EXISTS on every user'}), ZCARD and SCARD totals, ${ids.length} users compared field by field`,
    };
  }
}

// ------------------------------------------------------------------------------------------------ set

const SET_LUA = `-- ARGV[1] is the key prefix; then id, value pairs.
local p = ARGV[1]
for i = 2, #ARGV, 2 do
  redis.call('SET', p .. 'key:' .. ARGV[i], ARGV[i + 1])
end
return (#ARGV - 1) / 2`;

class SetWorkload implements Workload {
  readonly name = 'set' as const;
  readonly unit = 'keys';
  readonly commandsPerRecord = 1;
  readonly note = null;
  readonly lua: LuaForm;
  private readonly setHead = commandHead(3, 'SET');
  private readonly msetName = 'MSET';
  private readonly msetHead = bulkFragment('MSET');
  private readonly keyHead: Buffer;
  private static readonly valueHead = Buffer.from('v', 'latin1');

  constructor(readonly prefix: string) {
    this.keyHead = Buffer.from(`${prefix}key:`, 'utf8');
    this.lua = {
      script: SET_LUA,
      args: (from, to) => {
        const out: Arg[] = [this.prefix];
        for (let r = from; r < to; r++) out.push(r + 1, this.value(r + 1));
        return out;
      },
    };
  }

  key(id: number): string {
    return `${this.prefix}key:${id}`;
  }

  /** Small values, like redis-benchmark's 3 bytes: the point is the per-command cost. */
  value(id: number): string {
    return `v${id}`;
  }

  keysFor(n: number): number {
    return Math.max(0, n);
  }

  commands(from: number, to: number, emit: Emit): void {
    for (let r = from; r < to; r++) emit('SET', [this.key(r + 1), this.value(r + 1)]);
  }

  variadic(from: number, to: number, emit: Emit): void {
    if (to <= from) return;
    const args: Arg[] = [];
    for (let r = from; r < to; r++) args.push(this.key(r + 1), this.value(r + 1));
    emit(this.msetName, args);
  }

  encode(from: number, to: number, w: RespWriter): number {
    for (let r = from; r < to; r++) {
      const id = r + 1;
      w.fragment(this.setHead);
      w.bulkJoin(this.keyHead, id);
      w.bulkJoin(SetWorkload.valueHead, id);
    }
    return to - from;
  }

  encodeVariadic(from: number, to: number, w: RespWriter): number {
    if (to <= from) return 0;
    w.arrayHeader(1 + 2 * (to - from));
    w.fragment(this.msetHead);
    for (let r = from; r < to; r++) {
      w.bulkJoin(this.keyHead, r + 1);
      w.bulkJoin(SetWorkload.valueHead, r + 1);
    }
    return 1;
  }

  async verify(redis: Redis, n: number, exact: boolean): Promise<Verification> {
    if (exact) {
      const size = await redis.dbsize();
      if (size !== n) return { ok: false, detail: `DBSIZE is ${size}, expected ${n}` };
    } else {
      const found = await countExisting(redis, n, (id) => this.key(id));
      if (found !== n) return { ok: false, detail: `${found} of ${n} keys exist` };
    }
    const ids = sampleIds(n, 50);
    const values = ids.length ? await redis.mget(ids.map((id) => this.key(id))) : [];
    for (let i = 0; i < ids.length; i++) {
      if (values[i] !== this.value(ids[i]!)) {
        return {
          ok: false,
          detail: `${this.key(ids[i]!)} is ${JSON.stringify(values[i])}, expected ${JSON.stringify(this.value(ids[i]!))}`,
        };
      }
    }
    return { ok: true, detail: `${n} keys (${exact ? 'DBSIZE' : 'EXISTS on every key'}), ${ids.length} values compared` };
  }
}

export async function createWorkload(name: WorkloadName, prefix: string): Promise<Workload> {
  if (name === 'users') return new UsersWorkload(prefix, await userPool());
  return new SetWorkload(prefix);
}
