// Contracts of the second factor: the sign-in challenge, step-up, re-authentication, and the member's own
// factors (TOTP, WebAuthn security keys, recovery codes). Shared by the server's routes and the web UI.
import { z } from 'zod';
import { MeResponse, TotpCode } from './bootstrap.js';

/** A recovery code as shown to the member (six groups of four base32 characters, 120 bits); spaces and dashes are ignored. */
export const RecoveryCode = z
  .string()
  .max(40)
  .transform((s) => s.replace(/[\s-]/g, '').toUpperCase())
  .pipe(z.string().regex(/^[A-Z2-7]{24}$/, 'twenty-four letters and digits'));

const b64url = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]*={0,2}$/, 'base64url');

/** What navigator.credentials.create() returned, as @simplewebauthn/browser serialises it. */
export const WebAuthnRegistration = z.object({
  id: b64url(1024),
  rawId: b64url(1024),
  type: z.literal('public-key'),
  response: z.looseObject({
    clientDataJSON: b64url(8192),
    attestationObject: b64url(65536),
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
  authenticatorAttachment: z.string().max(32).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});
export type WebAuthnRegistration = z.infer<typeof WebAuthnRegistration>;

/** What navigator.credentials.get() returned, as @simplewebauthn/browser serialises it. */
export const WebAuthnAssertion = z.object({
  id: b64url(1024),
  rawId: b64url(1024),
  type: z.literal('public-key'),
  response: z.looseObject({
    clientDataJSON: b64url(8192),
    authenticatorData: b64url(8192),
    signature: b64url(2048),
    userHandle: b64url(1024).optional(),
  }),
  authenticatorAttachment: z.string().max(32).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});
export type WebAuthnAssertion = z.infer<typeof WebAuthnAssertion>;

/** PublicKeyCredentialRequestOptionsJSON / CreationOptionsJSON, passed through to the browser as they are. */
export const WebAuthnOptions = z.object({ options: z.record(z.string(), z.unknown()) });

export const TotpAnswer = z.object({ code: TotpCode });
export const RecoveryAnswer = z.object({ code: RecoveryCode });
export const WebAuthnAnswer = z.object({ response: WebAuthnAssertion });

/** A second factor used for step-up or re-authentication. */
export const SecondFactor = z.discriminatedUnion('method', [
  z.object({ method: z.literal('totp'), code: TotpCode }),
  z.object({ method: z.literal('webauthn'), response: WebAuthnAssertion }),
  z.object({ method: z.literal('recovery'), code: RecoveryCode }),
]);
export type SecondFactor = z.input<typeof SecondFactor>;

export const StepUpRequest = SecondFactor;
export const ReauthRequest = z.object({ password: z.string().min(1).max(128), factor: SecondFactor });

export const KeyName = z.string().trim().min(1, 'give the key a name').max(60);

export const SecurityKey = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  deviceType: z.string().nullable(),
  backedUp: z.boolean(),
});
export type SecurityKey = z.infer<typeof SecurityKey>;

/** The member's factors: never a secret, only what exists. */
export const MfaStatus = z.object({
  totp: z.boolean(),
  keys: z.array(SecurityKey),
  recoveryCodesLeft: z.number().int(),
  hardwareKeyRequired: z.boolean(),
  /** Until when factor changes are allowed without another re-authentication (null: re-authenticate first). */
  reauthUntil: z.string().nullable(),
});
export type MfaStatus = z.infer<typeof MfaStatus>;

export const TotpEnrolStart = z.object({
  totpSecret: z.string(),
  otpauthUri: z.string(),
  /** The proposed secret, encrypted and bound to this session: sent back with the confirming code. */
  pending: z.string().max(2048),
});
export const TotpEnrolConfirm = z.object({ pending: z.string().min(1).max(2048), code: TotpCode });

export const KeyRegisterOptionsRequest = z.object({ name: KeyName });
export const KeyRegisterRequest = z.object({ name: KeyName, response: WebAuthnRegistration });
export const KeyRenameRequest = z.object({ name: KeyName });

/**
 * The answer to a factor change. `recoveryCodes` is present when new codes were generated (shown once);
 * `session` when the change completed the sign-in (the session token was rotated).
 */
export const FactorChangeResponse = z.object({
  key: SecurityKey.optional(),
  recoveryCodes: z.array(z.string()).optional(),
  session: MeResponse.optional(),
});

export const RecoveryCodesResponse = z.object({ recoveryCodes: z.array(z.string()) });
