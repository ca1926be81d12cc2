// The consent module's public face: consent per trader (recordIn for other modules), the unsubscribe link,
// marketing segments.
export { createConsentService, UNSUBSCRIBE_WORDING, type ConsentChange, type ConsentService } from './consent.service.js';
export { createMarketingService, type MarketingService } from './marketing.service.js';
export { registerConsentRoutes } from './consent.routes.js';
