#!/usr/bin/env node
// sa-admin: admin account tasks from the server's shell, straight against admin's database.
//   sa-admin reset-password <account>                   gives the account a generated password,
//                                                       printed on stdout (once; never logged)
//   sa-admin reset-password <account> --password-stdin  takes the new password from stdin's first line
// Every session of the account ends; the audit log records reset_password by cli:<os user>.
// Env (the same as admin's): DATABASE_URL, DATABASE_SCHEMA.
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { connectPostgres, createLogger, loadConfig } from '@sa/platform';
import { Command, InvalidArgumentError } from 'commander';
import { AccountsRepo } from '../adapters/pg/accounts-repo.js';
import { ChangeRunner } from '../adapters/pg/change-set.js';
import { adminEnvSchema } from '../config.js';
import { generatePassword, PASSWORD_MIN_LENGTH } from '../domain/credentials.js';
import { SecretBox } from '../domain/secret-box.js';
import { osUser, runCli } from './cli-support.js';

const USERNAME = /^[A-Za-z0-9_.@-]{1,64}$/;

const program = new Command('sa-admin').description('Smart Assistant admin accounts (run on the server)');

program
  .command('reset-password')
  .description("set a new password for an account and end all of that account's sessions")
  .argument('<account>', 'username, e.g. admin', (v) => {
    if (!USERNAME.test(v)) throw new InvalidArgumentError('must be 1-64 letters, digits or _ . @ -');
    return v;
  })
  .option('--password-stdin', 'read the new password from the first line of stdin instead of generating one')
  .action(async (account: string, opts: { passwordStdin?: boolean }) => {
    const password = opts.passwordStdin ? await firstLineOfStdin() : generatePassword();
    if (password.length < PASSWORD_MIN_LENGTH)
      throw new Error(`the password must be at least ${PASSWORD_MIN_LENGTH} characters`);
    const config = loadConfig(adminEnvSchema.pick({ DATABASE_URL: true, DATABASE_SCHEMA: true }));
    const pg = await connectPostgres(config.DATABASE_URL, createLogger('sa-admin', 'silent'), {
      searchPath: config.DATABASE_SCHEMA,
      max: 1,
    });
    try {
      // account changes write no outbox rows, so the change runner never seals anything with this key
      const accounts = new AccountsRepo(pg.pool, new ChangeRunner(pg.pool, new SecretBox(randomBytes(32))));
      const { sessionsEnded } = await accounts
        .setPassword(`cli:${osUser()}`, account, password, 'reset_password')
        .catch((err: unknown) => {
          if ((err as { code?: string }).code === '42P01')
            throw new Error(
              `schema ${config.DATABASE_SCHEMA} has no admin tables: start admin once first (DATABASE_URL, DATABASE_SCHEMA)`,
            );
          throw err;
        });
      process.stderr.write(
        `sa-admin: account "${account}" has a new password; ${sessionsEnded} session(s) ended\n`,
      );
      if (!opts.passwordStdin) process.stdout.write(`${password}\n`);
    } finally {
      await pg.close();
    }
  });

async function firstLineOfStdin(): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line.replace(/\r$/, '');
  }
  throw new Error('--password-stdin: stdin is empty');
}

runCli(program, 'sa-admin');
