// The KYC module's public face.
export { createKycService, KYC_HIGH_RISK_KIND, KYC_SETTINGS_RELAX_KIND, type KycService } from './kyc.service.js';
export { registerKycRoutes } from './kyc.routes.js';
export { kycTimeline } from './kyc.timeline.js';
