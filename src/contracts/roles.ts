// Contracts of roles, permissions, field policies and role grants, shared by the server's routes and the web UI.
import { z } from 'zod';

/** Field classes, in order of sensitivity (see docs/security/access-control.md). */
export const FIELD_CLASSES = ['public', 'contact', 'identity', 'financial', 'security', 'secret'] as const;
/** Visibilities, least to most: with several roles, the most permissive of a class applies. */
export const VISIBILITIES = ['hidden', 'masked', 'reveal', 'full'] as const;

export const FieldClass = z.enum(FIELD_CLASSES);
export type FieldClass = z.infer<typeof FieldClass>;
export const Visibility = z.enum(VISIBILITIES);
export type Visibility = z.infer<typeof Visibility>;

export const RoleNameString = z.string().regex(/^[a-z][a-z0-9_]{1,62}$/, 'lower-case letters, digits and _, starting with a letter (2 to 63)');
export const ChangeReason = z.string().trim().min(5, 'give a reason (at least 5 characters)').max(1000);

/** A role's visibility per class; `secret` is hidden, always. */
export const ClassPolicy = z.object({
  public: Visibility,
  contact: Visibility,
  identity: Visibility,
  financial: Visibility,
  security: Visibility,
  secret: z.literal('hidden'),
});
export type ClassPolicy = z.infer<typeof ClassPolicy>;

export const PermissionInfo = z.object({
  name: z.string(),
  /** The part before the first dot: the matrix groups rows by it. */
  group: z.string(),
  description: z.string(),
  dependsOn: z.array(z.string()),
  /** Holding it makes a role privileged (four eyes to grant or change). */
  privileged: z.boolean(),
});
export type PermissionInfo = z.infer<typeof PermissionInfo>;

export const Role = z.object({
  name: z.string(),
  description: z.string(),
  builtin: z.boolean(),
  privileged: z.boolean(),
  requireHardwareKey: z.boolean(),
  idleTimeoutMinutes: z.number().int(),
  /** Granted directly. */
  permissions: z.array(z.string()),
  /** Granted directly or through dependencies. */
  effectivePermissions: z.array(z.string()),
  fieldPolicy: ClassPolicy,
  /** Members (not disabled) holding the role. */
  members: z.number().int(),
  updatedAt: z.string(),
});
export type Role = z.infer<typeof Role>;

export const RolesResponse = z.object({
  roles: z.array(Role),
  permissions: z.array(PermissionInfo),
  fieldClasses: z.array(z.object({ name: FieldClass, description: z.string() })),
});
export type RolesResponse = z.infer<typeof RolesResponse>;

export const RoleSettings = z.object({
  description: z.string().trim().max(500),
  permissions: z.array(z.string().max(100)).max(200),
  fieldPolicy: ClassPolicy,
  idleTimeoutMinutes: z.number().int().min(1).max(15),
  requireHardwareKey: z.boolean(),
  /** Forced on when the role holds a privileged permission. */
  privileged: z.boolean(),
});
export type RoleSettings = z.infer<typeof RoleSettings>;

export const RoleUpdateRequest = RoleSettings.extend({ reason: ChangeReason });
export type RoleUpdateRequest = z.infer<typeof RoleUpdateRequest>;
export const RoleCreateRequest = RoleSettings.extend({ name: RoleNameString, reason: ChangeReason });
export type RoleCreateRequest = z.infer<typeof RoleCreateRequest>;

export const RoleChangeResponse = z.object({
  /** `pending`: the role is or would become privileged, so a second member must approve (approvalId). */
  status: z.enum(['applied', 'pending', 'unchanged']),
  role: Role,
  approvalId: z.string().nullable(),
});
export type RoleChangeResponse = z.infer<typeof RoleChangeResponse>;

export const StaffRolesRequest = z.object({ roles: z.array(RoleNameString).max(20), reason: ChangeReason });
export type StaffRolesRequest = z.infer<typeof StaffRolesRequest>;
export const StaffRolesResponse = z.object({
  staffId: z.string(),
  /** The member's roles now (pending grants not included). */
  roles: z.array(z.string()),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  /** Grants waiting for a second member's approval. */
  pending: z.object({ approvalId: z.string(), roles: z.array(z.string()) }).nullable(),
});
export type StaffRolesResponse = z.infer<typeof StaffRolesResponse>;

/** The signed-in member's roles and what they grant now (the UI shows or hides controls with it). */
export const MyAccessResponse = z.object({ roles: z.array(z.string()), permissions: z.array(z.string()) });
export type MyAccessResponse = z.infer<typeof MyAccessResponse>;
