// The support module's public face.
export { createSupportService, type SupportService } from './support.service.js';
export { registerSupportRoutes } from './support.routes.js';
export { signInbound, signedWebhookHooks, TIMESTAMP_HEADER, SIGNATURE_HEADER } from './support.webhook.js';
export { cleanFilename, contentDisposition } from './support.attachments.js';
