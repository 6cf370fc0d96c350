// The scenario engine's settings from router's configuration.
import type { RouterConfig } from '../config.js';
import { defaultEngineSettings, type EngineSettings } from '../domain/types.js';

export function engineSettings(c: RouterConfig): EngineSettings {
  return {
    ...defaultEngineSettings,
    presenceTimeoutMs: c.PRESENCE_TIMEOUT_S * 1000,
    hysteresisReports: c.HYSTERESIS_REPORTS,
    hysteresisMs: c.HYSTERESIS_S * 1000,
    visibleRssiThresholdDbm: c.VISIBLE_RSSI_MIN_DBM,
    quietPresence: c.QUIET_PRESENCE,
  };
}
