// What router publishes after applying a phone's report (router's DeviceReported), for admin's
// API and console tests: the user stays in its default "Away" scenario, as on an unknown network.
import { encodeMessage, v1 } from '@sa/proto';

export interface DeviceReportedFields {
  readonly deviceId: string;
  readonly extension: string;
  readonly reportedAtMs: number;
  readonly ssid?: string;
  readonly bssid?: string;
  readonly rssiDbm?: number;
  readonly locationName?: string;
  readonly reason: string;
  readonly version?: number;
  readonly presenceTimeoutMs?: number;
}

export function deviceReported(p: DeviceReportedFields): Uint8Array {
  return encodeMessage(
    v1.DeviceReported,
    v1.DeviceReported.create({
      deviceId: p.deviceId,
      extension: p.extension,
      counter: 1,
      reportedAtMs: p.reportedAtMs,
      ...(p.ssid !== undefined && {
        connected: { ssid: p.ssid, bssid: p.bssid ?? '', rssiDbm: p.rssiDbm ?? -50 },
      }),
      locationName: p.locationName ?? '',
      scenarioId: 'away',
      scenarioName: 'Away',
      targetDial: `0170${p.extension}`,
      targetName: `${p.extension}-Mobile`,
      reason: p.reason,
      version: p.version ?? 1,
      decidedAtMs: p.reportedAtMs - 60_000,
      presenceTimeoutMs: p.presenceTimeoutMs ?? 120_000,
    }),
    'DeviceReported',
  );
}
