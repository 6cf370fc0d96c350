// Translation between the bus contracts (@sa/proto) and the engine's plain domain values.
import { type smartassistant, v1 } from '@sa/proto';
import type { FollowMeUserStatus } from '../../domain/ampuser-snapshot.js';
import type { ChoiceEvent, Decision, Net, PresenceEvent, RuleKind, UserRules } from '../../domain/types.js';
import type { DeviceReport, FollowMeAnnouncement } from '../../routing/ports.js';

type Proto = typeof v1;
type UserConfigMsg = smartassistant.v1.IUserConfig;

const RULE_KINDS: Record<number, RuleKind | undefined> = {
  [v1.RuleKind.RULE_KIND_LOCATION]: 'location',
  [v1.RuleKind.RULE_KIND_EXPLICIT]: 'explicit',
  [v1.RuleKind.RULE_KIND_TIME_WINDOW]: 'time_window',
};

export function toUserRules(c: UserConfigMsg): UserRules {
  return {
    extension: c.extension ?? '',
    revision: Number(c.revision ?? 0),
    ...(c.locationPaused ? { locationPaused: true } : {}),
    locations: (c.locations ?? []).map((l) => ({
      id: l.id ?? '',
      name: l.name ?? '',
      ssids: l.ssids ?? [],
      bssids: (l.bssids ?? []).map((b) => b.toLowerCase()),
    })),
    scenarios: (c.scenarios ?? []).map((s) => ({
      id: s.id ?? '',
      name: s.name ?? '',
      priority: s.priority ?? 0,
      isDefault: s.isDefault ?? false,
      target: s.target?.dial
        ? { id: s.target.id ?? '', name: s.target.name ?? '', dial: s.target.dial }
        : null,
      rules: (s.rules ?? []).flatMap((r) => {
        const kind = RULE_KINDS[r.kind ?? 0];
        if (!kind) return [];
        const w = r.window;
        return [
          {
            kind,
            locationId: r.locationId ?? '',
            window: w
              ? {
                  startMinute: w.startMinute ?? 0,
                  endMinute: w.endMinute ?? 0,
                  weekdays: w.weekdays ?? [],
                  timeZone: w.timeZone ?? '',
                }
              : null,
          },
        ];
      }),
    })),
  };
}

const toNet = (n: { ssid?: string | null; bssid?: string | null; rssiDbm?: number | null }): Net => ({
  ssid: n.ssid ?? '',
  bssid: (n.bssid ?? '').toLowerCase(),
  rssiDbm: n.rssiDbm ?? -127,
});

/**
 * A device's reports from the company's Wi-Fi (RADIUS accounting) are kept as a record of their own,
 * `<device id>~wifi` ('~' is never in a device id), beside its app's: so the fresher of the two
 * sources places the user, exactly as between two devices, and neither's counter orders the other.
 */
const WIFI_RECORD_SUFFIX = '~wifi';

export function recordIdOf(
  deviceId: string,
  source: smartassistant.v1.PresenceSource | null | undefined,
): string {
  return source === v1.PresenceSource.PRESENCE_SOURCE_WIFI_ACCOUNTING
    ? `${deviceId}${WIFI_RECORD_SUFFIX}`
    : deviceId;
}

/** The device id and source behind a record id (recordIdOf backwards). */
export function sourceOfRecord(recordId: string): {
  deviceId: string;
  source: smartassistant.v1.PresenceSource;
} {
  return recordId.endsWith(WIFI_RECORD_SUFFIX)
    ? {
        deviceId: recordId.slice(0, -WIFI_RECORD_SUFFIX.length),
        source: v1.PresenceSource.PRESENCE_SOURCE_WIFI_ACCOUNTING,
      }
    : { deviceId: recordId, source: v1.PresenceSource.PRESENCE_SOURCE_APP };
}

export function toPresenceEvent(m: smartassistant.v1.IPresenceReported): PresenceEvent {
  const connected = m.connected && (m.connected.ssid || m.connected.bssid) ? toNet(m.connected) : null;
  return {
    kind: 'presence',
    deviceId: recordIdOf(m.deviceId ?? '', m.source),
    counter: Number(m.counter),
    atMs: Number(m.receivedAtMs) || Number(m.sentAtMs),
    connected,
    visible: (m.visible ?? []).map(toNet),
  };
}

export function toChoiceEvent(m: smartassistant.v1.IScenarioChosen): ChoiceEvent {
  return {
    kind: 'choice',
    deviceId: m.deviceId ?? '',
    counter: Number(m.counter),
    atMs: Number(m.receivedAtMs) || Number(m.sentAtMs),
    scenarioId: m.scenarioId ?? '',
    expiresAtMs: Number(m.expiresAtMs),
    clear: m.clear ?? false,
  };
}

/** A decision's fields as ScenarioChanged and DecisionAnswer both carry them. */
export function decisionFields(d: Decision) {
  return {
    scenarioId: d.scenarioId,
    scenarioName: d.scenarioName,
    targetDial: d.targetDial,
    targetName: d.targetName,
    reason: d.reason,
    decidedAtMs: d.decidedAtMs,
    version: d.version,
  };
}

export function toScenarioChanged(extension: string, d: Decision): InstanceType<Proto['ScenarioChanged']> {
  return v1.ScenarioChanged.create({ extension, ...decisionFields(d) });
}

const fromNet = (n: Net) => ({ ssid: n.ssid, bssid: n.bssid, rssiDbm: n.rssiDbm });

export function toDeviceReported(
  r: DeviceReport,
  presenceTimeoutMs: number,
): InstanceType<Proto['DeviceReported']> {
  const d = r.decision;
  const device = r.device;
  const { deviceId, source } = sourceOfRecord(device.id);
  return v1.DeviceReported.create({
    deviceId,
    source,
    extension: r.extension,
    counter: device.counter,
    reportedAtMs: device.seenAtMs,
    ...(device.connected && { connected: fromNet(device.connected) }),
    visible: device.visible.map(fromNet),
    locationId: device.location,
    locationName: r.locationName,
    scenarioId: d?.scenarioId ?? '',
    scenarioName: d?.scenarioName ?? '',
    targetDial: d?.targetDial ?? '',
    targetName: d?.targetName ?? '',
    reason: d?.reason ?? '',
    version: d?.version ?? 0,
    decidedAtMs: d?.decidedAtMs ?? 0,
    presenceTimeoutMs,
  });
}

const FOLLOW_ME_STATUSES: Record<FollowMeUserStatus, number> = {
  ok: v1.FollowMeStatus.FOLLOW_ME_STATUS_OK,
  'no-followme': v1.FollowMeStatus.FOLLOW_ME_STATUS_NO_FOLLOWME,
  'not-an-extension': v1.FollowMeStatus.FOLLOW_ME_STATUS_NOT_AN_EXTENSION,
};

export function toFollowMeStatusChanged(
  extension: string,
  a: FollowMeAnnouncement,
): InstanceType<Proto['FollowMeStatusChanged']> {
  return v1.FollowMeStatusChanged.create({
    extension,
    status: FOLLOW_ME_STATUSES[a.status],
    fix: a.fix ?? '',
    checkedAtMs: a.checkedAtMs,
    republishMs: a.republishMs,
  });
}
