// deploy/kubernetes-cluster, the cluster profile on Kubernetes (issue 18), as `kubectl kustomize` renders
// it over the base: valid objects, two of each service with a PDB keeping one, every container's
// environment (ConfigMap, example Secrets, its own env) through its service's config loader, NATS's
// rendered configuration checked by the real nats-server, and the Redis start scripts run with stand-ins
// for redis-cli and redis-server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { deployDir, run, type ServiceName, serviceNames } from './helpers.js';
import { validate } from './kubernetes-schemas.js';
import { serviceConfig } from './service-config.js';

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: objects are checked structurally below
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}
interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  // biome-ignore lint/suspicious/noExplicitAny: checked structurally
  securityContext?: any;
}

const overlay = join(deployDir, 'kubernetes-cluster');
// kubectl (1.27 or later: kustomize v5) renders the overlay. Debian's kubernetes-client (1.20) is too
// old for it, so this machine kind's own kubectl is used; without one the test fails, saying so,
// rather than being skipped.
const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

const parse = (text: string): K8sObject[] =>
  parseAllDocuments(text).map((doc) => {
    assert.deepEqual(doc.errors, []);
    return doc.toJS() as K8sObject;
  });

function render(): K8sObject[] {
  assert.ok(
    kubectl,
    'kubectl 1.27 or later is needed to render deploy/kubernetes-cluster (kubectl kustomize)',
  );
  const result = run(kubectl, ['kustomize', overlay]);
  assert.equal(result.status, 0, `kubectl kustomize failed:\n${result.stderr}`);
  return parse(result.stdout);
}
const objects = render();
const named = (kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind} ${name} is rendered`);
  return found;
};
/** The example Secrets an operator creates: the overlay's smartassistant-secrets, the base's bus passwords. */
const secrets = new Map(
  [
    ...parse(readFileSync(join(overlay, 'secret.example.yaml'), 'utf8')),
    ...parse(readFileSync(join(deployDir, 'kubernetes', 'secret.example.yaml'), 'utf8')).filter(
      (s) => s.metadata.name === 'smartassistant-nats',
    ),
  ].map((s) => [s.metadata.name, s.stringData ?? {}]),
);

/** What the container's process finds in its environment (envFrom first, then env, which wins). */
function environmentOf(container: Container, pod: string): Record<string, string> {
  const env: Record<string, string> = {};
  const configMap = (name: string) => named('ConfigMap', name).data ?? {};
  const secret = (name: string) => {
    const data = secrets.get(name);
    assert.ok(data, `Secret ${name} is one the operator creates`);
    return data;
  };
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, configMap(from.configMapRef.name));
    if (from.secretRef) Object.assign(env, secret(from.secretRef.name));
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
    const source = e.valueFrom?.secretKeyRef ? secret : configMap;
    if (ref)
      assert.ok(ref.key in source(ref.name), `${container.name}: ${e.name} from ${ref.name}/${ref.key}`);
    env[e.name] = ref ? (source(ref.name)[ref.key] as string) : e.valueFrom?.fieldRef ? pod : (e.value ?? '');
  }
  return env;
}

/** `<pod>.<service>:<port>` of every pod of a StatefulSet, in order. */
function podAddresses(statefulSet: string, port: number): string[] {
  const set = named('StatefulSet', statefulSet);
  return Array.from(
    { length: set.spec.replicas },
    (_, i) => `${statefulSet}-${i}.${set.spec.serviceName}:${port}`,
  );
}

describe('deploy/kubernetes-cluster', () => {
  it('given the overlay, when rendered over the base, then every object is valid against the Kubernetes schemas and NATS, Redis and its sentinels are StatefulSets of 3, 2 and 3', () => {
    for (const o of objects) assert.doesNotThrow(() => validate({ ...o }), `${o.kind} ${o.metadata.name}`);
    const sets = objects
      .filter((o) => o.kind === 'StatefulSet')
      .map((s) => [s.metadata.name, s.spec.replicas]);
    assert.deepEqual(sets.sort(), [
      ['smartassistant-nats', 3],
      ['smartassistant-redis', 2],
      ['smartassistant-redis-sentinel', 3],
    ]);
  });

  it('given each service, when rendered, then it runs two pods, preferably on different nodes, and its PDB keeps one while a drain takes the other', () => {
    for (const name of serviceNames) {
      const deployment = named('Deployment', `smartassistant-${name}`);
      assert.equal(deployment.spec.replicas, 2, name);
      const labels = deployment.spec.template.metadata.labels;
      const spread =
        deployment.spec.template.spec.affinity?.podAntiAffinity
          ?.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.podAffinityTerm;
      assert.deepEqual(spread?.labelSelector?.matchLabels, labels, `${name} spreads its pods`);
      assert.equal(spread?.topologyKey, 'kubernetes.io/hostname');
      const pdb = named('PodDisruptionBudget', `smartassistant-${name}`);
      assert.deepEqual(pdb.spec, { minAvailable: 1, selector: { matchLabels: labels } }, name);
    }
    // active/standby is updated one bridge at a time, never both stopped (the base's Recreate would)
    assert.deepEqual(named('Deployment', 'smartassistant-ami-bridge').spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
  });

  it("given each service's container, when its environment goes through the service's own config loader, then it is accepted: every NATS server, three replicas, Redis through the sentinels (no REDIS_URL), and ami-bridge active/standby on one PBX id", async () => {
    const sentinelName = /sentinel monitor (\S+) \$primary 6379 2/.exec(
      named('ConfigMap', 'smartassistant-redis-scripts').data?.['sentinel.sh'] ?? '',
    )?.[1];
    for (const name of serviceNames) {
      const container = named('Deployment', `smartassistant-${name}`).spec.template.spec.containers[0];
      const env = environmentOf(container, `smartassistant-${name}-0`);
      const config = (await serviceConfig(name as ServiceName)).load(env);
      assert.deepEqual(
        String(config.NATS_URL).split(','),
        podAddresses('smartassistant-nats', 4222).map((a) => `nats://${a}`),
      );
      assert.equal(config.NATS_REPLICAS, 3);
      if (name === 'admin') continue; // admin keeps no state in Redis
      assert.ok(!env.REDIS_URL, `${name}: REDIS_URL is unset (it would be a second Redis mode)`);
      assert.deepEqual(
        (config.REDIS_SENTINELS as { host: string; port: number }[]).map((s) => `${s.host}:${s.port}`),
        podAddresses('smartassistant-redis-sentinel', 26379),
      );
      assert.equal(config.REDIS_SENTINEL_NAME, sentinelName);
      assert.equal(config.REDIS_PASSWORD, secrets.get('smartassistant-secrets')?.REDIS_PASSWORD);
      if (name === 'ami-bridge') {
        assert.equal(config.AMI_BRIDGE_HA, true);
        assert.equal(config.PBX_ID, 'pbx-1', 'both bridges share one lease');
      }
    }
  });

  it('given the NATS StatefulSet, when its rendered configuration is checked by the real nats-server with the shipped auth file beside it, then it is valid, and routes to every pod of the set', (t) => {
    const natsServer = ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find((p) => existsSync(p));
    if (!natsServer) return t.skip('nats-server is not installed');
    const conf = named('ConfigMap', 'smartassistant-nats-config').data?.['nats.conf'] ?? '';
    const routes = [...(/routes: \[([^\]]*)\]/.exec(conf)?.[1] ?? '').matchAll(/nats:\/\/(\S+)/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(routes, podAddresses('smartassistant-nats', 6222));
    const pod = named('StatefulSet', 'smartassistant-nats').spec.template.spec;
    const sources = pod.volumes.find((v: { name: string }) => v.name === 'config').projected.sources;
    assert.deepEqual(
      sources.map((s: { configMap: { name: string } }) => s.configMap.name),
      ['smartassistant-nats-config', 'smartassistant-nats-auth'],
    );
    const dir = mkdtempSync(join(tmpdir(), 'sa-k8s-nats-'));
    try {
      writeFileSync(join(dir, 'nats.conf'), conf.replace('store_dir: /data', `store_dir: ${dir}`));
      writeFileSync(
        join(dir, 'smartassistant-auth.conf'),
        readFileSync(join(deployDir, 'nats', 'smartassistant-auth.conf')),
      );
      const env = environmentOf(pod.containers[0], 'smartassistant-nats-0');
      const check = run(natsServer, ['-t', '-c', join(dir, 'nats.conf')], {
        env: { ...env, PATH: '/usr/bin:/bin' },
      });
      assert.equal(check.status, 0, `nats-server -t:\n${check.stdout}${check.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('the Redis start scripts, with stand-ins for redis-cli (the sentinels) and redis-server', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sa-k8s-redis-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const scripts = named('ConfigMap', 'smartassistant-redis-scripts').data ?? {};
    for (const [file, text] of Object.entries(scripts)) {
      writeFileSync(
        join(dir, file),
        text
          .replaceAll('/scripts/', `${dir}/`)
          .replace('/tmp/auth.conf', join(dir, 'auth.conf'))
          .replaceAll('/data/sentinel.conf', join(dir, 'sentinel.conf')),
      );
    }
    const stub = (name: string, body: string) => {
      writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    };
    stub('redis-cli', '[ -n "$SENTINELS_SAY" ] || exit 1; echo "$SENTINELS_SAY"; echo 6379');
    stub('redis-server', 'echo "redis-server $*"');
    /** Runs a script as pod `pod` while the sentinels name `primary` ('' = none answers). */
    const start = (script: string, pod: string, primary: string) => {
      const r = spawnSync('sh', [join(dir, script)], {
        env: {
          PATH: `${dir}:/usr/bin:/bin`,
          POD_NAME: pod,
          REDIS_PASSWORD: 'pRedis1',
          SENTINELS_SAY: primary,
        },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };

    it('given no sentinel answers (the first start), then pod 0 starts as the primary and pod 1 as its replica', () => {
      assert.doesNotMatch(start('redis.sh', 'smartassistant-redis-0', ''), /--replicaof/);
      assert.match(
        start('redis.sh', 'smartassistant-redis-1', ''),
        /--replica-announce-ip smartassistant-redis-1\.smartassistant-redis --replicaof smartassistant-redis-0\.smartassistant-redis 6379$/,
      );
      assert.match(
        readFileSync(join(dir, 'auth.conf'), 'utf8'),
        /^requirepass "pRedis1"\nmasterauth "pRedis1"\n$/,
      );
    });

    it('given the sentinels name pod 1 after a failover, when pod 0 restarts, then it comes back as a replica of pod 1, not as a second primary', () => {
      const now = 'smartassistant-redis-1.smartassistant-redis';
      assert.match(start('redis.sh', 'smartassistant-redis-0', now), new RegExp(`--replicaof ${now} 6379$`));
      assert.doesNotMatch(start('redis.sh', 'smartassistant-redis-1', now), /--replicaof/);
    });

    it('given a sentinel starting, then it monitors the primary the others name, with quorum 2 and the password', () => {
      const now = 'smartassistant-redis-1.smartassistant-redis';
      assert.equal(
        start('sentinel.sh', 'smartassistant-redis-sentinel-2', now),
        `redis-server ${join(dir, 'sentinel.conf')} --sentinel`,
      );
      const conf = readFileSync(join(dir, 'sentinel.conf'), 'utf8');
      assert.match(conf, new RegExp(`^sentinel monitor sa-primary ${now} 6379 2$`, 'm'));
      assert.match(
        conf,
        /^sentinel announce-ip smartassistant-redis-sentinel-2\.smartassistant-redis-sentinel$/m,
      );
      assert.match(conf, /^sentinel auth-pass sa-primary pRedis1$/m);
      assert.match(conf, /^requirepass "pRedis1"$/m);
      start('sentinel.sh', 'smartassistant-redis-sentinel-0', '');
      assert.match(
        readFileSync(join(dir, 'sentinel.conf'), 'utf8'),
        /^sentinel monitor sa-primary smartassistant-redis-0\.smartassistant-redis 6379 2$/m,
      );
    });
  });

  it("given every pod the overlay adds, when read, then it meets the namespace's restricted Pod Security Standard: non-root, RuntimeDefault seccomp, no privilege escalation, no capabilities, read-only root", () => {
    for (const set of objects.filter((o) => o.kind === 'StatefulSet')) {
      const pod = set.spec.template.spec;
      assert.equal(pod.securityContext.runAsNonRoot, true, set.metadata.name);
      assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
      for (const c of pod.containers as Container[]) {
        assert.deepEqual(c.securityContext, {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });
});
