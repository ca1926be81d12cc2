// The exchange module's public face: the service, its approval kind, and the simulator for the CLI.
export { createExchangeService, WITHDRAWAL_LIMIT_KIND, type ExchangeService } from './exchange.service.js';
export { registerExchangeRoutes } from './exchange.routes.js';
export { createSimulator, newSimulatorSecret, type Simulator } from './simulator.js';
