// The only module that reads process.env. Every setting is validated at start; a wrong value stops the
// process with one clear line (fail closed). There are no default secrets: keys live in a key file or a KMS.
import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

// Digits only: a bare coerce would turn an empty PORT= into 0 (a random port) and accept "0x50" or "1e3".
const port = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a port number (0-65535)')
  .transform(Number)
  .pipe(z.number().int().min(0).max(65535));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

// The sanctions-list sources as they appear in LISTS_SYNC_URL_<SOURCE> variable names.
const LIST_SOURCE_ENV = ['OFAC_SDN', 'OFAC_CONS', 'UN_SC', 'EU_FSF', 'UK_SANCTIONS', 'OPENSANCTIONS', 'OFAC_WALLETS'] as const;

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(8080),
  PUBLIC_URL: z.url().optional(),
  BULWARK_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  BULWARK_KEY_FILE: z.string().optional(),
  BULWARK_CHECKPOINT_DIR: z.string().optional(),
  BULWARK_LOG_ORIGIN: z
    .string()
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional(),
  CHECKPOINT_EVERY_EVENTS: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  CHECKPOINT_EVERY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(30),
  TLS_CERT: z.string().optional(),
  TLS_KEY: z.string().optional(),
  TRUST_PROXY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  REDIS_PREFIX: z.string().regex(/^[\w:.-]{1,64}$/, 'letters, digits and : . - _').default('bulwark:'),
  NATS_URL: z.string().regex(/^(nats|tls):\/\//, 'must be a nats:// URL').optional(),
  AUDIT_BATCH_MAX: z.coerce.number().int().min(1).max(10_000).default(500),
  AUDIT_LANES: z.coerce.number().int().min(1).max(32).optional(),
  BOOTSTRAP_TTL_MINUTES: z.coerce.number().int().min(1).max(60).default(30),
  METRICS: bool.default(true),
  // Sign-in throttling: consecutive failures that lock an account, and how long the lock lasts.
  SIGN_IN_LOCK_AFTER: z.string().regex(/^\d{1,3}$/, 'must be a whole number from 3 to 100').transform(Number).pipe(z.number().int().min(3, 'at least 3').max(100, 'at most 100')).default(10),
  SIGN_IN_LOCK_MINUTES: z.string().regex(/^\d{1,4}$/, 'must be a whole number of minutes (1-1440)').transform(Number).pipe(z.number().int().min(1).max(1440)).default(30),
  // Reveals of masked trader fields allowed per staff member per rolling hour.
  REVEAL_LIMIT_PER_HOUR: z.string().regex(/^\d{1,4}$/, 'must be a whole number from 1 to 1000').transform(Number).pipe(z.number().int().min(1, 'at least 1').max(1000, 'at most 1000')).default(20),
  // Requests per client IP per minute (all routes; sign-in and public routes have stricter limits of their own).
  RATE_LIMIT_PER_MINUTE: z.string().regex(/^\d{1,7}$/, 'must be a whole number from 60 to 1000000').transform(Number).pipe(z.number().int().min(60, 'at least 60').max(1_000_000)).default(600),
  TRADER_BULK_VIEW_ALERT: z.string().regex(/^\d{1,5}$/, 'must be a whole number from 10 to 10000').transform(Number).pipe(z.number().int().min(10, 'at least 10').max(10000, 'at most 10000')).default(200),
  // The trading-engine connector: per-attempt timeout, first retry delay (doubling), failures that open the breaker.
  EXCHANGE_TIMEOUT_MS: z.string().regex(/^\d{1,6}$/, 'must be a whole number of milliseconds (50-60000)').transform(Number).pipe(z.number().int().min(50).max(60_000)).default(3000),
  EXCHANGE_RETRY_DELAY_MS: z.string().regex(/^\d{1,5}$/, 'must be a whole number of milliseconds (1-10000)').transform(Number).pipe(z.number().int().min(1).max(10_000)).default(200),
  EXCHANGE_BREAKER_AFTER: z.string().regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100').transform(Number).pipe(z.number().int().min(1).max(100)).default(5),
  // Outgoing e-mail (invitations, reset links, security notices). Unset: messages are only kept in the outbox.
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL').optional(),
  // Shared secret of the signed inbound support webhooks (HMAC-SHA256); unset: inbound answers 503.
  SUPPORT_WEBHOOK_SECRET: z.string().min(32, 'at least 32 characters').max(512).optional(),
  // Shared secret of the identity-verification provider's signed webhook (HMAC-SHA256); unset: it answers 503.
  KYC_PROVIDER_WEBHOOK_SECRET: z.string().min(32, 'at least 32 characters').max(512).optional(),
  // Shared secret of the trading engine's signed event webhook and withdrawal-limit requests (HMAC-SHA256); unset: 503.
  EXCHANGE_WEBHOOK_SECRET: z.string().min(32, 'at least 32 characters').max(512).optional(),
  SMTP_FROM: z.string().regex(/^[^\r\n<>]{0,100}<?[^\s@<>]+@[^\s@<>]+>?$/, 'must be an address such as "Bulwark <bulwark@example.com>"').optional(),
  // Sanctions lists (docs/screening-lists.md): which sources `lists sync` fetches, their URLs, the schedule and limits.
  LISTS_SYNC_SOURCES: z.string().regex(/^(ofac_sdn|ofac_cons|un_sc|eu_fsf|uk_sanctions|opensanctions|ofac_wallets)(,(ofac_sdn|ofac_cons|un_sc|eu_fsf|uk_sanctions|opensanctions|ofac_wallets))*$/, 'comma-separated list sources (ofac_sdn, ofac_cons, un_sc, eu_fsf, uk_sanctions, opensanctions, ofac_wallets)').optional(),
  ...Object.fromEntries(LIST_SOURCE_ENV.map((n) => [`LISTS_SYNC_URL_${n}`, z.string().regex(/^https?:\/\/\S+( +https?:\/\/\S+)*$/, 'one or more http(s) URLs separated by spaces').optional()])) as Record<`LISTS_SYNC_URL_${(typeof LIST_SOURCE_ENV)[number]}`, z.ZodOptional<z.ZodString>>,
  LISTS_SYNC_INTERVAL_HOURS: z.string().regex(/^\d{1,3}$/, 'whole hours from 0 (no schedule) to 168').transform(Number).pipe(z.number().int().min(0).max(168)).default(24),
  LISTS_SYNC_TIMEOUT_SECONDS: z.string().regex(/^\d{1,4}$/, 'whole seconds from 5 to 3600').transform(Number).pipe(z.number().int().min(5).max(3600)).default(300),
  LISTS_STALE_DAYS: z.string().regex(/^\d{1,3}$/, 'whole days from 1 to 365').transform(Number).pipe(z.number().int().min(1).max(365)).default(7),
  LISTS_MAX_BYTES: z.string().regex(/^\d{1,11}$/, 'bytes').transform(Number).pipe(z.number().int().min(1024).max(8 * 1024 ** 3)).default(256 * 1024 * 1024),
  LISTS_MAX_UPLOAD_BYTES: z.string().regex(/^\d{1,10}$/, 'bytes').transform(Number).pipe(z.number().int().min(1024).max(512 * 1024 * 1024)).default(50 * 1024 * 1024),
  LISTS_MAX_SHRINK_PERCENT: z.string().regex(/^\d{1,3}$/, 'a whole percentage from 1 to 100').transform(Number).pipe(z.number().int().min(1).max(100)).default(10),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  keyFile: string;
  checkpointDir: string;
  logOrigin: string;
  checkpointEveryEvents: number;
  checkpointEverySeconds: number;
  tls: { cert: string; key: string } | undefined;
  /** Addresses of trusted reverse proxies; when set, only HTTPS-forwarded requests are served. */
  trustProxy: string[] | undefined;
  logLevel: string;
  redisUrl: string | undefined;
  /** Key prefix in Redis, so several deployments can share one server. */
  redisPrefix: string;
  natsUrl: string | undefined;
  auditBatchMax: number;
  auditLanes: number | undefined;
  bootstrapTtlMinutes: number;
  metrics: boolean;
  /** Consecutive sign-in failures that lock an account. */
  signInLockAfter: number;
  /** How long a lock lasts before it lifts by itself (a security officer can lift it earlier). */
  signInLockMinutes: number;
  /** Reveals of masked trader fields per member per rolling hour. */
  revealLimitPerHour: number;
  /** The exchange connector: per-attempt timeout, first retry delay, consecutive failures that open the breaker. */
  exchangeTimeoutMs: number;
  exchangeRetryDelayMs: number;
  exchangeBreakerAfter: number;
  /** Distinct trader profiles one member may open per rolling hour before a security alert (bulk viewing). */
  traderBulkViewAlert: number;
  /** Requests per client IP per minute across all routes. */
  rateLimitPerMinute: number;
  /** smtp:// or smtps:// URL of the mail relay (credentials may be in it); unset: outbox only. */
  smtpUrl: string | undefined;
  /** The From address of outgoing e-mail. */
  smtpFrom: string;
  /** HMAC secret of the inbound support webhooks; undefined: inbound is not configured (503). */
  supportWebhookSecret: string | undefined;
  /** HMAC secret of the KYC provider webhook; undefined: the webhook is not configured (503). */
  kycProviderWebhookSecret: string | undefined;
  /** HMAC secret of the exchange's event webhook (issue 6); undefined: the webhook answers 503. */
  exchangeWebhookSecret: string | undefined;
  lists: ListsConfig;
}

