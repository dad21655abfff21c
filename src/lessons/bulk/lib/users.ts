// Fake users for the bulk lesson: deterministic per (seed, id), generated batch by batch, never all in memory.

export interface User {
  id: number;
  name: string;
  email: string;
  city: string;
  department: string;
  title: string;
  salary: number;
  age: number;
  /** YYYY-MM-DD */
  joined: string;
}

/**
 * Cities and departments come from short weighted lists rather than faker's open-ended ones: an index
 * is only interesting when many users share a value, and the weights make some intersections large
 * (Berlin ∩ Engineering) and some small, as in real data.
 */
export const CITIES: readonly { value: string; weight: number }[] = [
  { value: 'Berlin', weight: 16 },
  { value: 'London', weight: 14 },
  { value: 'Paris', weight: 10 },
  { value: 'Toronto', weight: 9 },
  { value: 'Madrid', weight: 8 },
  { value: 'Austin', weight: 8 },
  { value: 'Tokyo', weight: 8 },
  { value: 'Lisbon', weight: 6 },
  { value: 'Dublin', weight: 6 },
  { value: 'Oslo', weight: 5 },
  { value: 'Seoul', weight: 5 },
  { value: 'Sydney', weight: 5 },
];

/** Salary bands per department, before the seniority bonus. */
export const DEPARTMENTS: readonly { value: string; weight: number; min: number; max: number }[] = [
  { value: 'Engineering', weight: 26, min: 60_000, max: 150_000 },
  { value: 'Sales', weight: 18, min: 40_000, max: 120_000 },
  { value: 'Support', weight: 14, min: 35_000, max: 70_000 },
  { value: 'Marketing', weight: 10, min: 45_000, max: 110_000 },
  { value: 'Operations', weight: 10, min: 40_000, max: 95_000 },
  { value: 'Finance', weight: 8, min: 55_000, max: 130_000 },
  { value: 'Design', weight: 8, min: 50_000, max: 115_000 },
  { value: 'Legal', weight: 6, min: 70_000, max: 160_000 },
];

/** weightedArrayElement returns the `value` of the chosen entry: wrap each band so the whole band comes back. */
const DEPARTMENT_CHOICES = DEPARTMENTS.map((d) => ({ weight: d.weight, value: d }));

export const MIN_AGE = 22;
export const MAX_AGE = 65;
export const DEFAULT_SEED = 42;

export interface GenerateOptions {
  /** How many users, ids firstId … firstId+total-1. */
  total: number;
  seed?: number;
  batchSize?: number;
  firstId?: number;
}

type Faker = (typeof import('@faker-js/faker/locale/en'))['faker'];

let fakerPromise: Promise<Faker> | undefined;

/** faker is heavy: loaded on first use only (the English locale alone, not the 60-locale bundle). */
function loadFaker(): Promise<Faker> {
  fakerPromise ??= import('@faker-js/faker/locale/en').then((m) => m.faker);
  return fakerPromise;
}

function makeUser(faker: Faker, seed: number, id: number): User {
  // Seeding per user makes user N the same whatever the batch size or how many users come before it,
  // so a check (or a test) can regenerate any user without generating the whole run again.
  faker.seed([seed, id]);
  const first = faker.person.firstName();
  const last = faker.person.lastName();
  const city = faker.helpers.weightedArrayElement(CITIES);
  const dept = faker.helpers.weightedArrayElement(DEPARTMENT_CHOICES);
  const age = faker.number.int({ min: MIN_AGE, max: MAX_AGE });
  const salary = faker.number.int({ min: dept.min, max: dept.max }) + (age - MIN_AGE) * 600;
  const joined = faker.date.between({ from: '2012-01-01T00:00:00Z', to: '2024-12-31T00:00:00Z' });
  return {
    id,
    name: `${first} ${last}`,
    email: faker.internet.exampleEmail({ firstName: first, lastName: last }).toLowerCase(),
    city,
    department: dept.value,
    title: faker.person.jobTitle(),
    salary,
    age,
    joined: joined.toISOString().slice(0, 10),
  };
}

/** Yields users in batches of `batchSize`: memory stays at one batch however many users are asked for. */
export async function* generateUsers(opts: GenerateOptions): AsyncGenerator<User[]> {
  const faker = await loadFaker();
  const seed = opts.seed ?? DEFAULT_SEED;
  const size = Math.max(1, opts.batchSize ?? 500);
  const first = opts.firstId ?? 1;
  const end = first + opts.total;
  for (let start = first; start < end; start += size) {
    const batch: User[] = [];
    for (let id = start; id < Math.min(end, start + size); id++) batch.push(makeUser(faker, seed, id));
    yield batch;
  }
}

/** One user, exactly as generateUsers would produce it. */
export async function userById(id: number, seed = DEFAULT_SEED): Promise<User> {
  return makeUser(await loadFaker(), seed, id);
}

/** The fields of a user's hash: every value a string, as Redis stores it. */
export function userToHash(u: User): Record<string, string> {
  return {
    id: String(u.id),
    name: u.name,
    email: u.email,
    city: u.city,
    department: u.department,
    title: u.title,
    salary: String(u.salary),
    age: String(u.age),
    joined: u.joined,
  };
}

/** Reads a user back from its hash fields; null when the hash is empty or missing. */
export function hashToUser(h: Record<string, string>): User | null {
  if (!h.id) return null;
  return {
    id: Number(h.id),
    name: h.name ?? '',
    email: h.email ?? '',
    city: h.city ?? '',
    department: h.department ?? '',
    title: h.title ?? '',
    salary: Number(h.salary),
    age: Number(h.age),
    joined: h.joined ?? '',
  };
}
