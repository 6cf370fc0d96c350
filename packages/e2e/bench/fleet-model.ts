// The simulated fleet's fixed shape, shared by the bench (provisioning, matching AstDB writes) and the
// load generator (what each phone reports), and the messages between the two processes.
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

export interface GeneratorSettings {
  /** JSON file holding FleetPhone[] (phone i at index i) */
  readonly phonesFile: string;
  readonly host: string;
  readonly port: number;
  readonly intervalS: number;
  /** each gap between two reports of a phone is intervalS * (1 ± jitterPct/100), uniformly */
  readonly jitterPct: number;
  /** chance of each report in the measured phase to come from the other place, in % */
  readonly moversPct: number;
  /** first reports, spread uniformly over this many seconds; not measured. A phone's gap from its
   *  first report to its second is up to warmupS + intervalS. The measured phase starts on the
   *  bench's 'measure', at the end of the warm-up at the earliest. */
  readonly warmupS: number;
  readonly runS: number;
  /** seconds into the measured phase when the stale sample stops reporting */
  readonly stopAtS: number;
  readonly stalePct: number;
  /** how long to wait for replies after the last report */
  readonly tailS: number;
}

export interface PhaseStats {
  readonly sent: number;
  /** replies with status OK to reports of this phase */
  readonly ok: number;
  /** replies with another status, by status number */
  readonly notOk: Record<string, number>;
  readonly unreadable: number;
  readonly replyP50Ms: number;
  readonly replyP99Ms: number;
}

export type ToGenerator =
  | { readonly type: 'start'; readonly settings: GeneratorSettings }
  /** start the measured phase (at the end of the warm-up at the earliest) */
  | { readonly type: 'measure' };

export type FromGenerator =
  | { readonly type: 'ready'; readonly keysDerivedMs: number }
  /** every phone has sent its first report (wall clock) */
  | { readonly type: 'firstReportsSent'; readonly atMs: number }
  /** the measured phase starts now (wall clock) */
  | { readonly type: 'measuring'; readonly atMs: number }
  /** flat triples: phone index, new place, wall-clock ms of the report from the new place */
  | { readonly type: 'moves'; readonly moves: number[] }
  /** flat pairs: phone index, wall-clock ms of its last report */
  | { readonly type: 'stops'; readonly stops: number[] }
  /** the measured phase's last report was sent (wall clock) */
  | { readonly type: 'sendingEnded'; readonly atMs: number }
  | {
      readonly type: 'done';
      readonly warmup: PhaseStats;
      readonly run: PhaseStats;
      /** seconds from the measured phase's start to its last report */
      readonly runSeconds: number;
      /** reports the sender fell behind its schedule by more than 1 s */
      readonly lateReports: number;
    };
