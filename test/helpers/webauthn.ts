// A software WebAuthn authenticator for node tests: an ES256 (P-256) key made with node:crypto, authenticator
// data built byte by byte (flags UP|UV|AT, signature counter, attested credential data) and attestation 'none'
// encoded as CBOR with @simplewebauthn's own encoder. It answers the options the server sends exactly as a
// browser with a security key would (the JSON @simplewebauthn/browser produces), and can be told to misbehave:
// no user verification, a counter that goes backwards, another origin.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');

export interface RelyingPartyRef {
  id: string;
  origin: string;
}

export class SoftAuthenticator {
  readonly credentialId: Buffer;
  readonly id: string;
  /** The signature counter the next assertion reports (incremented on each use). */
  counter: number;
  private readonly privateKey: KeyObject;
  private readonly x: Buffer;
  private readonly y: Buffer;

  constructor(readonly rp: RelyingPartyRef, opts: { counter?: number } = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.x = Buffer.from(jwk.x!, 'base64url');
    this.y = Buffer.from(jwk.y!, 'base64url');
    this.credentialId = randomBytes(32);
    this.id = b64url(this.credentialId);
    this.counter = opts.counter ?? 0;
  }

  /** The credential public key as COSE_Key (EC2, ES256, P-256), CBOR-encoded: what the server stores. */
  cosePublicKey(): Uint8Array {
    return isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, new Uint8Array(this.x)],
        [-3, new Uint8Array(this.y)],
      ]),
    );
  }

  private authData(flags: number, counter: number, attested: boolean): Buffer {
    const rpIdHash = createHash('sha256').update(this.rp.id).digest();
    const head = Buffer.alloc(5);
    head.writeUInt8(flags, 0);
    head.writeUInt32BE(counter >>> 0, 1);
    if (!attested) return Buffer.concat([rpIdHash, head]);
    const idLen = Buffer.alloc(2);
    idLen.writeUInt16BE(this.credentialId.length, 0);
    return Buffer.concat([rpIdHash, head, Buffer.alloc(16), idLen, this.credentialId, Buffer.from(this.cosePublicKey())]);
  }

  private clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin?: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: origin ?? this.rp.origin, crossOrigin: false }), 'utf8');
  }

  /** A registration response (navigator.credentials.create()) to the server's options. */
  register(options: { challenge: string }, opts: { uv?: boolean; origin?: string } = {}) {
    const flags = FLAG_UP | FLAG_AT | (opts.uv === false ? 0 : FLAG_UV);
    const authData = this.authData(flags, this.counter, true);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', new Uint8Array(authData)],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge, opts.origin)),
        attestationObject: b64url(attestationObject),
        transports: ['usb'],
      },
      authenticatorAttachment: 'cross-platform',
      clientExtensionResults: {},
    };
  }

  /**
   * An assertion (navigator.credentials.get()) for the server's options. The counter moves forward by one
   * unless `counter` says what to report (a cloned key reports one that does not move forward).
   */
  assert(options: { challenge: string }, opts: { uv?: boolean; counter?: number; origin?: string } = {}) {
    const counter = opts.counter ?? ++this.counter;
    const flags = FLAG_UP | (opts.uv === false ? 0 : FLAG_UV);
    const authData = this.authData(flags, counter, false);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, opts.origin);
    const signature = sign('sha256', Buffer.concat([authData, createHash('sha256').update(clientDataJSON).digest()]), this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
      },
      authenticatorAttachment: 'cross-platform',
      clientExtensionResults: {},
    };
  }
}
