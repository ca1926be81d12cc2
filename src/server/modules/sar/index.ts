// The SAR module's public face.
export { createSarService, type SarService } from './sar.service.js';
export { registerSarRoutes } from './sar.routes.js';
