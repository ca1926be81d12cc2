// Synthetic trader names for the screening benchmarks: first names and surnames from several naming
// traditions, drawn by a seeded generator so every run screens the same names. Common Arabic, Russian, Korean
// and Chinese names share tokens with many list entries (Mohammed, Ali, Kim, Ivanov): those are the expensive
// queries, and they are in the mix on purpose.

const FIRST = [
  'James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Susan',
  'Richard', 'Jessica', 'Thomas', 'Sarah', 'Daniel', 'Karen', 'Matthew', 'Nancy', 'Anna', 'Lukas', 'Sophie', 'Jonas',
  'Emma', 'Liam', 'Olivia', 'Noah', 'Mohammed', 'Ahmed', 'Ali', 'Omar', 'Fatima', 'Aisha', 'Hassan', 'Yusuf', 'Ibrahim',
  'Khalid', 'Layla', 'Mariam', 'Alexander', 'Dmitry', 'Sergey', 'Olga', 'Natalia', 'Ivan', 'Elena', 'Andrey', 'Tatiana',
  'Vladimir', 'Wei', 'Li', 'Jing', 'Min', 'Hui', 'Jun', 'Yan', 'Ji-ho', 'Seo-yeon', 'Min-jun', 'Hiroshi', 'Yuki', 'Sakura',
  'Carlos', 'Maria', 'Jose', 'Juan', 'Ana', 'Luis', 'Sofia', 'Diego', 'Valentina', 'Priya', 'Rahul', 'Amit', 'Sunita',
  'Arjun', 'Chinedu', 'Ngozi', 'Kwame', 'Amara', 'Tunde', 'Pierre', 'Camille', 'Giulia', 'Marco', 'Lars', 'Ingrid',
];
const LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Jackson', 'Martin', 'Lee', 'Mueller', 'Schmidt',
  'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Khan', 'Hussein', 'Rahman', 'Abdullah',
  'Al-Sayed', 'Haddad', 'Nasser', 'Mansour', 'Saleh', 'Ivanov', 'Smirnov', 'Kuznetsov', 'Popov', 'Petrova', 'Sokolov',
  'Volkov', 'Novikova', 'Wang', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Kim', 'Park', 'Choi', 'Jung', 'Sato',
  'Suzuki', 'Tanaka', 'Watanabe', 'Silva', 'Santos', 'Oliveira', 'Pereira', 'Gonzalez', 'Sanchez', 'Ramirez', 'Patel',
  'Sharma', 'Singh', 'Kumar', 'Okafor', 'Adeyemi', 'Mensah', 'Dubois', 'Rossi', 'Russo', 'Johansson', 'Larsen', 'Novak',
];
const MIDDLE = ['', '', '', 'Anne', 'Lee', 'Marie', 'Ali', 'Petrovich', 'J.', 'K.', 'Jose', 'Abdul', 'Maria', 'Van', 'De'];

/** A small, fast seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` synthetic person names (seeded; the same seed gives the same names). */
export function syntheticNames(count: number, seed = 42): string[] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const mid = pick(MIDDLE);
    out[i] = [pick(FIRST), mid, pick(LAST)].filter(Boolean).join(' ');
  }
  return out;
}

/** A typo: one character dropped, doubled, swapped with its neighbour, or replaced. */
export function typo(name: string, r: () => number): string {
  if (name.length < 4) return name;
  const i = 1 + Math.floor(r() * (name.length - 2));
  switch (Math.floor(r() * 4)) {
    case 0: return name.slice(0, i) + name.slice(i + 1);
    case 1: return name.slice(0, i) + name[i] + name.slice(i);
    case 2: return name.slice(0, i - 1) + name[i] + name[i - 1] + name.slice(i + 1);
    default: return name.slice(0, i) + 'aeiou'[Math.floor(r() * 5)] + name.slice(i + 1);
  }
}
