// The traders module's public face.
export { createTradersService, type TradersService } from './traders.service.js';
export { memberOf, type Member } from './traders.member.js';
export { sectionsFor } from './traders.policy.js';
export type { OpenedTrader, ScreeningSubjects } from './traders.service.js';
