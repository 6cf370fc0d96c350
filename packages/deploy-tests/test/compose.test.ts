import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  busPasswordVariable,
  type ComposeService,
  mounts,
  portStrings,
  resolvedConfig as resolveComposeFile,
  secretsEnv,
  withEnvFile,
} from './compose-config.js';
import { documentedEnvVars, opsPorts, readDeploy, run, serviceNames } from './helpers.js';
import { runtimeVariables, serviceConfig } from './service-config.js';

const resolvedConfig = (extraArgs: readonly string[] = []) => resolveComposeFile('compose.yaml', extraArgs);

describe('deploy/compose.yaml', () => {
  it('given no deploy/.env, when docker-compose config resolves the file, then it is valid and has infra plus the four services', () => {
    const config = resolvedConfig();
    assert.deepEqual(Object.keys(config.services).sort(), [
      'admin',
      'ami-bridge',
      'ingest',
      'nats',
      'postgres',
      'redis',
      'router',
    ]);
  });

  it('given the `docker compose` form the docs use, when `docker compose -f deploy/compose.yaml config -q` runs, then the file is valid', (t) => {
    // No Docker engine needed. On Debian bookworm the CLI plugin is the shim npm test installs
    // (deploy/ci/docker-compose-cli-plugin.sh, scripts/ensure-test-deps.mjs).
    const docker = spawnSync('docker', ['--version']);
    if (docker.error) return t.skip('no docker CLI on this machine (docker-compose is checked above)');
    const result = run('docker', ['compose', '-f', 'deploy/compose.yaml', 'config', '-q']);
    assert.equal(result.status, 0, `docker compose config failed:\n${result.stderr}`);
  });

  it('given .env.example as env file, when resolved, then it is valid too', () => {
    const config = resolvedConfig(['--env-file', 'deploy/.env.example']);
    assert.equal(config.services.ingest?.environment?.INGEST_PORT, '8080');
  });

  it('given each service, when resolved, then it runs its own dist/main.js, restarts, and its health check probes /readyz on its ops port', () => {
    const config = resolvedConfig();
    for (const name of serviceNames) {
      const service = config.services[name];
      assert.ok(service, name);
      assert.deepEqual(service.command, ['node', `services/${name}/dist/main.js`]);
      assert.equal(service.restart, 'unless-stopped');
      assert.equal(service.environment?.OPS_PORT, String(opsPorts[name]));
      assert.equal(
        service.environment?.OPS_HOST,
        '0.0.0.0',
        `${name} ops must listen beyond loopback in a container`,
      );
      const probe = (service.healthcheck?.test ?? []).join(' ');
      assert.match(
        probe,
        new RegExp(`http://127\\.0\\.0\\.1:${opsPorts[name]}/readyz`),
        `${name} health check`,
      );
      assert.equal(service.read_only, true, `${name} root filesystem read-only`);
      assert.deepEqual(service.cap_drop, ['ALL']);
    }
    for (const infra of ['nats', 'redis', 'postgres']) {
      assert.ok(config.services[infra]?.healthcheck, `${infra} has a health check`);
      assert.equal(config.services[infra]?.restart, 'unless-stopped');
    }
  });

  it('given ingest, when resolved, then port 8080 is published for UDP and TCP and admin on 8081', () => {
    const config = resolvedConfig();
    const ingest = portStrings(config.services.ingest as ComposeService);
    assert.ok(
      ingest.some((p) => /8080:8080\/udp$/.test(p)),
      ingest.join(','),
    );
    assert.ok(
      ingest.some((p) => /8080:8080\/tcp$/.test(p)),
      ingest.join(','),
    );
    const admin = portStrings(config.services.admin as ComposeService);
    assert.ok(
      admin.some((p) => /8081:8081\/tcp$/.test(p)),
      admin.join(','),
    );
  });

  it('given ingest, when resolved, then RADIUS accounting is off and its UDP port published on 127.0.0.1 only, unless the env file says otherwise', async () => {
    const ingest = resolvedConfig().services.ingest as ComposeService;
    assert.equal(ingest.environment?.RADIUS_PORT ?? '', '');
    assert.ok(
      portStrings(ingest).some((p) => /^127\.0\.0\.1:1813:1813\/udp$/.test(p)),
      portStrings(ingest).join(','),
    );
    await withEnvFile({ RADIUS_PORT: '1814', RADIUS_BIND: '192.0.2.10' }, (envFile) => {
      const on = resolvedConfig(['--env-file', envFile]).services.ingest as ComposeService;
      assert.equal(on.environment?.RADIUS_PORT, '1814');
      assert.ok(
        portStrings(on).some((p) => /^192\.0\.2\.10:1814:1814\/udp$/.test(p)),
        portStrings(on).join(','),
      );
    });
  });

  it('given the stateful servers, when resolved, then Postgres and JetStream keep their data in named volumes', () => {
    const config = resolvedConfig();
    const postgres = mounts(config.services.postgres);
    const nats = mounts(config.services.nats);
    assert.ok(postgres.includes('postgres:/var/lib/postgresql/data'), postgres.join());
    assert.ok(nats.includes('jetstream:/data'), nats.join());
    assert.match(String(config.services.nats?.command), /nats-server .*--jetstream/);
    assert.ok(config.volumes && 'postgres' in config.volumes && 'jetstream' in config.volumes);
  });

  it('given every service config schema, when compared with deploy/.env.example, then every variable a service reads is documented', async () => {
    const documented = documentedEnvVars();
    const missing: string[] = [];
    for (const name of serviceNames) {
      const { names } = await serviceConfig(name);
      missing.push(...names.filter((v) => !documented.has(v)).map((v) => `${name}: ${v}`));
    }
    assert.deepEqual(missing, [], 'variables read by services but missing from deploy/.env.example');
  });

  it('given passwords in the env file, when resolved, then NATS runs the shipped auth config with them, each service logs in as its own bus user, and Redis and Postgres URLs carry their passwords', async () => {
    await withEnvFile(secretsEnv, (envFile) => {
      const config = resolvedConfig(['--env-file', envFile]);
      const nats = config.services.nats as ComposeService;
      assert.match(String(nats.command), /nats-server -c \/etc\/nats\/nats-server\.conf/);
      assert.ok(
        (nats.volumes ?? []).some((v) => typeof v === 'string' && /deploy\/nats:\/etc\/nats:ro$/.test(v)),
        'deploy/nats/ mounted read-only',
      );
      for (const [name, value] of Object.entries(secretsEnv).filter(([k]) => k.startsWith('SA_NATS_'))) {
        assert.equal(nats.environment?.[name], value, `nats gets ${name}`);
        assert.match(
          String(nats.command),
          new RegExp(`\\$\\$?\\{${name}:\\?`),
          `nats refuses an empty ${name}`,
        );
      }
      for (const service of serviceNames) {
        const env = config.services[service]?.environment ?? {};
        assert.equal(env.NATS_USER, service, service);
        assert.equal(env.NATS_PASSWORD, secretsEnv[busPasswordVariable(service)], service);
        if (env.REDIS_URL)
          assert.equal(env.REDIS_URL, `redis://:${secretsEnv.REDIS_PASSWORD}@redis:6379`, service);
      }
      assert.equal(
        config.services.admin?.environment?.DATABASE_URL?.split('@')[0],
        `postgres://smartassistant:${secretsEnv.POSTGRES_PASSWORD}`,
      );
      const redis = config.services.redis as ComposeService;
      assert.match(String(redis.command), /requirepass/);
      assert.match(String(redis.command), /\{REDIS_PASSWORD:\?/);
      assert.equal(redis.environment?.REDISCLI_AUTH, secretsEnv.REDIS_PASSWORD);
      assert.equal(config.services.postgres?.environment?.POSTGRES_PASSWORD, secretsEnv.POSTGRES_PASSWORD);
    });
  });

  it("given the secrets in the env file, when each service's resolved environment goes through that service's own config loader, then it is accepted and every variable set is one the service reads", async () => {
    await withEnvFile({ ...secretsEnv, AMI_BRIDGE_HA: 'true' }, async (envFile) => {
      const config = resolvedConfig(['--env-file', envFile]);
      for (const name of serviceNames) {
        const env = config.services[name]?.environment ?? {};
        const schema = await serviceConfig(name);
        assert.deepEqual(
          Object.keys(env).filter((v) => !schema.names.includes(v) && !runtimeVariables.includes(v)),
          [],
          `${name} is given variables it never reads`,
        );
        assert.doesNotThrow(() => schema.load(env), name);
      }
      // active/standby needs the Redis lease: the bridge gets Redis like the others (issue 18)
      const bridge = (await serviceConfig('ami-bridge')).load(
        config.services['ami-bridge']?.environment ?? {},
      );
      assert.equal(bridge.AMI_BRIDGE_HA, true);
      assert.equal(bridge.REDIS_URL, `redis://:${secretsEnv.REDIS_PASSWORD}@redis:6379`);
    });
  });

  it('given the Dockerfile, when read, then it builds with npm ci and turbo and runs as an unprivileged user', () => {
    const dockerfile = readDeploy('Dockerfile');
    assert.match(dockerfile, /npm ci/);
    assert.match(dockerfile, /turbo run build/);
    assert.match(dockerfile, /^USER node$/m);
  });

  it('given the Dockerfile, when read, then the CLIs are built and on the PATH as commands', () => {
    const dockerfile = readDeploy('Dockerfile');
    assert.match(dockerfile, /--filter=@sa\/phone-client/, 'sa-phone is built');
    assert.match(dockerfile, /^ENV .*PATH=\/app\/node_modules\/\.bin:\$PATH/m);
  });
});
