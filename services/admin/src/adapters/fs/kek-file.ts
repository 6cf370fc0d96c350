// The key-encryption key: ADMIN_KEK if set, else a file created once (mode 0600) at ADMIN_KEK_FILE.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '@sa/platform';
import { parseKek } from '../../config.js';

export function loadKek(
  config: { ADMIN_KEK?: string | undefined; ADMIN_KEK_FILE: string },
  logger: Logger,
): Buffer {
  if (config.ADMIN_KEK) return parseKek(config.ADMIN_KEK)!;
  const file = config.ADMIN_KEK_FILE;
  if (existsSync(file)) {
    const kek = parseKek(readFileSync(file, 'utf8'));
    if (!kek) throw new Error(`ADMIN_KEK_FILE ${file} does not hold 32 bytes as base64 or hex`);
    return kek;
  }
  mkdirSync(dirname(file), { recursive: true });
  const kek = randomBytes(32);
  writeFileSync(file, `${kek.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  logger.warn(
    { event: 'kek_generated', file },
    `generated a key-encryption key in ${file}; back it up with the database`,
  );
  return kek;
}
