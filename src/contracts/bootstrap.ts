// Contracts of the first-administrator bootstrap and the sign-in shell, shared by server and web.
import { z } from 'zod';

/** The one-time bootstrap token travels in the URL fragment (#token=…) so it never reaches server logs or referrers. */
export const BootstrapToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'malformed bootstrap token');

export const BootstrapStartRequest = z.object({ token: BootstrapToken });
export const BootstrapStartResponse = z.object({
  /** Base32 TOTP secret for manual entry. */
  totpSecret: z.string(),
  /** otpauth:// URI rendered as a QR code by the UI. */
  otpauthUri: z.string(),
  expiresAt: z.string(),
});

export const Password = z.string().min(12, 'at least 12 characters').max(128, 'at most 128 characters');
export const Email = z.string().trim().toLowerCase().email().max(254);
export const DisplayName = z.string().trim().min(1).max(120);
export const TotpCode = z.string().regex(/^[0-9]{6}$/, 'six digits');

export const BootstrapCompleteRequest = z.object({
  token: BootstrapToken,
  displayName: DisplayName,
  email: Email,
  password: Password,
  totpCode: TotpCode,
});
export const BootstrapCompleteResponse = z.object({
  staffId: z.string(),
  email: z.string(),
  /** Ten single-use recovery codes, shown once (only their hashes are stored). */
  recoveryCodes: z.array(z.string()),
});

/** Step 1 of sign-in: email and password. The second factor is a separate request (see contracts/auth.ts). */
export const LoginRequest = z.object({ email: Email, password: z.string().min(1).max(128) });

/**
 * Where a session stands:
 *  - `mfa_pending`: the password was right; the only thing the session can do is answer a second-factor
 *    challenge (or sign out);
 *  - `enrolment_required`: the member has no (sufficient) second factor yet; the session can only enrol one;
 *  - `active`: signed in;
 *  - `locked`: the screen was locked on idle; only a full re-authentication (password + second factor) unlocks it.
 */
export const SessionState = z.enum(['active', 'mfa_pending', 'enrolment_required', 'locked']);
export type SessionState = z.infer<typeof SessionState>;
export const MfaMethod = z.enum(['totp', 'webauthn', 'recovery']);
export type MfaMethod = z.infer<typeof MfaMethod>;

export const LoginResponse = z.object({
  staffId: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  csrfToken: z.string(),
  state: SessionState,
  /** The second factors the member can answer with now (for `mfa_pending`). */
  methods: z.array(MfaMethod),
  /** One of the member's roles requires a security key (WebAuthn); TOTP alone does not complete sign-in. */
  hardwareKeyRequired: z.boolean(),
  /** The session's idle timeout (the strictest of the member's roles, at most 15 minutes). */
  idleTimeoutMs: z.number().int(),
  /** When a second factor was last used in this session (step-up counts 5 minutes from it). */
  mfaAt: z.string().nullable(),
});
export const MeResponse = LoginResponse;

/** RFC 9457 problem details as Bulwark sends them. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;
