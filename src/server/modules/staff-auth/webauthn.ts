// WebAuthn ceremonies (security keys and platform authenticators) through @simplewebauthn/server.
// The relying party is the deployment's public URL: its host is the RP ID and its origin the only origin
// accepted. User verification (PIN, biometrics) is REQUIRED both when a key is registered and when it is used.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';

export const CHALLENGE_TTL_MS = 2 * 60_000;
const TIMEOUT_MS = 60_000;

export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

/**
 * The relying party of a deployment, from its public URL (https://bulwark.example.com → RP ID
 * bulwark.example.com). Browsers refuse an IP address as RP ID, so a loopback address (http://127.0.0.1:8080)
 * is served as `localhost` (origin http://localhost:8080): security keys work when the UI is opened there.
 */
export function relyingPartyOf(publicUrl: string): RelyingParty {
  const u = new URL(publicUrl);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    return { id: 'localhost', name: 'Bulwark', origin: `${u.protocol}//localhost${u.port ? `:${u.port}` : ''}` };
  }
  return { id: host, name: 'Bulwark', origin: u.origin };
}

/** The challenge a client response carries (read from clientDataJSON; verified against the stored one). */
export function challengeOf(clientDataJSON: string): string | null {
  try {
    const parsed = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof parsed.challenge === 'string' && parsed.challenge.length <= 512 ? parsed.challenge : null;
  } catch {
    return null;
  }
}

/** Options for navigator.credentials.create(): UV required, attestation none, the member's keys excluded. */
export async function registrationOptions(
  rp: RelyingParty,
  member: { id: string; name: string; displayName: string },
  existing: { id: string; transports: string[] }[],
) {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: member.name,
    userDisplayName: member.displayName,
    userID: new TextEncoder().encode(member.id),
    timeout: TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
  });
}

/** Options for navigator.credentials.get(): UV required, only the member's live keys allowed. */
export async function authenticationOptions(rp: RelyingParty, keys: { id: string; transports: string[] }[]) {
  return generateAuthenticationOptions({
    rpID: rp.id,
    timeout: TIMEOUT_MS,
    userVerification: 'required',
    allowCredentials: keys.map((k) => ({ id: k.id, transports: k.transports })),
  });
}

/** Verifies a registration; returns the credential to store, or null when it does not verify. */
export async function verifyRegistration(rp: RelyingParty, response: unknown, expectedChallenge: string) {
  try {
    const v = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserPresence: true,
      requireUserVerification: true,
    });
    if (!v.verified || !v.registrationInfo.userVerified) return null;
    const info = v.registrationInfo;
    return {
      id: info.credential.id,
      publicKey: info.credential.publicKey,
      counter: info.credential.counter,
      transports: (info.credential.transports ?? []) as string[],
      aaguid: info.aaguid,
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
    };
  } catch {
    return null;
  }
}

/**
 * Verifies an assertion's origin, RP ID, challenge, user presence and verification and signature; returns the
 * counter the authenticator reported, or null. The counter is deliberately NOT compared here (the library is
 * given 0): the caller compares it only once the signature is known to be good, so that a forged response can
 * never raise a "cloned key" alarm, and a genuine response with a stale counter is told apart and audited.
 */
export async function verifyAssertion(
  rp: RelyingParty,
  response: unknown,
  expectedChallenge: string,
  credential: { id: string; publicKey: Uint8Array; transports: string[] },
): Promise<{ newCounter: number } | null> {
  try {
    const v = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: {
        id: credential.id,
        publicKey: new Uint8Array(credential.publicKey),
        counter: 0,
        transports: credential.transports as never,
      },
    });
    if (!v.verified || !v.authenticationInfo.userVerified) return null;
    return { newCounter: v.authenticationInfo.newCounter };
  } catch {
    return null;
  }
}

/** A counter that did not move forward, while the authenticator keeps one: the mark of a cloned key. */
export function counterRegressed(stored: number, reported: number): boolean {
  return (stored > 0 || reported > 0) && reported <= stored;
}

/** True for a well-formed base64url credential id. */
export function isCredentialId(id: string): boolean {
  return id.length > 0 && id.length <= 1024 && isoBase64URL.isBase64URL(id);
}
