export { type AdminApi, AdminApiError, adminApi, loginAdmin } from './admin-api.js';
export { type PlacedCall, placeCall } from './call-simulator.js';
export {
  CONFERENCE_DIAL,
  deviceIdOf,
  extensionOf,
  type FleetPhone,
  indexOfExtension,
  initialPlace,
  mobileDialOf,
  PLACES,
  targetDialAt,
} from './fleet.js';
export { type FleetAdmin, type ProvisionedFleet, provisionFleet } from './fleet-provision.js';
export { type IngestReportCounts, ingestReportCounts } from './ingest-metrics.js';
export { officePhone, reportUntil } from './office-phone.js';
export { OFFICE_SCENARIO, provisionOfficeScenario, type WifiNetwork } from './office-scenario.js';
export { ADMIN_PASSWORD, cleanupPrefix, type Stack, type StackOptions, startStack } from './stack.js';
