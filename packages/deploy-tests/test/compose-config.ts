// `docker-compose config` of a file in deploy/, parsed: what Compose itself makes of the file (anchors,
// merges and ${VARIABLES} resolved), which the compose tests then check.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { requireTool, run } from './helpers.js';

export interface ComposeService {
  command?: string[] | string;
  entrypoint?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  ports?: Array<string | { target: number; published?: string | number; protocol?: string }>;
  restart?: string;
  volumes?: Array<string | { source?: string; target: string }>;
  read_only?: boolean;
  cap_drop?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
}
export interface ComposeConfig {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, { ipam?: { config?: Array<{ subnet?: string }> } }>;
}

const resolved = new Map<string, ComposeConfig>();

/**
 * `docker-compose [extraArgs] -f deploy/<file> config`, which must succeed, parsed (once per file and
 * arguments: docker-compose 1.29 takes about a second; treat the result as read-only).
 */
export function resolvedConfig(file: string, extraArgs: readonly string[] = []): ComposeConfig {
  const key = [file, ...extraArgs].join('\0');
  const cached = resolved.get(key);
  if (cached) return cached;
  const compose = requireTool('docker-compose', 'docker-compose');
  const result = run(compose, [...extraArgs, '-f', `deploy/${file}`, 'config']);
  assert.equal(result.status, 0, `docker-compose config of ${file} failed:\n${result.stderr}`);
  const config = parse(result.stdout) as ComposeConfig;
  resolved.set(key, config);
  return config;
}

/** Published ports as `[host:]published:target/protocol`. */
export function portStrings(service: ComposeService): string[] {
  return (service.ports ?? []).map((p) =>
    typeof p === 'string' ? p : `${p.published}:${p.target}/${p.protocol ?? 'tcp'}`,
  );
}

/** Volume mounts as `source:target` (without :ro/:rw). */
export function mounts(service: ComposeService | undefined): string[] {
  return (service?.volumes ?? []).map((v) =>
    (typeof v === 'string' ? v : `${v.source}:${v.target}`).replace(/:(rw|ro)$/, ''),
  );
}

/** Every password compose needs, and the PBX's AMI secret: an env file with which everything starts. */
export const secretsEnv: Readonly<Record<string, string>> = {
  SA_NATS_ADMIN_PASSWORD: 'pAdmin12345',
  SA_NATS_INGEST_PASSWORD: 'pIngest12345',
  SA_NATS_ROUTER_PASSWORD: 'pRouter12345',
  SA_NATS_AMI_BRIDGE_PASSWORD: 'pBridge12345',
  SA_NATS_SET_SECRET_PASSWORD: 'pCli12345678',
  REDIS_PASSWORD: 'pRedis12345',
  POSTGRES_PASSWORD: 'pPostgres12345',
  AMI_SECRET: 'pAmi12345',
};

/** Runs `use` with a temporary env file holding `entries`, removed afterwards. */
export async function withEnvFile<T>(
  entries: Readonly<Record<string, string>>,
  use: (envFile: string) => T | Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'sa-compose-'));
  try {
    const envFile = join(dir, '.env');
    writeFileSync(
      envFile,
      Object.entries(entries)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    return await use(envFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The env variable holding a service's bus password: SA_NATS_<SERVICE>_PASSWORD. */
export function busPasswordVariable(service: string): string {
  return `SA_NATS_${service.toUpperCase().replace('-', '_')}_PASSWORD`;
}
