// deploy/compose.cluster.yaml, the cluster profile (issue 18): what Compose makes of it, every instance's
// environment through its service's own config loader, the NATS and Redis Sentinel wiring, the balancer,
// and the NATS command itself run by the real nats-server with the shipped configuration.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { waitFor } from '@sa/testkit';
import {
  type ComposeConfig,
  type ComposeService,
  mounts,
  portStrings,
  resolvedConfig as resolveComposeFile,
  secretsEnv,
  withEnvFile,
} from './compose-config.js';
import { runNatsCluster } from './compose-nats-cluster.js';
import { runComposeRedis } from './compose-redis-sentinel.js';
import { opsPorts, readDeploy, run, serviceNames } from './helpers.js';
import { runtimeVariables, serviceConfig } from './service-config.js';

const FILE = 'compose.cluster.yaml';
const resolvedConfig = (extraArgs: readonly string[] = []) => resolveComposeFile(FILE, extraArgs);
const natsNodes = ['nats-1', 'nats-2', 'nats-3'];
const sentinels = ['redis-sentinel-1', 'redis-sentinel-2', 'redis-sentinel-3'];
const instances = serviceNames.flatMap((name) => [1, 2].map((n) => ({ name, service: `${name}-${n}` })));
const env = (config: ComposeConfig, service: string) => config.services[service]?.environment ?? {};
const command = (service: ComposeService | undefined) => [service?.command ?? []].flat().join(' ');

