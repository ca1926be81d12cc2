// The support module's public face.
export { createSupportService, type SupportService } from './support.service.js';
export { registerSupportRoutes } from './support.routes.js';
export { signInbound, verifyInbound, MAX_SKEW_MS, TIMESTAMP_HEADER, SIGNATURE_HEADER } from './support.webhook.js';
