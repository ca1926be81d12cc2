// The KYC module's public face.
export { createKycService, KYC_HIGH_RISK_KIND, type KycService } from './kyc.service.js';
export { registerKycRoutes } from './kyc.routes.js';
