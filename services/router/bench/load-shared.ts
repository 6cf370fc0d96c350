// What the router bench's main thread and its load worker share.
export interface LoadInit {
  readonly natsUrl: string;
  readonly prefix: string;
  readonly users: number;
  readonly devices: number;
  readonly window: number;
  readonly moveFraction: number;
}
export type LoadCommand =
  | { kind: 'ceiling'; seconds: number }
  | { kind: 'paced'; rate: number; seconds: number }
  | { kind: 'burst'; count: number };
export interface LoadDone {
  readonly sent: number;
  readonly seconds: number;
  /** [extension, expected target, publish time (performance.timeOrigin + now)] */
  readonly samples: [string, string, number][];
}

export const APS = ['aa:bb:cc:00:00:01', 'aa:bb:cc:00:00:02'];
export const ext = (u: number) => String(100_000 + u);
/** the target a single-device user gets at access point `ap` (see officeConfig) */
export const targetAt = (user: string, ap: number) => (ap === 0 ? user : '299');
