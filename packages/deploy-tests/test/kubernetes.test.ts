import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { deployDir, documentedEnvVars, opsPorts, serviceNames } from './helpers.js';
import { validate } from './kubernetes-schemas.js';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked structurally below
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  file: string;
}

const k8sDir = join(deployDir, 'kubernetes');
const manifestFiles = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');

function load(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8')).map((doc) => {
    assert.deepEqual(doc.errors, [], `${file}: YAML errors`);
    return { ...(doc.toJS() as Omit<Manifest, 'file'>), file };
  });
}
const manifests = manifestFiles.flatMap(load);
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const named = (kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  assert.ok(found, `${kind} ${name} exists`);
  return found;
};

describe('deploy/kubernetes', () => {
  it('given every manifest, when validated against the bundled Kubernetes schemas, then all are valid', () => {
    assert.ok(manifests.length >= 14, `found ${manifests.length} manifests`);
    for (const m of manifests) {
      const { file, ...doc } = m;
      assert.doesNotThrow(() => validate(doc), `${file}: ${m.kind} ${m.metadata.name}`);
    }
  });

  it('given a Deployment with a wrong field type or a missing selector, when validated, then the validator rejects it', () => {
    const { file: _file, ...good } = named('Deployment', 'smartassistant-router');
    assert.throws(() => validate({ ...good, spec: { ...good.spec, replicas: 'two' } }), /replicas/);
    const { selector: _selector, ...noSelector } = good.spec;
    assert.throws(() => validate({ ...good, spec: noSelector }), /selector/);
  });

  it('given the kustomization, when read, then it lists every manifest except the example Secret', () => {
    const kustomization = parseAllDocuments(
      readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8'),
    )[0]?.toJS();
    const expected = manifestFiles.filter((f) => f !== 'secret.example.yaml').sort();
    assert.deepEqual([...kustomization.resources].sort(), expected);
  });

  it('given each service, when deployed, then it has probes on /healthz and /readyz, resources, a PDB and a Service selecting it', () => {
    for (const name of serviceNames) {
      const deployment = named('Deployment', `smartassistant-${name}`);
      const labels = deployment.spec.template.metadata.labels;
      assert.deepEqual(deployment.spec.selector.matchLabels, labels, `${name} selector matches pod labels`);
      const container = deployment.spec.template.spec.containers[0];
      assert.deepEqual(container.command, ['node', `services/${name}/dist/main.js`]);
      const ops = container.ports.find((p: { name: string }) => p.name === 'ops');
      assert.equal(ops.containerPort, opsPorts[name]);
      // everything else comes from the ConfigMap; ingest also bounds its V8 heap (RSS ~120 MB)
      const extra =
        name === 'ingest'
          ? [{ name: 'NODE_OPTIONS', value: '--max-semi-space-size=8 --max-old-space-size=384' }]
          : [];
      // (the credentials, NATS_USER/NATS_PASSWORD and REDIS_URL, are checked in their own test below)
      const credentials = ['NATS_USER', 'NATS_PASSWORD', 'REDIS_URL'];
      assert.deepEqual(
        container.env.filter((e: { name: string }) => !credentials.includes(e.name)),
        [{ name: 'OPS_PORT', value: String(opsPorts[name]) }, ...extra],
      );
      assert.deepEqual(container.livenessProbe.httpGet, { path: '/healthz', port: 'ops' });
      assert.deepEqual(container.readinessProbe.httpGet, { path: '/readyz', port: 'ops' });
      for (const k of ['requests', 'limits']) {
        assert.ok(container.resources[k].cpu && container.resources[k].memory, `${name} ${k}`);
      }
      assert.equal(container.securityContext.readOnlyRootFilesystem, true);
      assert.equal(deployment.spec.template.spec.securityContext.runAsNonRoot, true);

      const pdb = named('PodDisruptionBudget', `smartassistant-${name}`);
      assert.deepEqual(pdb.spec.selector.matchLabels, labels, `${name} PDB selects the pods`);
      const services = byKind('Service').filter(
        (s) => JSON.stringify(s.spec.selector) === JSON.stringify(labels),
      );
      assert.ok(
        services.some((s) => s.spec.ports.some((p: { targetPort: string }) => p.targetPort === 'ops')),
        `${name} ops port reachable by a Service`,
      );
    }
  });

  it('given ingest, when exposed, then one LoadBalancer carries UDP and TCP 8080 and keeps client addresses, without the ops port', () => {
    const service = named('Service', 'smartassistant-ingest');
    assert.equal(service.spec.type, 'LoadBalancer');
    assert.equal(service.spec.externalTrafficPolicy, 'Local');
    const ports = service.spec.ports
      .map((p: { port: number; protocol: string }) => `${p.port}/${p.protocol}`)
      .sort();
    assert.deepEqual(ports, ['8080/TCP', '8080/UDP']);
  });

  it('given ingest, when RADIUS accounting is exposed, then its own LoadBalancer carries UDP 1813 only and keeps client addresses, and the ConfigMap leaves it off', () => {
    const service = named('Service', 'smartassistant-ingest-radius');
    assert.equal(service.spec.type, 'LoadBalancer');
    assert.equal(service.spec.externalTrafficPolicy, 'Local');
    assert.deepEqual(
      service.spec.ports.map((p: { port: number; protocol: string; targetPort: string }) => [
        `${p.port}/${p.protocol}`,
        p.targetPort,
      ]),
      [['1813/UDP', 'radius-acct']],
    );
    assert.equal(named('ConfigMap', 'smartassistant-config').data?.RADIUS_PORT, '');
  });

  it('given the ConfigMap and example Secret, when compared with deploy/.env.example, then every key is a documented variable and every reference resolves', () => {
    const documented = documentedEnvVars();
    const config = named('ConfigMap', 'smartassistant-config');
    const secret = named('Secret', 'smartassistant-secrets');
    const keys = [...Object.keys(config.data ?? {}), ...Object.keys(secret.stringData ?? {})];
    assert.deepEqual(
      keys.filter((k) => !documented.has(k)),
      [],
    );
    assert.ok(secret.stringData?.ADMIN_KEK, 'ADMIN_KEK is required without a persistent disk');
    for (const deployment of byKind('Deployment')) {
      for (const ref of deployment.spec.template.spec.containers[0].envFrom) {
        if (ref.configMapRef) assert.equal(ref.configMapRef.name, 'smartassistant-config');
        if (ref.secretRef) assert.equal(ref.secretRef.name, 'smartassistant-secrets');
      }
    }
  });

  it('given each service, when deployed, then it logs in to NATS as its own bus user with only its own password from the Secret smartassistant-nats, and Redis URLs (with password) come from a Secret', () => {
    const documented = documentedEnvVars();
    const nats = named('Secret', 'smartassistant-nats');
    const secrets = named('Secret', 'smartassistant-secrets');
    assert.deepEqual(
      Object.keys(nats.stringData ?? {}).filter((k) => !documented.has(k)),
      [],
      'smartassistant-nats keys are documented variables',
    );
    const config = named('ConfigMap', 'smartassistant-config');
    assert.deepEqual(
      Object.keys(config.data ?? {}).filter((k) => /PASSWORD|REDIS_URL|DATABASE_URL/.test(k)),
      [],
      'no password-carrying setting in the ConfigMap',
    );
    for (const service of serviceNames) {
      const container = named('Deployment', `smartassistant-${service}`).spec.template.spec.containers[0];
      const env = new Map<
        string,
        { value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
      >(container.env.map((e: { name: string }) => [e.name, e]));
      assert.equal(env.get('NATS_USER')?.value, service, `${service} NATS_USER`);
      const ref = env.get('NATS_PASSWORD')?.valueFrom?.secretKeyRef;
      assert.deepEqual(ref, {
        name: 'smartassistant-nats',
        key: `SA_NATS_${service.toUpperCase().replace('-', '_')}_PASSWORD`,
      });
      assert.ok(ref && ref.key in (nats.stringData ?? {}), `${service}: ${ref?.key} exists`);
      const refs = (container.envFrom ?? []).map((r: { secretRef?: { name: string } }) => r.secretRef?.name);
      assert.ok(!refs.includes('smartassistant-nats'), `${service} does not get every bus password`);
      const redis = env.get('REDIS_URL')?.valueFrom?.secretKeyRef;
      if (redis) assert.deepEqual(redis, { name: 'smartassistant-secrets', key: 'REDIS_URL' });
    }
    assert.match(secrets.stringData?.REDIS_URL ?? '', /^rediss?:\/\/:[^@]+@/);
  });
});
