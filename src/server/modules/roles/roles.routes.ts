// Roles and role grants: the permission matrix, role editing (four eyes for privileged roles), the "what can
// this role see" preview, members' role lists, and the caller's own grants.
import { z } from 'zod';
import { RoleChangeResponse, RoleCreateRequest, Role, RolesResponse, RoleUpdateRequest, MyAccessResponse, StaffRolesRequest, StaffRolesResponse } from '../../../contracts/roles.js';
import { RolePreview } from '../../../contracts/traders.js';
import type { Container } from '../../container.js';
import type { TypedApp } from '../../platform/http/typed-app.js';

const RoleParams = z.object({ name: z.string().max(100) });

/** Registers /api/v1/roles/*, PUT /api/v1/staff/:id/roles and GET /api/v1/me/permissions. */
export function registerRoleRoutes(t: TypedApp, c: Container): void {
  t.get(
    '/api/v1/me/permissions',
    {
      config: { signedIn: true },
      schema: { tags: ['roles'], summary: 'Your roles and what they grant now', response: { 200: MyAccessResponse } },
    },
    async (req) => ({ roles: req.staff!.roles, permissions: [...(req.staff!.permissions ?? [])].sort() }),
  );

  t.get(
    '/api/v1/roles',
    {
      config: { permission: 'role.read' },
      schema: { tags: ['roles'], summary: 'Roles with their permissions and field policies, and the permission registry', response: { 200: RolesResponse } },
    },
    async (req) => c.roles.list(req.actor),
  );

  t.post(
    '/api/v1/roles',
    {
      config: { permission: 'role.manage', stepUp: true },
      schema: { tags: ['roles'], summary: 'Create a custom role', body: RoleCreateRequest, response: { 201: Role } },
    },
    async (req, reply) => reply.code(201).send(await c.roles.create(req.actor, req.body)),
  );

  t.put(
    '/api/v1/roles/:name',
    {
      config: { permission: 'role.manage', stepUp: true },
      schema: {
        tags: ['roles'],
        summary: 'Change a role; a role that is or would become privileged changes only after a second member approves (202)',
        params: RoleParams,
        body: RoleUpdateRequest,
        response: { 200: RoleChangeResponse, 202: RoleChangeResponse },
      },
    },
    async (req, reply) => {
      const r = await c.roles.update(req.actor, req.staff!.id, req.params.name, req.body);
      return reply.code(r.status === 'pending' ? 202 : 200).send(r);
    },
  );

  t.get(
    '/api/v1/roles/:name/preview',
    {
      config: { permission: 'role.read' },
      schema: { tags: ['roles'], summary: 'A synthetic sample trader as this role sees it (never a real trader)', params: RoleParams, response: { 200: RolePreview } },
    },
    async (req) => c.traders.previewForRole(req.actor, req.params.name),
  );

  t.put(
    '/api/v1/staff/:id/roles',
    {
      config: { permission: 'staff.roles.grant', stepUp: true },
      schema: {
        tags: ['roles'],
        summary: "Set a member's roles: removals and ordinary grants apply at once; privileged grants (and grants to yourself) wait for a second member (202)",
        params: z.object({ id: z.string() }),
        body: StaffRolesRequest,
        response: { 200: StaffRolesResponse, 202: StaffRolesResponse },
      },
    },
    async (req, reply) => {
      const r = await c.roles.setStaffRoles(req.actor, req.staff!.id, req.params.id, req.body.roles, req.body.reason);
      return reply.code(r.pending ? 202 : 200).send(r);
    },
  );
}
