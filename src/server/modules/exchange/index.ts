// The exchange module's public face: the service, the mapping of connector failures, and the simulator for the CLI.
export { createExchangeService, problemOf, type ExchangeService } from './exchange.service.js';
export { ExchangeError } from './exchange.connector.js';
export { registerExchangeRoutes } from './exchange.routes.js';
export { createSimulator, newSimulatorSecret, type Simulator } from './simulator.js';
