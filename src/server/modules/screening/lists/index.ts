// The lists module's public face: the service (created in the container) and the parsers (benchmarks, `bulwark
// screen --lists`).
export { createListsService, presentVersion, type ActivatedEvent, type ActivatedListener, type ImportOutcome, type ListsService, type ListsSettings } from './lists.service.js';
export { registerListsCommands } from './lists.cli.js';
export { registerListsRoutes } from './lists.routes.js';
export { listsSettingsFrom } from './lists.settings.js';
export { DEFAULT_SYNC_SOURCES, SOURCE_FORMATS, type SyncSourceSettings } from './lists.sync.js';
export { DEFAULT_MAX_LIST_BYTES, ListParseError, detectFormat, hashListFiles, parseListFiles, parseListPath, type ListFile } from './parse.js';
