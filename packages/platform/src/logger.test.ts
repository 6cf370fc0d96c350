import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './logger.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');

function linesOf(write: (logger: ReturnType<typeof createLogger>) => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  write(createLogger('test', 'info', sink));
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('given an error logged as { err }, then the line keeps its type, message, code, stack and cause', () => {
  const cause = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
  const err = Object.assign(new Error('AstDB write failed', { cause }), { code: 'ROUTER_ASTDB' });
  const [line] = linesOf((log) => log.warn({ err }, 'write failed'));
  const logged = line!.err as Record<string, unknown>;
  assert.equal(logged.type, 'Error');
  assert.match(String(logged.message), /AstDB write failed/);
  assert.equal(logged.code, 'ROUTER_ASTDB');
  assert.match(String(logged.stack), /logger\.test\.ts/);
  assert.match(JSON.stringify(logged), /connection refused/, 'the cause is kept');
});

test('given the source of every service and package, then no log call turns an error into a string (the { err } serializer keeps code, stack and cause)', () => {
  const offenders: string[] = [];
  const scan = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (!['node_modules', 'dist', 'gen'].includes(name)) scan(path);
      } else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((text, i) => {
            if (/\berr: (String\(|err instanceof Error \? err\.message)/.test(text))
              offenders.push(`${relative(repo, path)}:${i + 1}`);
          });
      }
    }
  };
  for (const top of ['services', 'packages'])
    for (const name of readdirSync(join(repo, top))) scan(join(repo, top, name, 'src'));
  assert.deepEqual(offenders, [], 'log `{ err }`, not `{ err: String(err) }`');
});
