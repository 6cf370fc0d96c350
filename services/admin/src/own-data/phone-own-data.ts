// The phone's own-data kinds (list/save/delete scenario, list/save/delete place), forwarded by
// ingest as PhoneOwnDataRequest. The device is looked up here, never trusted from the request: a
// phone can only ever reach its own user's data (the extension it is registered to).
import { decodeMessage, type smartassistant, v1 } from '@sa/proto';
import { type DeviceRow, deviceMessage, ruleMessage } from '../adapters/pg/snapshots.js';
import { AdminError } from '../errors.js';
import type { OwnDataRepo } from './own-data-repo.js';
import type { OwnPlace, OwnRule, OwnScenario, PlaceMatch } from './own-data-rules.js';

type Reply = smartassistant.v1.PhoneOwnDataReply;
type Request = smartassistant.v1.PhoneRequest;

export interface DeviceLookup {
  device(deviceId: string): Promise<DeviceRow | null>;
}

const RULE_KIND: Record<number, OwnRule['kind'] | undefined> = {
  [v1.RuleKind.RULE_KIND_LOCATION]: 'location',
  [v1.RuleKind.RULE_KIND_EXPLICIT]: 'explicit',
  [v1.RuleKind.RULE_KIND_TIME_WINDOW]: 'time_window',
};
const MATCH: Record<number, PlaceMatch> = {
  [v1.PlaceMatch.PLACE_MATCH_SSID_AND_BSSID]: 'ssid_and_bssid',
  [v1.PlaceMatch.PLACE_MATCH_BSSID]: 'bssid',
  [v1.PlaceMatch.PLACE_MATCH_SSID]: 'ssid',
};

export class PhoneOwnData {
  constructor(
    private readonly devices: DeviceLookup,
    private readonly own: OwnDataRepo,
  ) {}

  async handle(data: Uint8Array): Promise<Reply> {
    let deviceId: string;
    let request: Request;
    try {
      const r = decodeMessage(v1.PhoneOwnDataRequest, data, 'PhoneOwnDataRequest');
      deviceId = r.deviceId ?? '';
      request = v1.PhoneRequest.decode(r.request ?? new Uint8Array()) as Request;
    } catch {
      return fail('ADMIN_REQUEST_INVALID', 'PhoneOwnDataRequest could not be decoded');
    }
    const row = await this.devices.device(deviceId);
    if (!row) return fail('ADMIN_PHONE_DEVICE_UNKNOWN', `device ${deviceId} is not registered`);
    const device = deviceMessage(row);
    const base = { tier: device.tier, permissions: device.permissions };
    if (!row.enabled)
      return { ...fail('ADMIN_PHONE_DEVICE_DISABLED', 'device is disabled'), ...base } as Reply;
    try {
      const answer = await this.dispatch(`device:${deviceId}`, row.extension, device, request);
      return v1.PhoneOwnDataReply.create({ ok: true, ...base, ...answer });
    } catch (err) {
      if (err instanceof AdminError) {
        return v1.PhoneOwnDataReply.create({ ...base, ok: false, errorCode: err.code, message: err.message });
      }
      throw err;
    }
  }

  private async dispatch(
    actor: string,
    ext: string,
    device: smartassistant.v1.Device,
    request: Request,
  ): Promise<Partial<Reply>> {
    switch (request.kind) {
      case 'listScenarios':
        return { scenarios: await this.scenarios(ext) };
      case 'saveScenario': {
        const s = request.saveScenario!;
        const saved = await this.own.saveScenario(actor, ext, permissionsOf(device), {
          ...(s.id ? { id: s.id } : {}),
          name: s.name ?? '',
          targetId: s.targetId ?? '',
          rules: (s.rules ?? []).map(ruleFrom),
          isDefault: !!s.isDefault,
          ...(s.position != null ? { position: s.position } : {}),
        });
        return { scenarios: await this.scenarios(ext), savedId: saved.id };
      }
      case 'deleteScenario':
        await this.own.deleteScenario(actor, ext, request.deleteScenario?.id ?? '');
        return { scenarios: await this.scenarios(ext) };
      case 'listPlaces':
        return { places: await this.places(ext) };
      case 'savePlace': {
        const p = request.savePlace!;
        const saved = await this.own.savePlace(actor, ext, {
          ...(p.id ? { id: p.id } : {}),
          ...(p.name ? { name: p.name } : {}),
          ssid: p.network?.ssid ?? '',
          bssid: p.network?.bssid ?? '',
          match: MATCH[p.match ?? 0] ?? 'ssid_and_bssid',
        });
        return { places: await this.places(ext), savedId: saved.id };
      }
      case 'deletePlace':
        await this.own.deletePlace(actor, ext, request.deletePlace?.id ?? '');
        return { places: await this.places(ext) };
      default:
        throw new AdminError('ADMIN_REQUEST_INVALID', 'request: not an own-data kind');
    }
  }

  private async scenarios(ext: string): Promise<smartassistant.v1.IUserScenario[]> {
    return (await this.own.scenarios(ext)).map(scenarioMessage);
  }

  private async places(ext: string): Promise<smartassistant.v1.IPlace[]> {
    return (await this.own.places(ext)).map(placeMessage);
  }
}

function permissionsOf(device: smartassistant.v1.Device) {
  const p = device.permissions;
  return {
    genericDestinations: true,
    specificDestinations: !!p?.specificDestinations,
    createTargets: !!p?.createTargets,
  };
}

const hhmm = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** A phone's Rule: minutes 0..1439; out of range becomes an invalid HH:MM the rules refuse. */
export function ruleFrom(r: smartassistant.v1.IRule): OwnRule {
  const kind = RULE_KIND[r.kind ?? 0];
  if (!kind)
    throw new AdminError('ADMIN_REQUEST_INVALID', 'rules: kind is location, explicit or time_window');
  const w = r.window;
  const time = (m: number | null | undefined) => (m != null && m >= 0 && m < 1440 ? hhmm(m) : 'invalid');
  return {
    kind,
    ...(r.locationId ? { locationId: r.locationId } : {}),
    ...(w
      ? {
          window: {
            start: time(w.startMinute),
            end: time(w.endMinute),
            ...(w.weekdays?.length ? { weekdays: [...w.weekdays] } : {}),
            ...(w.timeZone ? { timeZone: w.timeZone } : {}),
          },
        }
      : {}),
  };
}

function scenarioMessage(s: OwnScenario): smartassistant.v1.IUserScenario {
  return {
    id: s.id,
    name: s.name,
    rules: s.rules.map(ruleMessage),
    targetId: s.targetId,
    targetName: s.targetName,
    isDefault: s.isDefault,
    position: s.position,
    locked: s.locked,
    own: s.own,
  };
}

function placeMessage(p: OwnPlace): smartassistant.v1.IPlace {
  return { id: p.id, name: p.name, ssids: p.ssids, bssids: p.bssids, shared: p.shared };
}

function fail(errorCode: string, message: string): Reply {
  return v1.PhoneOwnDataReply.create({ ok: false, errorCode, message });
}
