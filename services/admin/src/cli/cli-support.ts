// What the admin commands share: who ran them (for the audit log) and how a failure ends them.
import { userInfo } from 'node:os';
import type { Command } from 'commander';

/** The operating-system user running the command, reduced to characters safe in an audit actor. */
export function osUser(): string {
  try {
    return (
      userInfo()
        .username.replace(/[^A-Za-z0-9_.@-]/g, '')
        .slice(0, 64) || 'unknown'
    );
  } catch {
    return 'unknown';
  }
}

/** Runs the command line; any failure is one line `<name>: <message>` on stderr and exit code 1. */
export function runCli(program: Command, name: string): void {
  program.parseAsync(process.argv).catch((err: unknown) => {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
