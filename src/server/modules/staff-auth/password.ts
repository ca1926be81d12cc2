// Passwords: argon2id at OWASP parameters (m=19 MiB, t=2, p=1), NIST SP 800-63B rules: 12–128 characters,
// any characters, no composition rules. The identity issue adds the common-password list.
import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

const ARGON2ID = 2; // Algorithm.Argon2id (a const enum, not importable under isolatedModules)
const PARAMS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** argon2id hash in PHC string form. */
export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFKC'), PARAMS);
}

/** Constant-time verification; false for malformed hashes. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password.normalize('NFKC'));
  } catch {
    return false;
  }
}

// A real argon2id hash of a random string: verifying against it costs the same as a real account, so an
// unknown email takes as long as a wrong password (no enumeration by timing).
let dummy: Promise<string> | undefined;
/** A hash to verify against when the account does not exist. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
  return dummy;
}

// The 10,000 commonest passwords (zxcvbn's frequency-ordered list, shipped as a dependency), lower-cased:
// checked case-insensitively, so "Qwerty123456" is as refused as "qwerty123456".
const COMMON_PASSWORDS = new Set((dictionary['passwords-common'] as string[]).slice(0, 10_000).map((p) => p.toLowerCase()));

/** True when the password is one of the 10,000 commonest (case-insensitive). */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.normalize('NFKC').toLowerCase());
}

/** Returns a reason when the password is not acceptable, or null. */
export function passwordProblem(password: string, email: string): string | null {
  const length = [...password.normalize('NFKC')].length;
  if (length < 12) return 'The password must be at least 12 characters long';
  if (length > 128) return 'The password must be at most 128 characters long';
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 3 && password.toLowerCase().includes(local)) {
    return 'The password must not contain the name part of your email address';
  }
  if (isCommonPassword(password)) return 'This password is one of the most commonly used: choose another';
  return null;
}