/** Sanctions-list sync and import settings (the lists module maps them onto its defaults). */
export interface ListsConfig {
  /** Sources `lists sync` fetches; undefined: the module's default set. */
  syncSources: string[] | undefined;
  /** URL overrides per source (lower-case source name → URLs). */
  syncUrls: Record<string, string[]>;
  syncIntervalHours: number;
  syncTimeoutMs: number;
  staleDays: number;
  maxBytes: number;
  maxUploadBytes: number;
  maxShrinkPercent: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const kind = isIP(host);
  if (kind === 4) return host.startsWith('127.');
  if (kind === 6) return host === '::1';
  return false;
}

/** Parses and validates the environment; throws ConfigError with one clear line on any wrong value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  if ((e.TLS_CERT && !e.TLS_KEY) || (!e.TLS_CERT && e.TLS_KEY)) {
    throw new ConfigError('invalid configuration: TLS_CERT and TLS_KEY must be set together');
  }
  // A missing or unreadable certificate would otherwise surface as a stack trace from the HTTP server.
  for (const [name, path] of [['TLS_CERT', e.TLS_CERT], ['TLS_KEY', e.TLS_KEY]] as const) {
    if (!path) continue;
    try {
      accessSync(resolve(path), constants.R_OK);
    } catch {
      throw new ConfigError(`invalid configuration: ${name}: cannot read ${resolve(path)}`);
    }
  }
  let trustProxy: string[] | undefined;
  if (e.TRUST_PROXY) {
    trustProxy = e.TRUST_PROXY.split(',').map((s) => s.trim()).filter(Boolean);
    for (const p of trustProxy) {
      const [addr, bits, extra] = p.split('/');
      const kind = addr ? isIP(addr) : 0;
      // The prefix must fit the address (≤ 32 for IPv4, ≤ 128 for IPv6): a longer one would pass here and
      // then crash the HTTP server at start-up with a stack trace instead of this one line.
      const badBits = bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > (kind === 4 ? 32 : 128));
      if (kind === 0 || badBits || extra !== undefined) {
        throw new ConfigError(`invalid configuration: TRUST_PROXY: "${p}" is not an IP address or CIDR range`);
      }
    }
  }
  // Plain HTTP is allowed only on loopback: anything else needs TLS here or a trusted TLS-terminating proxy.
  if (!isLoopback(e.HOST) && !e.TLS_CERT && !trustProxy) {
    throw new ConfigError(
      `invalid configuration: HOST=${e.HOST} is not a loopback address; set TLS_CERT/TLS_KEY or TRUST_PROXY`,
    );
  }
  const dataDir = resolve(e.BULWARK_DATA_DIR);
  const tls = e.TLS_CERT && e.TLS_KEY ? { cert: resolve(e.TLS_CERT), key: resolve(e.TLS_KEY) } : undefined;
  const scheme = tls || trustProxy ? 'https' : 'http';
  // On loopback the public URL names `localhost`: browsers refuse an IP address as a WebAuthn relying-party ID,
  // so security keys only work when the UI is opened at a host name.
  const shownHost = isLoopback(e.HOST) ? 'localhost' : e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `${scheme}://${shownHost}:${e.PORT}`).replace(/\/$/, ''),
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    // The key file sits beside, not inside, the data directory so database backups never contain it.
    keyFile: resolve(e.BULWARK_KEY_FILE ?? `${dataDir}.master-key.json`),
    checkpointDir: resolve(e.BULWARK_CHECKPOINT_DIR ?? `${dataDir}.checkpoints`),
    logOrigin: e.BULWARK_LOG_ORIGIN ?? 'bulwark.local/audit',
    checkpointEveryEvents: e.CHECKPOINT_EVERY_EVENTS,
    checkpointEverySeconds: e.CHECKPOINT_EVERY_SECONDS,
    tls,
    trustProxy,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    natsUrl: e.NATS_URL,
    auditBatchMax: e.AUDIT_BATCH_MAX,
    auditLanes: e.AUDIT_LANES,
    bootstrapTtlMinutes: e.BOOTSTRAP_TTL_MINUTES,
    metrics: e.METRICS,
    signInLockAfter: e.SIGN_IN_LOCK_AFTER,
    signInLockMinutes: e.SIGN_IN_LOCK_MINUTES,
    revealLimitPerHour: e.REVEAL_LIMIT_PER_HOUR,
    exchangeTimeoutMs: e.EXCHANGE_TIMEOUT_MS,
    exchangeRetryDelayMs: e.EXCHANGE_RETRY_DELAY_MS,
    exchangeBreakerAfter: e.EXCHANGE_BREAKER_AFTER,
    traderBulkViewAlert: e.TRADER_BULK_VIEW_ALERT,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    smtpUrl: e.SMTP_URL,
    supportWebhookSecret: e.SUPPORT_WEBHOOK_SECRET,
    kycProviderWebhookSecret: e.KYC_PROVIDER_WEBHOOK_SECRET,
    exchangeWebhookSecret: e.EXCHANGE_WEBHOOK_SECRET,
    lists: {
      syncSources: e.LISTS_SYNC_SOURCES?.split(','),
      syncUrls: Object.fromEntries(
        LIST_SOURCE_ENV.flatMap((n) => {
          const v = (e as Record<string, unknown>)[`LISTS_SYNC_URL_${n}`];
          return typeof v === 'string' ? [[n.toLowerCase(), v.split(/ +/)]] : [];
        }),
      ),
      syncIntervalHours: e.LISTS_SYNC_INTERVAL_HOURS,
      syncTimeoutMs: e.LISTS_SYNC_TIMEOUT_SECONDS * 1000,
      staleDays: e.LISTS_STALE_DAYS,
      maxBytes: e.LISTS_MAX_BYTES,
      maxUploadBytes: e.LISTS_MAX_UPLOAD_BYTES,
      maxShrinkPercent: e.LISTS_MAX_SHRINK_PERCENT,
    },
    smtpFrom: e.SMTP_FROM ?? `Bulwark <bulwark@${new URL(e.PUBLIC_URL ?? 'http://localhost').hostname.replace(/^\[|\]$/g, '') || 'localhost'}>`,
  };
}
