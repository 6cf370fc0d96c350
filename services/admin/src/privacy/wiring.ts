// Builds the privacy feature: the two history stores (the ports the self-service page reads), the
// recorders fed by admin's NATS handlers, the retention setting and its sweep, the routes' deps.
import { Counter, type Logger, type Pool, type Registry } from '@sa/platform';
import type { ChangeRunner } from '../adapters/pg/change-set.js';
import { BatchWriter } from './batch-writer.js';
import { PgCallHistory, type RoutedCallRow } from './call-history-repo.js';
import { PgPresenceHistory } from './presence-history-repo.js';
import { type PlaceReport, PresenceRecorder } from './presence-recorder.js';
import { withoutUnknownNetworks } from './reason-redaction.js';
import { PgPrivacySettings } from './retention-settings.js';
import { RetentionSweep } from './retention-sweep.js';
import type { PrivacyRouteDeps } from './routes.js';

/** What admin's NATS handlers feed. */
export interface HistoryRecorder {
  deviceReported(report: PlaceReport): void;
  callRouted(call: RoutedCallRow): void;
}

export interface Privacy {
  /** presence history (PresenceHistory port, plus the administrator's audited view) */
  readonly presence: PgPresenceHistory;
  /** call history (CallHistory port, plus deleteFor) */
  readonly calls: PgCallHistory;
  readonly settings: PgPrivacySettings;
  readonly recorder: HistoryRecorder;
  readonly sweep: RetentionSweep;
  readonly routes: PrivacyRouteDeps;
  start(): void;
  /** stops the sweep, then writes what the recorders hold */
  stop(): Promise<void>;
}

export interface PrivacyOptions {
  readonly pool: Pool;
  readonly changes: ChangeRunner;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly defaultRetentionDays: number;
  readonly sweepMs: number;
  readonly flushMs: number;
  readonly clock?: () => number;
}

/** Rows waiting per history at most (~200 B each): a few seconds of a busy PBX while Postgres hiccups. */
const MAX_WAITING = 20_000;
const FLUSH_ROWS = 1000;
const SWEEP_BATCH_ROWS = 10_000;

export function buildPrivacy(o: PrivacyOptions): Privacy {
  const log = o.logger.child({ component: 'privacy' });
  const dropped = new Counter({
    name: 'sa_admin_history_dropped_total',
    help: 'history rows not written: buffer full (Postgres slow or down) or their write failed',
    labelNames: ['table', 'reason'],
    registers: [o.metrics],
  });
  const swept = new Counter({
    name: 'sa_admin_history_swept_total',
    help: 'history rows deleted by the retention sweep',
    labelNames: ['table'],
    registers: [o.metrics],
  });
  const batching = (table: string) => ({
    maxRows: MAX_WAITING,
    flushRows: FLUSH_ROWS,
    flushMs: o.flushMs,
    logger: log.child({ table }),
    onDropped: (n: number, reason: 'full' | 'failed') => dropped.inc({ table, reason }, n),
  });
  const presence = new PgPresenceHistory(o.pool, o.changes);
  const calls = new PgCallHistory(o.pool, o.changes);
  const settings = new PgPrivacySettings(o.pool, o.changes, o.defaultRetentionDays);
  const places = new PresenceRecorder(presence, batching('presence_history'));
  presence.onDeleted = (ext) => places.forget(ext);
  const callRows = new BatchWriter<RoutedCallRow>({
    ...batching('call_history'),
    write: async (rows) => void (await calls.insert(rows)),
  });
  const sweep = new RetentionSweep({
    tables: { presence_history: presence, call_history: calls },
    retentionDays: async () => (await settings.get()).retentionDays,
    clock: o.clock ?? Date.now,
    intervalMs: o.sweepMs,
    batchRows: SWEEP_BATCH_ROWS,
    logger: log,
    onDeleted: (table, n) => swept.inc({ table }, n),
  });
  return {
    presence,
    calls,
    settings,
    recorder: {
      deviceReported: (r) => places.report(r),
      callRouted: (c) => void callRows.push({ ...c, reason: withoutUnknownNetworks(c.reason) }),
    },
    sweep,
    routes: { presenceHistory: presence, settings, retentionChanged: () => sweep.kick() },
    start: () => sweep.start(),
    async stop() {
      await sweep.stop();
      await Promise.all([places.stop(), callRows.stop()]);
    },
  };
}
