// FreePBX Follow-Me mode (ASTERISK_TARGET_MODE followme/both): one AMPUSER read every
// FOLLOWME_VERIFY_S finds the FreePBX extensions (for the `#` rule) and repairs keys FreePBX
// rewrote; the console learns each problem from FollowMeStatusChanged, repeated every minute (or
// every check, when checks are rarer) while it lasts (routing/followme-announcer.ts).
import type { Logger, Registry } from '@sa/platform';
import type { BusNames } from '@sa/proto';
import { NatsFollowMePublisher } from '../adapters/nats/followme-publisher.js';
import type { NatsAmiCommander } from '../adapters/nats/nats-ami-commander.js';
import type { RouterConfig } from '../config.js';
import { type FollowMeSettings, followMeWanted } from '../domain/followme.js';
import type { AstDbSync } from '../routing/astdb-sync.js';
import { FollowMeAnnouncer } from '../routing/followme-announcer.js';
import { FollowMeGuard } from '../routing/followme-guard.js';
import type { UserStateStore } from '../routing/ports.js';
import { followMeMetrics } from './router-metrics.js';

type NatsConnection = ConstructorParameters<typeof NatsFollowMePublisher>[0];

/** null unless Follow-Me keys are written and their check is on */
export function followMeGuardFor(d: {
  config: RouterConfig;
  names: BusNames;
  nc: NatsConnection;
  commander: NatsAmiCommander;
  store: UserStateStore;
  sync: AstDbSync;
  followMe: FollowMeSettings;
  owned: () => Iterable<{ extension: string; partition: number }>;
  registry: Registry;
  clock: () => number;
  logger: Logger;
}): FollowMeGuard | null {
  const { config } = d;
  if (config.ASTERISK_TARGET_MODE === 'astdb' || config.FOLLOWME_VERIFY_S <= 0) return null;
  const { missing, repairs, checks } = followMeMetrics(d.registry);
  const logger = d.logger.child({ component: 'followme' });
  const announcer = new FollowMeAnnouncer(
    new NatsFollowMePublisher(d.nc, d.names, logger),
    Math.max(60_000, config.FOLLOWME_VERIFY_S * 1000),
  );
  return new FollowMeGuard({
    reader: d.commander,
    store: d.store,
    owned: d.owned,
    wanted: (ext, decision, known) => followMeWanted(ext, decision.targetDial, d.followMe, known),
    repair: (ext, partition, decision, readAt) => d.sync.repair(ext, partition, decision, readAt),
    writeMark: () => d.sync.writeCount(),
    periodMs: config.FOLLOWME_VERIFY_S * 1000,
    clock: d.clock,
    logger,
    onReport: (ext, report, previous) => announcer.checked(ext, report, previous),
    onChecked: (r) => {
      checks.inc({ result: r.ok ? 'ok' : 'failed' });
      repairs.inc(r.repaired);
      for (const [reason, n] of Object.entries(r.missing)) missing.set({ reason }, n);
    },
  });
}
