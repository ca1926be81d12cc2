// The alerts and cases module's public face.
export { createAlertsService, type AlertsService } from './alerts.service.js';
export { createCasesService, CASE_SLA_HOURS, CASE_TRANSITIONS, type CasesService, type CaseFile, type CaseTimelineInput } from './cases.service.js';
export { registerCasesRoutes } from './cases.routes.js';
export { alertsTimeline, casesTimeline, sarCaseTimeline } from './cases.timeline.js';
export { registerCasesCommands } from './cases.cli.js';
