// What a user may do with their own scenarios and places, whoever asks for them (a phone or the
// self-service page). Pure: the repository reads the rows, these rules decide.
//
// Tier rules, as the original add-on: every tier builds scenarios from the shared (SMART-…)
// destinations; a Standard licence adds the user's own <ext>-… destinations; Premium plus the
// administrator's "allow create targets" lets the user create targets (PhoneRequests).
import type { DevicePermissions } from '../domain/permissions.js';
import { AdminError } from '../errors.js';

export const MAX_OWN_SCENARIOS = 50;
export const MAX_OWN_PLACES = 20;
export const MAX_RULES = 20;
/** BSSIDs or SSIDs one place keeps: a home mesh, a floor of access points */
export const MAX_PLACE_NETWORKS = 32;

export const PLACE_NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.()-]{0,63}$/u;
/** 1-32 characters, none of them a control character (Unicode category Cc) */
export const SSID = /^\P{Cc}{1,32}$/u;
export const BSSID = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const TIME_ZONE = /^[A-Za-z0-9_+/-]{1,64}$/;

export interface OwnRule {
  readonly kind: 'location' | 'explicit' | 'time_window';
  readonly locationId?: string;
  readonly window?: { start: string; end: string; weekdays?: number[]; timeZone?: string };
}

export interface OwnScenarioInput {
  /** absent: a new scenario */
  readonly id?: string;
  readonly name: string;
  readonly targetId: string;
  readonly rules: readonly OwnRule[];
  readonly isDefault?: boolean;
  /** evaluation order, 0 first; absent: after the others (new) or where it is (existing) */
  readonly position?: number;
}

export interface OwnScenario {
  readonly id: string;
  readonly name: string;
  readonly position: number;
  readonly targetId: string;
  readonly targetName: string;
  readonly dial: string;
  readonly rules: OwnRule[];
  readonly isDefault: boolean;
  /** an administrator locked it: the user can neither change nor delete it */
  readonly locked: boolean;
  /** the user created it (false: an administrator did) */
  readonly own: boolean;
}

export interface OwnPlace {
  readonly id: string;
  readonly name: string;
  readonly ssids: string[];
  readonly bssids: string[];
  /** an administrator's place every user may use; not the user's to change */
  readonly shared: boolean;
}

export type PlaceMatch = 'ssid_and_bssid' | 'bssid' | 'ssid';

export interface PlaceInput {
  /** absent: a new place; present: add the network to this own place */
  readonly id?: string;
  readonly name?: string;
  readonly ssid: string;
  readonly bssid: string;
  readonly match: PlaceMatch;
}

/** A destination as the rules need it. */
export interface TargetRow {
  readonly id: string;
  readonly scope: 'generic' | 'specific';
  readonly extension: string | null;
}

const refuse = (code: 'ADMIN_SCENARIO_INVALID' | 'ADMIN_REQUEST_INVALID', field: string, text: string) =>
  new AdminError(code, `${field}: ${text}`, { field });

/** The target a scenario sends calls to must be visible to this user under their tier. */
export function checkTarget(
  target: TargetRow | undefined,
  extension: string,
  permissions: DevicePermissions,
): void {
  const mine = target?.scope === 'specific' && target.extension === extension;
  if (!target || (target.scope === 'specific' && !mine)) {
    throw refuse('ADMIN_SCENARIO_INVALID', 'targetId', 'no such target for this user');
  }
  if (mine && !permissions.specificDestinations) {
    throw new AdminError(
      'ADMIN_TIER_FORBIDS',
      `targetId: your own destinations (${extension}-…) need a Standard or Premium licence`,
      { field: 'targetId' },
    );
  }
}

/** Shape of a scenario: name, rules, windows; places must be the user's own or shared. */
export function checkScenario(input: OwnScenarioInput, placeIds: ReadonlySet<string>): void {
  if (!PLACE_NAME.test(input.name)) {
    throw refuse(
      'ADMIN_REQUEST_INVALID',
      'name',
      '1-64 letters, digits, spaces or _.()- (starting with a letter or digit)',
    );
  }
  if (input.rules.length > MAX_RULES) {
    throw refuse('ADMIN_REQUEST_INVALID', 'rules', `at most ${MAX_RULES} rules`);
  }
  for (const [i, rule] of input.rules.entries()) {
    const field = `rules/${i}`;
    if (rule.kind === 'location' && !(rule.locationId && placeIds.has(rule.locationId))) {
      throw refuse(
        'ADMIN_SCENARIO_INVALID',
        `${field}/locationId`,
        'not one of your places or a shared place',
      );
    }
    if (rule.kind === 'time_window' && !rule.window) {
      throw refuse('ADMIN_SCENARIO_INVALID', `${field}/window`, 'required for a time_window rule');
    }
    if (rule.window) checkWindow(rule.window, `${field}/window`);
  }
}

