// The monitoring module's public face: the rules service (with the live evaluation hook) and its routes.
export { createMonitoringService, RULE_ACTIVATE_KIND, RULE_DEACTIVATE_KIND, type MonitoringService } from './monitoring.service.js';
export { registerRulesRoutes } from './rules/rules.routes.js';
