// Reads the recorded AMI transcripts in packages/ami-protocol/fixtures and splits them per TCP
// connection. Exported as @sa/ami-protocol/transcripts for the tests here, the AMI test server's
// (packages/testkit) and the AMI benchmark (packages/ami/bench).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const fixturesDir = resolve(import.meta.dirname, '../fixtures'); // from src/ and dist/ alike;

export interface RecordedConnection {
  readonly server: Buffer;
  readonly client: Buffer;
}

export function transcriptNames(): string[] {
  return readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.server.bin'))
    .map((f) => f.slice(0, -'.server.bin'.length))
    .sort();
}

export function readServerBin(name: string): Buffer {
  return readFileSync(join(fixturesDir, `${name}.server.bin`));
}

export function readConnections(name: string): RecordedConnection[] {
  const text = readFileSync(join(fixturesDir, `${name}.txt`), 'utf8');
  const out: { server: string[]; client: string[] }[] = [];
  for (const line of text.split(/(?<=\n)/)) {
    if (line.startsWith('# TCP connected')) out.push({ server: [], client: [] });
    else if (line.startsWith('S: ')) out.at(-1)?.server.push(line.slice(3));
    else if (line.startsWith('C: ')) out.at(-1)?.client.push(line.slice(3));
  }
  return out.map((c) => ({ server: Buffer.from(c.server.join('')), client: Buffer.from(c.client.join('')) }));
}
