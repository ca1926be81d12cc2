// Monitoring rules: /api/v1/monitoring/rules… (list, one rule with its versions, create and edit drafts as YAML or
// JSON, validate, backtest, request activation or deactivation). Thin: validate, call one service function.
// Reads need monitoring.read; writes and backtests (which read trader history) monitoring.rules.manage.
import { z } from 'zod';
import {
  ApprovalRequested,
  BacktestRequest,
  BacktestResult,
  ReasonBody,
  RuleList,
  RuleSource,
  RuleView,
  ValidationResult,
} from '../../../../contracts/monitoring-rules.js';
import type { Container } from '../../../container.js';
import type { TypedApp } from '../../../platform/http/typed-app.js';
import { memberOf } from '../../traders/index.js';

// Any string up to 64: a malformed id answers 404 like a missing one.
const IdParams = z.object({ id: z.string().max(64) });
const VersionParams = z.object({ id: z.string().max(64), version: z.coerce.number().int().min(1).max(1_000_000) });
/** The largest body: a 64 KiB source, JSON-escaped, with its envelope. */
const BODY_LIMIT = 256 * 1024;

/** Registers /api/v1/monitoring/rules…. */
export function registerRulesRoutes(t: TypedApp, c: Container): void {
  const tags = ['monitoring'];
  const m = c.monitoring;

  t.get(
    '/api/v1/monitoring/rules',
    { config: { permission: 'monitoring.read' }, schema: { tags, summary: 'Monitoring rules: name, severity, condition type, status, active and latest version', response: { 200: RuleList } } },
    async (req) => m.list(req.actor),
  );

  t.post(
    '/api/v1/monitoring/rules/validate',
    { bodyLimit: BODY_LIMIT, config: { permission: 'monitoring.read' }, schema: { tags, summary: 'Parse a rule (YAML or JSON) without storing it: errors by path', body: RuleSource, response: { 200: ValidationResult } } },
    async (req) => m.validate(req.body),
  );

  t.post(
    '/api/v1/monitoring/rules/backtest',
    {
      bodyLimit: BODY_LIMIT,
      config: { permission: 'monitoring.rules.manage' },
      schema: { tags, summary: 'Run a stored version or an unsaved rule over stored history (default: the last 90 days): alerts, traders, per day, a sample', body: BacktestRequest, response: { 200: BacktestResult } },
    },
    async (req) => m.backtest(req.actor, req.body),
  );

  t.post(
    '/api/v1/monitoring/rules',
    { bodyLimit: BODY_LIMIT, config: { permission: 'monitoring.rules.manage' }, schema: { tags, summary: 'Create a rule as a draft (version 1); it evaluates nothing until a second member approves its activation', body: RuleSource, response: { 201: RuleView } } },
    async (req, reply) => reply.code(201).send(await m.create(req.actor, memberOf(req).id, req.body)),
  );

  t.get(
    '/api/v1/monitoring/rules/:id',
    { config: { permission: 'monitoring.read' }, schema: { tags, summary: 'One rule with every version (source, state, author, approver)', params: IdParams, response: { 200: RuleView } } },
    async (req) => m.get(req.actor, req.params.id),
  );

  t.put(
    '/api/v1/monitoring/rules/:id/draft',
    { bodyLimit: BODY_LIMIT, config: { permission: 'monitoring.rules.manage' }, schema: { tags, summary: 'Save the draft: rewrites the open draft, or starts the next version of an active rule', params: IdParams, body: RuleSource, response: { 200: RuleView } } },
    async (req) => m.saveDraft(req.actor, memberOf(req).id, req.params.id, req.body),
  );

  t.post(
    '/api/v1/monitoring/rules/:id/versions/:version/activate',
    { config: { permission: 'monitoring.rules.manage' }, schema: { tags, summary: 'Request the activation of a draft version: another member holding monitoring.rules.manage approves it in Approvals', params: VersionParams, body: ReasonBody, response: { 202: ApprovalRequested } } },
    async (req, reply) => reply.code(202).send(await m.requestActivation(req.actor, memberOf(req).id, req.params.id, req.params.version, req.body.reason)),
  );

  t.post(
    '/api/v1/monitoring/rules/:id/deactivate',
    { config: { permission: 'monitoring.rules.manage' }, schema: { tags, summary: 'Request the deactivation of the active version (less detection: another member approves it)', params: IdParams, body: ReasonBody, response: { 202: ApprovalRequested } } },
    async (req, reply) => reply.code(202).send(await m.requestDeactivation(req.actor, memberOf(req).id, req.params.id, req.body.reason)),
  );
}
