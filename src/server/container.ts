// Composition root: configuration → database → keys → audit log → services. Nothing else wires things up.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type { Config } from './config/config.js';
import { AnchorStore } from './platform/audit/anchor-store.js';
import { Checkpointer } from './platform/audit/checkpointer.js';
import { AuditWriter } from './platform/audit/writer.js';
import { systemClock, type Clock } from './platform/clock.js';
import { openLocalFileProvider } from './platform/crypto/keys/local-file-provider.js';
import type { KeyProvider } from './platform/crypto/keys/key-provider.js';
import { Vault } from './platform/crypto/vault.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { lockDataDir } from './platform/db/data-dir-lock.js';
import { migrateToLatest, pendingMigrations } from './platform/db/migrate.js';
import { createApprovalsService } from './modules/approvals/approvals.service.js';
import { createAuditService } from './modules/audit/audit.service.js';
import { createDemoService } from './modules/demo/demo.service.js';
import { createKeysService } from './modules/keys/keys.service.js';
import { createRolesService } from './modules/roles/index.js';
import { createTradersService } from './modules/traders/index.js';
import { createExchangeService } from './modules/exchange/index.js';
import { createWithdrawalLimitsService } from './modules/withdrawal-limits/index.js';
import { ALGORITHM_VERSION, buildScreeningIndex, DEFAULT_THRESHOLD, screenBatch } from './modules/screening/engine/index.js';
import { createScreeningService, SCREENING_FREEZE_KIND, screeningTimeline } from './modules/screening/index.js';
import { createListsService, listsSettingsFrom } from './modules/screening/lists/index.js';
import { createSupportService } from './modules/support/index.js';
import { createKycService, KYC_HIGH_RISK_KIND, KYC_SETTINGS_RELAX_KIND, kycTimeline } from './modules/kyc/index.js';
import { createConsentService, createMarketingService } from './modules/consent/index.js';
import { createSignInGuard } from './modules/sign-in-guard/sign-in-guard.service.js';
import { createEmailService } from './modules/email/email.service.js';
import { createSecurityService } from './modules/security/security.service.js';
import { createSessionsService } from './modules/sessions/sessions.service.js';
import { createStaffService } from './modules/staff/staff.service.js';
import { createStaffAuthService } from './modules/staff-auth/staff-auth.service.js';
import { systemContext, type ActorContext } from './platform/http/request-context.js';
import { createIngestService, startNatsIngestor } from './modules/monitoring/ingest/index.js';
import { createMonitoringService, RULE_ACTIVATE_KIND, RULE_DEACTIVATE_KIND } from './modules/monitoring/index.js';
import { createSarService } from './modules/sar/index.js';
import { alertsTimeline, casesTimeline, createAlertsService, createCasesService, sarCaseTimeline } from './modules/cases/index.js';

export interface ContainerOptions {
  clock?: Clock;
  log?: Logger;
  /** In-memory PGlite (tests); ignored when DATABASE_URL is set. */
  inMemory?: boolean;
  /** Replace the key provider (a KMS/HSM provider, or tests). */
  keyProvider?: KeyProvider;
  /** Start timers (checkpoints every T seconds). Off for CLI one-shots. */
  startJobs?: boolean;
  /** Create the local master key file when missing (serve, migrate, demo seed). */
  createKeyFile?: boolean;
  /** Called for each migration applied. */
  onMigration?: (name: string) => void;
  /** How the sign-in guard waits out throttling delays (tests pass one that does not really sleep). */
  sleep?: (ms: number) => Promise<void>;
}

export type Container = Awaited<ReturnType<typeof createContainer>>;

const silentLog = { warn() {}, error() {}, info() {} };

