// Fake users without paying faker per user: a pool of values made once, users composed from it by a hash of their id.
//
// faker costs tens of microseconds per user, more than Redis spends storing one; generating in the timed loop
// would measure faker. A seeded pool (a few thousand names, phones, companies; 200 cities; every department)
// composed deterministically makes user i the same in every strategy and every run, so results can be checked.

export interface UserPool {
  names: string[];
  /** Lower-case "first.last" for each name: emails are local + id + "@" + domain, so every email is unique. */
  emailLocals: string[];
  domains: string[];
  cities: string[];
  departments: string[];
  companies: string[];
  phones: string[];
  dates: string[];
  /** How long building the pool took, faker's import included. */
  buildMs: number;
}

export interface User {
  id: number;
  name: string;
  email: string;
  phone: string;
  age: number;
  city: string;
  department: string;
  company: string;
  salary: number;
  joined: string;
}

/** The nine hash fields, in the order every strategy writes them. */
export const USER_FIELDS = ['name', 'email', 'phone', 'age', 'city', 'department', 'company', 'salary', 'joined'] as const;

/** Indexes into the pool and the numbers of one user: what the hot paths compose from, no strings built. */
export interface UserSlots {
  name: number;
  domain: number;
  phone: number;
  age: number;
  city: number;
  department: number;
  company: number;
  salary: number;
  joined: number;
}

export const POOL_SIZES = { names: 3000, domains: 40, cities: 200, companies: 1000, phones: 3000, dates: 2000 } as const;

/** Ages are AGE_MIN … AGE_MIN + AGE_SPAN - 1; salaries SALARY_MIN + k · SALARY_STEP for k < SALARY_STEPS. */
export const AGE_MIN = 18;
export const AGE_SPAN = 53;
export const SALARY_MIN = 30_000;
export const SALARY_STEP = 100;
export const SALARY_STEPS = 1700;

let cached: Promise<UserPool> | null = null;

/** Builds the pool once per process (seeded, so identical across runs). */
export function userPool(): Promise<UserPool> {
  cached ??= build();
  return cached;
}

function distinct(n: number, make: () => string, tries = n * 20): string[] {
  const seen = new Set<string>();
  for (let i = 0; i < tries && seen.size < n; i++) seen.add(make());
  return [...seen];
}

async function build(): Promise<UserPool> {
  const start = performance.now();
  const { faker } = await import('@faker-js/faker/locale/en');
  faker.seed(20240601);
  const names: string[] = [];
  const emailLocals: string[] = [];
  for (let i = 0; i < POOL_SIZES.names; i++) {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    names.push(`${first} ${last}`);
    emailLocals.push(`${first}.${last}`.toLowerCase().replace(/[^a-z0-9.]/g, ''));
  }
  const domains = distinct(POOL_SIZES.domains, () => faker.internet.domainName());
  const cities = distinct(POOL_SIZES.cities, () => faker.location.city());
  // faker has about 22 departments: take them all.
  const departments = distinct(40, () => faker.commerce.department(), 2000).sort();
  const companies = Array.from({ length: POOL_SIZES.companies }, () => faker.company.name());
  const phones = Array.from({ length: POOL_SIZES.phones }, () => faker.phone.number({ style: 'national' }));
  const from = Date.UTC(2015, 0, 1);
  const span = Date.UTC(2025, 0, 1) - from;
  const dates = Array.from({ length: POOL_SIZES.dates }, () =>
    new Date(from + Math.floor(faker.number.float({ min: 0, max: 1 }) * span)).toISOString().slice(0, 10),
  );
  return { names, emailLocals, domains, cities, departments, companies, phones, dates, buildMs: performance.now() - start };
}

/** A 32-bit integer hash (lowbias32): spreads consecutive ids over the pool. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Fills `out` with user id's pool indexes and numbers; allocation-free. */
export function composeUser(pool: UserPool, id: number, out: UserSlots): UserSlots {
  const a = mix32(id);
  const b = mix32(id ^ 0x5bd1e995);
  const c = mix32(id + 0x27d4eb2f);
  out.name = a % pool.names.length;
  out.domain = (a >>> 12) % pool.domains.length;
  out.city = b % pool.cities.length;
  out.department = (b >>> 16) % pool.departments.length;
  out.company = c % pool.companies.length;
  out.phone = (c >>> 8) % pool.phones.length;
  out.joined = ((a ^ c) >>> 0) % pool.dates.length;
  out.age = AGE_MIN + (b % AGE_SPAN);
  out.salary = SALARY_MIN + ((c >>> 4) % SALARY_STEPS) * SALARY_STEP;
  return out;
}

export function emptySlots(): UserSlots {
  return { name: 0, domain: 0, phone: 0, age: 0, city: 0, department: 0, company: 0, salary: 0, joined: 0 };
}

export function emailOf(pool: UserPool, id: number, s: UserSlots): string {
  return `${pool.emailLocals[s.name]}${id}@${pool.domains[s.domain]}`;
}

/** User id as plain values: what the checks compare the server's hash with. */
export function userAt(pool: UserPool, id: number, slots: UserSlots = emptySlots()): User {
  const s = composeUser(pool, id, slots);
  return {
    id,
    name: pool.names[s.name]!,
    email: emailOf(pool, id, s),
    phone: pool.phones[s.phone]!,
    age: s.age,
    city: pool.cities[s.city]!,
    department: pool.departments[s.department]!,
    company: pool.companies[s.company]!,
    salary: s.salary,
    joined: pool.dates[s.joined]!,
  };
}

/** The hash fields of a user as strings, in USER_FIELDS order. */
export function userFields(u: User): Record<(typeof USER_FIELDS)[number], string> {
  return {
    name: u.name,
    email: u.email,
    phone: u.phone,
    age: String(u.age),
    city: u.city,
    department: u.department,
    company: u.company,
    salary: String(u.salary),
    joined: u.joined,
  };
}

export function describePool(pool: UserPool): string {
  return (
    `users are composed from a pool made once with faker in ${Math.round(pool.buildMs)} ms ` +
    `(${pool.names.length.toLocaleString('en-US')} names, ${pool.cities.length} cities, ${pool.departments.length} departments, ` +
    `${pool.companies.length.toLocaleString('en-US')} companies, ${pool.phones.length.toLocaleString('en-US')} phones), ` +
    `so generation stays a small part of the timed loop`
  );
}
