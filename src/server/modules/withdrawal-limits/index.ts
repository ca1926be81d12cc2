// The withdrawal-limits module's public face: the service and its routes.
export { createWithdrawalLimitsService, type WithdrawalLimitsService } from './withdrawal-limits.service.js';
export { registerWithdrawalLimitRoutes } from './withdrawal-limits.routes.js';
