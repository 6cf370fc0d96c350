// Retires expired server keys on a timer. A failed sweep is logged and the next one tries again;
// the timer does not keep the process alive on its own.
import type { Logger } from '@sa/platform';
import type { KeysRepo } from '../adapters/pg/keys-repo.js';

/** Starts the sweep; the returned function stops it. */
export function startKeySweep(keys: Pick<KeysRepo, 'sweep'>, everyMs: number, logger: Logger): () => void {
  const timer = setInterval(() => {
    keys.sweep().catch((err: unknown) => logger.warn({ err }, 'key sweep failed'));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
