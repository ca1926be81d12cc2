// Contracts of the audit log API, shared by the server's routes and the web UI.
import { z } from 'zod';

export const AuditEvent = z.object({
  seq: z.number(),
  time: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorIp: z.string().nullable(),
  sessionIdHash: z.string().nullable(),
  requestId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  outcome: z.string(),
  fields: z.array(z.string()),
  reason: z.string().nullable(),
  errorCode: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditEventsPage = z.object({ events: z.array(AuditEvent), nextBefore: z.number().nullable() });

/** A filter value: identifiers only (what the server accepts and the UI checks before sending). */
export const FILTER_VALUE = /^[\w.:@/-]{1,200}$/;
export const AuditFilterValue = z.string().max(200).regex(FILTER_VALUE, 'letters, digits and . : @ / - _ only');

export const AuditStatus = z.object({
  verifierKey: z.string(),
  origin: z.string(),
  anchored: z.object({ size: z.number(), rootHash: z.string() }),
  latestCheckpoint: z.string().nullable(),
});
export type AuditStatus = z.infer<typeof AuditStatus>;

export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  eventsChecked: z.number(),
  treeSize: z.number(),
  rootHash: z.string(),
  checkpointsChecked: z.number(),
  firstBadSeq: z.number().optional(),
  problem: z.string().optional(),
  verifierKey: z.string(),
});
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;
