// The traders module's public face.
export { createTradersService, type TradersService } from './traders.service.js';