function checkWindow(w: NonNullable<OwnRule['window']>, field: string): void {
  if (!HHMM.test(w.start) || !HHMM.test(w.end)) {
    throw refuse('ADMIN_REQUEST_INVALID', field, 'start and end are HH:MM');
  }
  if (
    w.weekdays &&
    (w.weekdays.length > 7 || w.weekdays.some((d) => !Number.isInteger(d) || d < 0 || d > 6))
  ) {
    throw refuse('ADMIN_REQUEST_INVALID', `${field}/weekdays`, 'days are 0 (Sunday) to 6');
  }
  if (w.timeZone && !TIME_ZONE.test(w.timeZone)) {
    throw refuse('ADMIN_REQUEST_INVALID', `${field}/timeZone`, 'an IANA time zone name');
  }
}

/** A locked scenario is the administrator's: the user may neither change nor delete it. */
export function checkUnlocked(scenario: OwnScenario | undefined, id: string): OwnScenario {
  if (!scenario)
    throw new AdminError('ADMIN_SCENARIO_NOT_FOUND', `no scenario ${id} of yours`, { field: 'id' });
  if (scenario.locked) {
    throw new AdminError(
      'ADMIN_SCENARIO_LOCKED',
      `scenario "${scenario.name}" is locked by an administrator`,
      {
        field: 'id',
      },
    );
  }
  return scenario;
}

/** Who is the default after a save: taking the default from a locked scenario is refused. */
export function checkDefaultMove(all: readonly OwnScenario[], input: OwnScenarioInput): void {
  if (!input.isDefault) return;
  const current = all.find((s) => s.isDefault);
  if (current && current.id !== input.id && current.locked) {
    throw new AdminError(
      'ADMIN_SCENARIO_LOCKED',
      `isDefault: the default scenario "${current.name}" is locked by an administrator`,
      { field: 'isDefault' },
    );
  }
}

/**
 * The evaluation order after moving `id` to `position` (clamped): the other scenarios keep their
 * relative order. Returns ids, first evaluated first.
 */
export function reorder(ids: readonly string[], id: string, position: number | undefined): string[] {
  const others = ids.filter((x) => x !== id);
  const at = position === undefined ? (ids.includes(id) ? ids.indexOf(id) : others.length) : position;
  const clamped = Math.max(0, Math.min(others.length, at));
  return [...others.slice(0, clamped), id, ...others.slice(clamped)];
}

/** The SSID and BSSID a place keeps from the phone's connected network, as `match` asks. */
export function placeNetworks(input: PlaceInput): { ssids: string[]; bssids: string[] } {
  const bssid = input.bssid.toLowerCase();
  const wantsSsid = input.match !== 'bssid';
  const wantsBssid = input.match !== 'ssid';
  if (wantsSsid && !SSID.test(input.ssid)) {
    throw refuse(
      'ADMIN_REQUEST_INVALID',
      'network/ssid',
      'the connected network name (1-32 characters) is needed',
    );
  }
  if (wantsBssid && !BSSID.test(bssid)) {
    throw refuse(
      'ADMIN_REQUEST_INVALID',
      'network/bssid',
      'the access point address (aa:bb:cc:dd:ee:ff) is needed',
    );
  }
  return { ssids: wantsSsid ? [input.ssid] : [], bssids: wantsBssid ? [bssid] : [] };
}

/** Adds networks to a place's lists without repeats, within MAX_PLACE_NETWORKS. */
export function mergeNetworks(
  place: Pick<OwnPlace, 'ssids' | 'bssids'>,
  add: { ssids: string[]; bssids: string[] },
): { ssids: string[]; bssids: string[] } {
  const ssids = [...new Set([...place.ssids, ...add.ssids])];
  const bssids = [...new Set([...place.bssids, ...add.bssids])];
  if (ssids.length > MAX_PLACE_NETWORKS || bssids.length > MAX_PLACE_NETWORKS) {
    throw refuse('ADMIN_REQUEST_INVALID', 'network', `a place keeps at most ${MAX_PLACE_NETWORKS} networks`);
  }
  return { ssids, bssids };
}
