// The first administrator, and what ADMIN_PASSWORD means on every start.
//   - No account yet: "admin" (administrator) is created with ADMIN_PASSWORD, or with a generated
//     password that never reaches the log: it is shown on the terminal (stderr, only when that is a
//     TTY), otherwise written to a file of mode 0600 next to ADMIN_KEK_FILE whose path is logged.
//   - Accounts exist and ADMIN_PASSWORD is set: it is never applied. It matching admin's password
//     is silent (debug); otherwise one warn line says it was not applied and how to reset instead.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '@sa/platform';
import type { AccountsRepo } from './adapters/pg/accounts-repo.js';
import type { AdminConfig } from './config.js';
import { generatePassword, verifyPassword } from './domain/credentials.js';

export const INITIAL_PASSWORD_FILE = 'admin-initial-password';

/** Shows the generated password on a terminal; without one it goes to initialPasswordFile(). */
export type Announce = (line: string) => void;

export function initialPasswordFile(config: Pick<AdminConfig, 'ADMIN_KEK_FILE'>): string {
  return join(dirname(config.ADMIN_KEK_FILE), INITIAL_PASSWORD_FILE);
}

export async function ensureFirstAdmin(
  accounts: AccountsRepo,
  config: Pick<AdminConfig, 'ADMIN_PASSWORD' | 'ADMIN_KEK_FILE'>,
  logger: Logger,
  /** null: never on a terminal, always the file */
  announce: Announce | null = process.stderr.isTTY ? (line) => process.stderr.write(`${line}\n`) : null,
): Promise<void> {
  if (await accounts.hasAccounts()) return checkLaterPassword(accounts, config, logger);
  const generated = config.ADMIN_PASSWORD ? null : generatePassword();
  const created = await accounts.ensureFirstAdmin(config.ADMIN_PASSWORD ?? generated!);
  if (!created) return;
  logger.info(
    { event: 'admin_account_created', generated: generated !== null },
    'created the first administrator account "admin"',
  );
  if (!generated) return;
  if (announce) {
    announce(`admin: created account "admin" with generated password ${generated} (shown once; change it)`);
    return;
  }
  const file = initialPasswordFile(config);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${generated}\n`, { mode: 0o600 });
  logger.warn(
    { event: 'admin_password_file', file },
    `the generated password of account "admin" is in ${file} (mode 0600): sign in, change it, delete the file`,
  );
}

async function checkLaterPassword(
  accounts: AccountsRepo,
  config: Pick<AdminConfig, 'ADMIN_PASSWORD'>,
  logger: Logger,
): Promise<void> {
  if (!config.ADMIN_PASSWORD) return;
  const admin = await accounts.findByUsername('admin');
  if (admin && (await verifyPassword(config.ADMIN_PASSWORD, admin.passwordHash))) {
    logger.debug({ event: 'admin_password_unchanged' }, 'ADMIN_PASSWORD matches account "admin"');
    return;
  }
  logger.warn(
    { event: 'admin_password_not_applied' },
    admin
      ? 'ADMIN_PASSWORD is NOT applied: it only sets the first password; account "admin" keeps its password (to change it: `sa-admin reset-password admin`, or Change password in the console)'
      : 'ADMIN_PASSWORD is NOT applied: accounts exist but none is named "admin" (reset a password with `sa-admin reset-password <account>`)',
  );
}
