// What admin makes sure of before it serves: a first administrator; on a first start, server key 1
// as the well-known default (so phones shipped with it keep working, with a warning to rotate it);
// and, when the KV key ring is missing (a new or wiped NATS), the full state republished into KV.
import type { Logger } from '@sa/platform';
import type { AdminConfig } from '../config.js';
import { ensureFirstAdmin } from '../first-admin.js';
import type { AdminStores } from './admin-stores.js';
import type { Repositories } from './repositories.js';

export interface StartupStateOptions {
  readonly announce?: (line: string) => void;
  readonly snapshotOnEmpty?: boolean;
}

export async function ensureStartupState(
  repos: Pick<Repositories, 'accounts' | 'keys' | 'changes'>,
  buckets: AdminStores['buckets'],
  config: AdminConfig,
  logger: Logger,
  options: StartupStateOptions,
): Promise<void> {
  await ensureFirstAdmin(repos.accounts, config, logger, options.announce);
  if (await repos.keys.ensureDefault()) {
    logger.warn(
      { event: 'default_key' },
      'server key 1 is the well-known default key; rotate it with smart-set-secret',
    );
  }
  if (
    (options.snapshotOnEmpty ?? config.ADMIN_SNAPSHOT_ON_EMPTY) &&
    (await buckets.keys.get('ring')) === null
  ) {
    const counts = await repos.changes.republishAll();
    logger.info({ event: 'snapshot_republished', ...counts }, 'KV snapshot empty: republishing full state');
  }
}
