// Maps the environment's list settings (config.lists) onto the module's defaults: which sources sync, from where.
import type { ListsConfig } from '../../../config/config.js';
import type { ListSource } from '../model.js';
import type { ListsSettings } from './lists.service.js';
import { DEFAULT_SYNC_SOURCES } from './lists.sync.js';

/** ListsSettings from config.lists: LISTS_SYNC_SOURCES picks the sources, LISTS_SYNC_URL_<SOURCE> overrides URLs. */
export function listsSettingsFrom(c: ListsConfig): ListsSettings {
  return {
    maxBytes: c.maxBytes,
    maxUploadBytes: c.maxUploadBytes,
    maxShrinkPercent: c.maxShrinkPercent,
    staleDays: c.staleDays,
    syncIntervalHours: c.syncIntervalHours,
    syncTimeoutMs: c.syncTimeoutMs,
    sources: DEFAULT_SYNC_SOURCES.map((d) => ({
      source: d.source,
      enabled: c.syncSources ? c.syncSources.includes(d.source as ListSource) : d.enabled,
      urls: c.syncUrls[d.source] ?? d.urls,
    })),
  };
}
