// The messages between the fleet bench and its load generator; the fleet's shape (phones, places,
// targets) is src/fleet.ts, re-exported here for the bench's modules.

export {
  extensionOf,
  type FleetPhone,
  indexOfExtension,
  initialPlace,
  mobileDialOf,
  PLACES,
  targetDialAt,
} from '../src/index.js';

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