/** Builds every long-lived object of the application. */
export async function createContainer(config: Config, opts: ContainerOptions = {}) {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? (silentLog as unknown as Logger);
  const useDir = !config.databaseUrl && !opts.inMemory;
  const unlock = useDir ? lockDataDir(config.dataDir) : () => undefined;
  let db: Database | undefined;
  try {
    db = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: useDir ? config.dataDir : undefined,
      poolSize: config.databasePoolSize,
    });
    const applied = await migrateToLatest(db.system, opts.onMigration);
    // From here on every connection runs as the least-privileged role (INSERT/SELECT only on the audit log).
    await db.useAppRole();

    let keyFileCreated = false;
    let provider = opts.keyProvider;
    if (!provider) {
      const opened = await openLocalFileProvider(config.keyFile, { create: opts.createKeyFile ?? true });
      provider = opened.provider;
      keyFileCreated = opened.created;
    }
    const vault = await Vault.open({ db: db.system, provider, clock, origin: config.logOrigin });

    const anchors = new AnchorStore(config.checkpointDir);
    const checkpointer = new Checkpointer({
      db: db.system,
      store: anchors,
      origin: config.logOrigin,
      signingKey: vault.signingKey,
      verifierKey: vault.verifierKey,
      clock,
      everyEvents: config.checkpointEveryEvents,
      everySeconds: config.checkpointEverySeconds,
      log: { warn: (m) => log.warn(m), error: (o, m) => log.error(o, m) },
    });
    await checkpointer.init();

    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });
    const auditEvents = new Counter({ name: 'bulwark_audit_events_total', help: 'Audit events committed', registers: [metrics] });
    const auditBatches = new Counter({ name: 'bulwark_audit_batches_total', help: 'Audit group commits', registers: [metrics] });

    const lanes = db.kind === 'pglite' ? 1 : (config.auditLanes ?? Math.max(1, Math.min(4, config.databasePoolSize - 2)));
    const writer = new AuditWriter({
      db,
      clock,
      batchMax: config.auditBatchMax,
      lanes,
      onCommitted: (_last, count) => {
        auditEvents.inc(count);
        auditBatches.inc();
        checkpointer.notify(count);
      },
      onError: (err) => log.error({ err }, 'audit batch failed'),
    });
    const audited = writer.audited;

    const email = createEmailService({ audited, db: db.system, vault, clock, smtpUrl: config.smtpUrl, from: config.smtpFrom, env: config.env, log });
    const security = createSecurityService({ audited, clock });
    const sessions = createSessionsService({ audited, clock });
    const signInGuard = createSignInGuard({
      audited,
      writer,
      db: db.system,
      clock,
      lockAfter: config.signInLockAfter,
      lockMinutes: config.signInLockMinutes,
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      vault,
      email,
      security,
      sessions,
      publicUrl: config.publicUrl,
    });
    const staffAuth = createStaffAuthService({
      audited,
      writer,
      sessionDb: db.system,
      vault,
      clock,
      https: Boolean(config.tls || config.trustProxy),
      publicUrl: config.publicUrl,
      bootstrapTtlMinutes: config.bootstrapTtlMinutes,
      guard: signInGuard,
    });
    const audit = createAuditService({ audited, db: db.system, anchors, checkpointer, origin: config.logOrigin, verifierKey: vault.verifierKey, signingKey: vault.signingKey });
    const keys = createKeysService({ audited, db: db.system, vault });
    const demo = createDemoService({ audited, vault, clock });
    const approvals = createApprovalsService({ audited, clock });
    // Roles are data: the built-in ones are inserted when missing (an administrator's edits are never undone),
    // and the access gate reads grants from the database on every request.
    const roles = createRolesService({ audited, grantsDb: db.system, clock, approvals });
    await roles.ensureBuiltInRoles({ installing: applied.includes('2026-11-21T06-00-00_identity') });
    for (const [kind, spec] of Object.entries(roles.approvalKinds)) approvals.register(kind, spec);
    const profileViews = new Counter({ name: 'bulwark_trader_profile_views_total', help: 'Trader profiles opened by staff', registers: [metrics] });
    const traders = createTradersService({
      audited,
      vault,
      clock,
      roles,
      revealPerHour: config.revealLimitPerHour,
      bulkViewAlertPerHour: config.traderBulkViewAlert,
      raiseAlertIn: (tx, a) => security.raiseIn(tx, a),
      auditedRead: writer.auditedRead,
      onProfileView: () => profileViews.inc(),
    });
    const consent = createConsentService({ audited, writer, vault, clock, traders, publicUrl: config.publicUrl });
    const marketing = createMarketingService({ audited, vault, clock, roles });
    const support = createSupportService({ audited, record: (ctx, spec, outcome, code) => writer.record(ctx, spec, outcome, code ?? null), vault, clock, traders, email, webhookSecret: config.supportWebhookSecret });
    const exchange = createExchangeService({
      audited,
      vault,
      clock,
      traders,
      allowPlainHttp: config.env !== 'production',
      http: { timeoutMs: config.exchangeTimeoutMs, initialDelayMs: config.exchangeRetryDelayMs, breakerThreshold: config.exchangeBreakerAfter },
    });
    // Sanctions lists: versioned imports and syncs; a version becomes active only once stored whole, then the
    // listeners (screening: re-screen against the delta) run.
    const lists = createListsService({
      audited,
      auditedRead: writer.auditedRead,
      record: (ctx, spec, outcome, code) => writer.record(ctx, spec, outcome, code ?? null),
      clock,
      log,
      settings: listsSettingsFrom(config.lists),
      metadataDb: db.system,
    });
    // Screening: one in-memory index of the active list versions (loaded here, rebuilt on each activation), the
    // four-eyes freeze of a confirmed match, and a re-screen whenever a screened trader field changes.
    const screening = createScreeningService({
      audited,
      auditedRead: writer.auditedRead,
      vault,
      clock,
      roles,
      traders,
      exchange,
      approvals,
      lists,
      // Re-screening everyone matches on worker threads (one per core) from 20,000 traders up.
      engine: { buildIndex: buildScreeningIndex, algorithmVersion: ALGORITHM_VERSION, threshold: DEFAULT_THRESHOLD, screenBatch },
      log,
    });
    approvals.register(SCREENING_FREEZE_KIND, screening.freezeKind);
    traders.onScreenedFieldChange((tx, change) => screening.onScreenedFieldChange(tx, change.traderId));
    // A list version activated (after its import committed): reload the index and re-screen everyone against the delta.
    lists.onActivated(async (e) => void (await screening.onListActivated(e)));
    await screening.loadIndex();
    // KYC: screening (ScreeningForKyc) is optional; without it every rating says "not screened", never clear.
    const kyc = createKycService({
      audited,
      auditedRead: writer.auditedRead,
      record: (ctx, spec, outcome, code) => writer.record(ctx, spec, outcome, code ?? null),
      vault,
      clock,
      traders,
      approvals,
      screening,
      webhookSecret: config.kycProviderWebhookSecret,
    });
    approvals.register(KYC_HIGH_RISK_KIND, kyc.highRiskApproval);
    // KYC case events and AML screening events in the trader timeline, for the roles that may see them.
    traders.addTimelineSource({ kind: 'kyc', permission: 'kyc.read', read: kycTimeline });
    traders.addTimelineSource({ kind: 'aml', permission: 'screening.read', read: screeningTimeline });
    approvals.register(KYC_SETTINGS_RELAX_KIND, kyc.settingsRelaxKind);
    // A new country on the blocked or high-risk list opens a KYC review (reason recorded) in the update's transaction.
    traders.onScreenedFieldChange(async (tx, change) => {
      if (change.country) await kyc.jurisdictionChanged(tx, change.traderId, change.country.after, null);
    });
    // ── Issue 6: transaction monitoring, alerts and cases, SARs, withdrawal limits (one block per part) ──
    // Ingestion of the trading engine's events (signed webhook; NATS JetStream when NATS_URL is set). The rules
    // register with monitoringIngest.onStored(...) and run in the storing transaction.
    const monitoringIngest = createIngestService({ audited, record: (ctx, spec, outcome, code) => writer.record(ctx, spec, outcome, code ?? null), vault, clock, webhookSecret: config.exchangeWebhookSecret, log });
    // Withdrawal limits: increase requests (staff, or the trader through the exchange) decided by a compliance senior,
    // decreases at once; its own records and decisions (not the approvals module: see withdrawal-limits.service.ts).
    const withdrawalLimits = createWithdrawalLimitsService({
      audited,
      record: (ctx, spec, outcome, code) => writer.record(ctx, spec, outcome, code ?? null),
      vault,
      clock,
      traders,
      exchange,
      webhookSecret: config.exchangeWebhookSecret,
    });
    // Alerts and cases: the AlertSink the rules hand their hits to, the alert queue and triage, investigation cases.
    // Alerts, case events and the SAR steps on cases join the trader timeline, each for its own permission.
    const cases = createCasesService({ audited, auditedRead: writer.auditedRead, vault, clock, traders });
    const alerts = createAlertsService({ audited, auditedRead: writer.auditedRead, vault, clock, roles, traders, cases });
    traders.addTimelineSource({ kind: 'aml', permission: 'monitoring.read', read: alertsTimeline });
    traders.addTimelineSource({ kind: 'aml', permission: 'case.read', read: casesTimeline });
    traders.addTimelineSource({ kind: 'aml', permission: 'sar.read', read: sarCaseTimeline });
    // A screening hit confirmed as a true match opens (or joins) the trader's sanctions case; the hit records its id.
    screening.onConfirmedMatch((tx, hit, actorId) => cases.onScreeningConfirmedIn(tx, hit, actorId));
    // Suspicious-activity reports: drafted from a case, goAML/PDF exports, filing; sar.* permissions only (tipping-off).
    const sar = createSarService({ audited, auditedRead: writer.auditedRead, vault, clock, traders, cases });
    // Monitoring rules: versioned, four-eyes activation; evaluated live in each ingested batch's transaction (one
    // evaluating process: see docs/monitoring-rules.md), hits handed to the alerts' sink in that transaction.
    const monitoring = createMonitoringService({
      audited,
      auditedRead: writer.auditedRead,
      clock,
      vault,
      approvals,
      screening,
      jurisdictionLookupIn: (tx) => kyc.jurisdictionLookupIn(tx),
      metadataDb: db.system,
      alertSink: alerts.sink,
      log,
    });
    approvals.register(RULE_ACTIVATE_KIND, monitoring.activateKind);
    approvals.register(RULE_DEACTIVATE_KIND, monitoring.deactivateKind);
    await monitoring.loadRules();
    monitoringIngest.onStored((tx, events) => monitoring.evaluateIn(tx, events).then(() => undefined));
    // ── end of issue 6 ──
    const staff = createStaffService({ audited, db: db.system, vault, clock, email, approvals, guard: signInGuard, sessions, security, publicUrl: config.publicUrl });

    // Scale-out: shared rate-limit counters (and, from the identity issue on, sessions) in Redis.
    const redis = config.redisUrl
      ? new Redis(config.redisUrl, { connectTimeout: 2000, maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: true })
      : undefined;
    if (redis) await redis.connect();

    const running = new Set<Promise<unknown>>();
    if (opts.startJobs) checkpointer.start();
    if (opts.startJobs) email.start();
    const stopListsSchedule = opts.startJobs ? lists.startSchedule(systemContext('job:lists-sync')) : () => undefined;
    const stopKycRefresh = opts.startJobs ? kyc.startDailyRefresh(systemContext('job:kyc-refresh'), (err) => log.error({ err }, 'kyc refresh failed')) : () => undefined;
    // Started after every onStored listener is registered: no event is stored without the rules seeing it.
    const natsIngest = opts.startJobs && config.natsUrl ? await startNatsIngestor(monitoringIngest, { url: config.natsUrl, log }) : undefined;
    const database = db;

    return {
      config,
      clock,
      log,
      db: database,
      vault,
      anchors,
      checkpointer,
      writer,
      audited,
      metrics,
      staffAuth,
      audit,
      keys,
      demo,
      approvals,
      roles,
      traders,
      exchange,
      screening,
      consent,
      marketing,
      support,
      lists,
      kyc,
      signInGuard,
      email,
      security,
      sessions,
      staff,
      // issue 6 services:
      monitoring,
      alerts,
      cases,
      sar,
      withdrawalLimits,
      monitoringIngest,
      redis,
      keyFileCreated,
      migrationsApplied: applied,
      denials: {
        async recordDenied(ctx: ActorContext, action: string, route: string) {
          await writer.record(ctx, { action, target: { type: 'route', id: route } }, 'denied', action.split('.')[1] ?? null);
        },
      },
      /** Runs a job in the background; its failure is logged, and close() waits for it. */
      background(name: string, fn: () => Promise<unknown>) {
        const p = fn()
          .catch((err) => log.error({ err }, `background job ${name} failed`))
          .finally(() => running.delete(p));
        running.add(p);
      },
      async readiness() {
        const checks: { database: boolean; migrations: boolean; keyRing: boolean; redis?: boolean } = {
          database: false,
          migrations: false,
          keyRing: false,
        };
        if (redis) checks.redis = await redis.ping().then((r) => r === 'PONG', () => false);
        try {
          checks.migrations = (await pendingMigrations(database.system)).length === 0;
          checks.database = true;
        } catch {
          /* reported as false */
        }
        checks.keyRing = vault.activeFieldVersion > 0;
        return checks;
      },
      async close() {
        stopListsSchedule();
        stopKycRefresh();
        await natsIngest?.stop();
        await Promise.allSettled([...running]);
        await email.close();
        await writer.close();
        await checkpointer.stop();
        await database.close();
        await redis?.quit().catch(() => undefined);
        unlock();
      },
    };
  } catch (err) {
    await db?.close().catch(() => undefined);
    unlock();
    throw err;
  }
}
