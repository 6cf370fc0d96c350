// A simulated fleet's fixed shape, shared by the fleet bench (bench/bench-fleet.ts, its load
// generator and its AstDB checks) and the chaos test (@sa/chaos): what is provisioned and what
// each phone reports.
//
// Phone i belongs to user extensionOf(i). Every user has three scenarios: Office -> the user's desk
// (dial = the extension), Conference -> the shared conference room (CONFERENCE_DIAL), and the default,
// the user's mobile (mobileDialOf(i)). A phone is at one of the two places; a mover switches to the
// other one, so its user's target changes; a stopped phone goes silent and falls back to the mobile.

export interface Place {
  readonly name: string;
  readonly ssid: string;
  readonly bssids: readonly string[];
}

export const PLACES: readonly [Place, Place] = [
  {
    name: 'Office',
    ssid: 'Office',
    bssids: ['aa:bb:cc:10:00:01', 'aa:bb:cc:10:00:02', 'aa:bb:cc:10:00:03', 'aa:bb:cc:10:00:04'],
  },
  {
    name: 'Conference',
    ssid: 'Conference',
    bssids: ['aa:bb:cc:20:00:01', 'aa:bb:cc:20:00:02', 'aa:bb:cc:20:00:03', 'aa:bb:cc:20:00:04'],
  },
];

export const CONFERENCE_DIAL = '801';
const FIRST_EXTENSION = 100_000;

export const extensionOf = (i: number): string => String(FIRST_EXTENSION + i);
/** The phone index of an extension, or -1 when it is not one of the fleet's. */
export const indexOfExtension = (ext: string): number => {
  const i = Number(ext) - FIRST_EXTENSION;
  return Number.isInteger(i) && i >= 0 ? i : -1;
};
export const deviceIdOf = (i: number): string => `FLEET${String(i).padStart(10, '0')}`;
export const mobileDialOf = (i: number): string => `+49170${String(i).padStart(7, '0')}`;
/** Where phone i starts: one in five in the conference room, the others at their desks. */
export const initialPlace = (i: number): 0 | 1 => (i % 5 === 0 ? 1 : 0);
/** The AstDB target of phone i's user while the phone is at `place`. */
export const targetDialAt = (i: number, place: number): string =>
  place === 0 ? extensionOf(i) : CONFERENCE_DIAL;

/** A registered phone as its enrolment payload gave it: own key id and secret. */
export interface FleetPhone {
  readonly deviceId: string;
  readonly keyId: number;
  readonly secret: string;
}
