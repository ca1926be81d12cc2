// The roles module's public face: the service and the types other modules use.
export { createRolesService, type FieldAccess, type RolesService, type TraderViewKind } from './roles.service.js';