describe('deploy/compose.cluster.yaml', () => {
  it('given no deploy/.env, when docker-compose config resolves it, then it has three NATS nodes, Redis with three sentinels, Postgres, the balancer and two of each service', () => {
    assert.deepEqual(
      Object.keys(resolvedConfig().services).sort(),
      [
        ...instances.map((i) => i.service),
        'balancer',
        ...natsNodes,
        'postgres',
        'redis-primary',
        'redis-replica',
        ...sentinels,
      ].sort(),
    );
  });

  it('given the `docker compose` form the docs use, when `config -q` runs, then the file is valid', (t) => {
    if (spawnSync('docker', ['--version']).error)
      return t.skip('no docker CLI (docker-compose is checked above)');
    const result = run('docker', ['compose', '-f', `deploy/${FILE}`, 'config', '-q']);
    assert.equal(result.status, 0, `docker compose config failed:\n${result.stderr}`);
  });

  it('given each instance, when resolved, then it runs its service hardened as in compose.yaml, with its health check on its ops port, its ops port on a loopback port of its own, and the same settings as its twin', () => {
    const config = resolvedConfig();
    const published = new Set<string>();
    for (const { name, service } of instances) {
      const s = config.services[service] as ComposeService;
      assert.deepEqual(s.command, ['node', `services/${name}/dist/main.js`], service);
      assert.equal(s.restart, 'unless-stopped');
      assert.equal(s.read_only, true, `${service} root filesystem read-only`);
      assert.deepEqual(s.cap_drop, ['ALL']);
      assert.equal(env(config, service).OPS_PORT, String(opsPorts[name]));
      assert.match(
        s.healthcheck?.test.join(' ') ?? '',
        new RegExp(`127\\.0\\.0\\.1:${opsPorts[name]}/readyz`),
      );
      for (const p of portStrings(s)) {
        assert.match(p, /^127\.0\.0\.1:\d+:\d+\/tcp$/, `${service} publishes only its ops port, on loopback`);
        assert.ok(!published.has(p.split(':')[1] as string), `${service}: host port ${p} is taken twice`);
        published.add(p.split(':')[1] as string);
      }
    }
    for (const name of serviceNames) {
      assert.deepEqual(env(config, `${name}-1`), env(config, `${name}-2`), `${name}: both instances alike`);
    }
  });

  it("given the secrets in the env file, when every instance's environment goes through its service's own config loader, then it is accepted, reads every variable set, and is on all three NATS nodes with three replicas and on Redis through the sentinels", async () => {
    await withEnvFile(secretsEnv, async (envFile) => {
      const config = resolvedConfig(['--env-file', envFile]);
      for (const { name, service } of instances) {
        const schema = await serviceConfig(name);
        const vars = env(config, service);
        assert.deepEqual(
          Object.keys(vars).filter((v) => !schema.names.includes(v) && !runtimeVariables.includes(v)),
          [],
          `${service} is given variables it never reads`,
        );
        const loaded = schema.load(vars);
        assert.deepEqual(
          String(loaded.NATS_URL).split(','),
          natsNodes.map((n) => `nats://${n}:4222`),
        );
        assert.equal(loaded.NATS_REPLICAS, 3, service);
        if (name === 'admin') continue; // admin keeps no state in Redis
        assert.equal(vars.REDIS_URL, undefined, `${service}: REDIS_URL would be a second Redis mode`);
        assert.deepEqual(
          (loaded.REDIS_SENTINELS as { host: string; port: number }[]).map((s) => `${s.host}:${s.port}`),
          sentinels.map((s) => `${s}:26379`),
        );
        assert.equal(loaded.REDIS_PASSWORD, secretsEnv.REDIS_PASSWORD);
        assert.equal(loaded.REDIS_SENTINEL_PASSWORD, secretsEnv.REDIS_PASSWORD);
      }
      const bridges = [1, 2].map((n) => loadedConfig('ami-bridge', config, `ami-bridge-${n}`));
      for (const bridge of await Promise.all(bridges)) assert.equal(bridge.AMI_BRIDGE_HA, true);
      const [first, second] = await Promise.all(bridges);
      assert.equal(first?.PBX_ID, second?.PBX_ID, 'both bridges share one lease: the same PBX id');
      const router = await loadedConfig('router', config, 'router-1');
      assert.ok(Number(router.ROUTER_PARTITIONS) >= 2, 'at least one partition per router');
    });
  });

  it('given the NATS nodes, when resolved, then each has its own name, JetStream store and volume, the shipped configuration, and routes to all three in one cluster', () => {
    const config = resolvedConfig();
    const names = natsNodes.map((node) => {
      const s = config.services[node] as ComposeService;
      const cmd = command(s);
      assert.match(cmd, /nats-server -c \/etc\/nats\/nats-server\.conf --jetstream --store_dir \/data/);
      assert.match(cmd, /--cluster_name smartassistant --cluster nats:\/\/0\.0\.0\.0:6222/);
      assert.match(cmd, /--routes nats:\/\/nats-1:6222,nats:\/\/nats-2:6222,nats:\/\/nats-3:6222(\s|$)/);
      assert.ok(mounts(s).includes(`jetstream-${node.slice(-1)}:/data`), mounts(s).join());
      assert.ok(mounts(s).some((m) => /deploy\/nats:\/etc\/nats$/.test(m)));
      return s.environment?.SA_NATS_NODE;
    });
    assert.deepEqual(names, natsNodes);
  });

  it('given the same NATS command, when three real nats-servers run it with the shipped configuration, then they form one JetStream cluster', async (t) => {
    const natsServer = ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find(
      (p) => !spawnSync(p, ['--version']).error,
    );
    if (!natsServer) return t.skip('nats-server is not installed');
    const leader = await withEnvFile(secretsEnv, (envFile) => {
      const config = resolvedConfig(['--env-file', envFile]);
      return runNatsCluster(
        natsServer,
        natsNodes.map((name) => ({
          name,
          command: command(config.services[name]),
          environment: env(config, name),
        })),
      );
    });
    assert.ok(natsNodes.includes(leader), `meta leader ${leader}`);
  });

  it('given Redis, when resolved, then a replica follows the primary, three sentinels watch it under the name the services use with a quorum of two, and every data server and sentinel wants the password', () => {
    const config = resolvedConfig();
    assert.equal(config.services['redis-replica']?.environment?.REDIS_ROLE, '--replicaof redis-primary 6379');
    for (const server of ['redis-primary', 'redis-replica']) {
      const s = config.services[server] as ComposeService;
      assert.match(command(s), /requirepass .*masterauth/);
      assert.match(command(s), /--replica-announce-ip "\$\$?REDIS_HOST"/);
      assert.equal(s.environment?.REDIS_HOST, server);
    }
    for (const sentinel of sentinels) {
      const cmd = command(config.services[sentinel]);
      assert.match(cmd, /'sentinel monitor sa-primary redis-primary 6379 2'/);
      assert.match(cmd, /sentinel auth-pass sa-primary/);
      assert.match(cmd, /requirepass/);
      assert.match(cmd, /\{REDIS_PASSWORD:\?/);
      assert.match(cmd, /redis-server \/data\/sentinel\.conf --sentinel$/);
      assert.ok(mounts(config.services[sentinel]).includes(`sentinel-${sentinel.slice(-1)}:/data`));
    }
  });

  it('given the Redis containers, when the real redis-server runs their commands, then every server wants the password, the replica follows the primary, each sentinel knows the replica and the two others, and a failover promotes the replica and makes the old primary its replica', async (t) => {
    const redisServer = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
    if (!redisServer) return t.skip('redis-server is not installed');
    await withEnvFile(secretsEnv, async (envFile) => {
      const config = resolvedConfig(['--env-file', envFile]);
      const redis = await runComposeRedis(
        redisServer,
        ['redis-primary', 'redis-replica', ...sentinels].map((name) => ({
          name,
          command: command(config.services[name]),
          environment: env(config, name),
        })),
      );
      const { ports, cli } = redis;
      const port = (name: string) => ports[name] as number;
      const password = secretsEnv.REDIS_PASSWORD;
      const replication = (name: string) => cli(port(name), password, 'INFO', 'replication');
      try {
        for (const name of Object.keys(ports)) {
          assert.match(cli(port(name), undefined, 'PING'), /NOAUTH/, `${name} wants the password`);
        }
        await waitFor(() => /master_link_status:up/.test(replication('redis-replica')), {
          timeoutMs: 15_000,
          what: 'the replica to follow the primary',
        });
        for (const sentinel of sentinels) {
          await waitFor(
            () => {
              const known = cli(port(sentinel), password, 'SENTINEL', 'MASTER', 'sa-primary');
              return /num-slaves\n1\n/.test(known) && /num-other-sentinels\n2\n/.test(known);
            },
            {
              timeoutMs: 20_000,
              intervalMs: 200,
              what: `${sentinel} to know the replica and the other sentinels`,
            },
          );
        }
        // refused (NOGOODSLAVE) until the sentinel has judged the replica fit by its periodic INFO
        let answer = '';
        await waitFor(
          () => {
            answer = cli(port('redis-sentinel-1'), password, 'SENTINEL', 'FAILOVER', 'sa-primary');
            return answer === 'OK';
          },
          { timeoutMs: 20_000, intervalMs: 500, what: 'a sentinel to start the failover' },
        ).catch((err: Error) => {
          throw new Error(`${err.message}: it answered ${answer}`);
        });
        const named = () =>
          cli(port('redis-sentinel-3'), password, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'sa-primary').split(
            '\n',
          )[1];
        await waitFor(() => named() === String(port('redis-replica')), {
          timeoutMs: 20_000,
          what: 'the sentinels to name the replica the primary',
        });
        await waitFor(() => /role:slave[\s\S]*master_link_status:up/.test(replication('redis-primary')), {
          timeoutMs: 20_000,
          what: 'the old primary to follow the new one (masterauth)',
        });
      } finally {
        await redis.stop();
      }
    });
  });

  it('given the balancer, when resolved, then it alone publishes the phone port (UDP and TCP) and the console, and nginx spreads each over both instances', () => {
    const config = resolvedConfig();
    const balancer = portStrings(config.services.balancer as ComposeService);
    for (const p of [/^8080:8080\/udp$/, /^8080:8080\/tcp$/, /^127\.0\.0\.1:8081:8081\/tcp$/]) {
      assert.ok(
        balancer.some((b) => p.test(b)),
        `${p} in ${balancer.join(',')}`,
      );
    }
    assert.ok(
      mounts(config.services.balancer).some((m) =>
        /deploy\/nginx\/cluster\.conf:\/etc\/nginx\/nginx\.conf$/.test(m),
      ),
    );
    const nginx = readDeploy('nginx/cluster.conf');
    const upstream = (name: string) =>
      [
        ...(nginx.match(new RegExp(`upstream ${name} \\{([^}]*)\\}`))?.[1] ?? '').matchAll(/server (\S+)/g),
      ].map((m) => m[1]);
    assert.deepEqual(upstream('ingest_udp'), ['ingest-1:8080', 'ingest-2:8080']);
    assert.deepEqual(upstream('ingest_http'), ['ingest-1:8080', 'ingest-2:8080']);
    assert.deepEqual(upstream('admin'), ['admin-1:8081', 'admin-2:8081']);
    assert.match(nginx, /listen 8080 udp;\s+proxy_pass ingest_udp;/);
    assert.match(nginx, /proxy_set_header X-Forwarded-For \$remote_addr;/);
    // the addresses admin and ingest believe X-Forwarded-For from are the compose network's
    const subnet = config.networks?.default?.ipam?.config?.[0]?.subnet;
    assert.ok(subnet);
    assert.equal(env(config, 'admin-1').ADMIN_TRUSTED_PROXIES, subnet);
    assert.equal(env(config, 'ingest-1').TRUSTED_PROXIES, subnet);
  });

  it('given admin, when resolved, then both instances keep the key-encryption key on one shared volume and the second starts after the first is healthy', () => {
    const config = resolvedConfig();
    for (const admin of ['admin-1', 'admin-2']) {
      assert.ok(mounts(config.services[admin]).includes('admin-state:/var/lib/smartassistant'));
      assert.equal(env(config, admin).ADMIN_KEK_FILE, '/var/lib/smartassistant/admin.kek');
    }
    const after = config.services['admin-2']?.depends_on as Record<string, { condition: string }>;
    assert.equal(after['admin-1']?.condition, 'service_healthy');
  });
});

async function loadedConfig(
  name: (typeof serviceNames)[number],
  config: ComposeConfig,
  service: string,
): Promise<Record<string, unknown>> {
  return (await serviceConfig(name)).load(env(config, service));
}
