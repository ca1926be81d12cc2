// The screening module's public face: the screening service (and what KYC needs of it), its routes, and the
// shared model. The engine (engine/) and the lists service (lists/) have their own index files.
export {
  createScreeningService,
  FREEZE_KIND as SCREENING_FREEZE_KIND,
  type CounterpartyTransfer,
  type ListActivation,
  type ScreeningDeps,
  type ScreeningEngine,
  type ScreeningListsSource,
  type ScreeningService,
} from './screening.service.js';
export { registerScreeningRoutes } from './screening.routes.js';
export type { ScreeningFacts, ScreeningForKyc, ScreeningTrigger } from './model.js';
export { screeningTimeline } from './screening.timeline.js';
