// `npm run try`: try Smart Assistant without a phone. With `npm start` running (in another terminal),
// this command provisions a demo user through the admin API (idempotently: run it as often as you
// like), then acts as that user's phone with the reference client library (@sa/phone-client, the
// encrypted protocol of docs/protocol.md) and reports the Office Wi-Fi, the conference room, then an
// unknown network. After each report it prints router's decision and reason (router's ops
// `GET /decisions/<ext>`) and what Asterisk's AstDB now holds (read back through ami-bridge with a
// DBGet on the bus), and exits 0.
//
// Defaults are npm start's: the same variables (ADMIN_PORT, INGEST_PORT, ROUTER_OPS_PORT, NATS_URL,
// SA_BUS_PREFIX, ...) point it elsewhere. Admin access, first match wins:
//   ADMIN_TOKEN      an admin API token (`sat_…`, console: Automation);
//   ADMIN_PASSWORD   the `admin` account's password (ADMIN_USERNAME for another account);
//   SA_TRY_TOKEN_FILE (default .sa-local/admin-token) the API token npm start saved when admin generated
//                    the first admin password (scripts/start.mjs explains why a token, not the password).
// The phone uses the well-known default server key admin creates on first start (key id 1, still
// accepted until rotated away); after a rotation set TRY_PHONE_KEY and TRY_PHONE_KEY_ID.
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { PhoneClient } from '@sa/phone-client';
import { connectNats, createLogger, type NatsClient, type NatsSettings } from '@sa/platform';
import { busNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import { type AdminApi, AdminApiError, adminApi, loginAdmin } from './admin-api.js';
import { OFFICE_SCENARIO, type WifiNetwork } from './office-scenario.js';

const env = process.env;
/** packages/e2e/src (or dist) -> the repository */
const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const say = (line = '') => process.stdout.write(`${line}\n`);

/** A failure the user can act on: printed as one line (`✗ …`), then exit with `exitCode`. */
class TryError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
const UNAVAILABLE = 69; // EX_UNAVAILABLE, as npm start uses for a server it cannot reach

// ---- the demo user: the story of the README, the demo and the end-to-end tests -----------------

const O = OFFICE_SCENARIO;
const DEVICE_ID = 'TRYPHONE000000000230';
const EXTENSION = O.extension;
const AWAY: WifiNetwork = { ssid: 'Cafe Guest', bssid: 'de:ad:be:ef:00:01', rssiDbm: -70 };
const DESTINATIONS = [
  { role: 'desk', name: `${EXTENSION}-Desk`, dial: O.dial.desk },
  { role: 'conference', name: 'SMART-Conference', dial: O.dial.conference },
  { role: 'mobile', name: `${EXTENSION}-Mobile`, dial: O.dial.mobile },
] as const;
const LOCATIONS = [
  { role: 'office', name: 'Office', net: O.office },
  { role: 'conference', name: 'Conference room', net: O.conference },
] as const;

// ---- where npm start listens --------------------------------------------------------------------

/** A host a local client can reach: a wildcard bind address means this machine. */
const reachableHost = (host: string | undefined) =>
  !host || host === '0.0.0.0' || host === '::' || host === '[::]' ? '127.0.0.1' : host;
const port = (name: string, fallback: number) => Number(env[name] || fallback);
const opsHost = reachableHost(env.OPS_HOST);
const where = {
  admin: `http://${reachableHost(env.ADMIN_HOST)}:${port('ADMIN_PORT', 8081)}`,
  ingest: { host: reachableHost(env.INGEST_HOST), port: port('INGEST_PORT', 8080) },
  ops: {
    ingest: { url: `http://${opsHost}:${port('INGEST_OPS_PORT', 9101)}`, variable: 'INGEST_OPS_PORT' },
    router: { url: `http://${opsHost}:${port('ROUTER_OPS_PORT', 9102)}`, variable: 'ROUTER_OPS_PORT' },
    admin: { url: `http://${opsHost}:${port('ADMIN_OPS_PORT', 9103)}`, variable: 'ADMIN_OPS_PORT' },
    'ami-bridge': {
      url: `http://${opsHost}:${port('AMI_BRIDGE_OPS_PORT', 9104)}`,
      variable: 'AMI_BRIDGE_OPS_PORT',
    },
  },
  nats: natsSettings(),
  prefix: env.SA_BUS_PREFIX || 'sa',
  tokenFile: resolve(repoRoot, env.SA_TRY_TOKEN_FILE || '.sa-local/admin-token'),
};
/**
 * NATS_URL (and NATS_USER/NATS_PASSWORD) when given; otherwise npm start's own NATS (scripts/local-nats.mjs)
 * as router's bus user, the one allowed to send ami-bridge commands, with the password from .sa-local/nats.env.
 */
function natsSettings(): NatsSettings {
  if (env.NATS_URL)
    return { NATS_URL: env.NATS_URL, NATS_USER: env.NATS_USER, NATS_PASSWORD: env.NATS_PASSWORD };
  const passwords = resolve(repoRoot, env.SA_LOCAL_NATS_DIR || '.sa-local', 'nats.env');
  if (!existsSync(passwords)) return { NATS_URL: 'nats://127.0.0.1:4222' };
  const router = /^SA_NATS_ROUTER_PASSWORD=(.*)$/m.exec(readFileSync(passwords, 'utf8'))?.[1];
  return {
    NATS_URL: `nats://127.0.0.1:${env.SA_LOCAL_NATS_PORT || 4223}`,
    NATS_USER: 'router',
    NATS_PASSWORD: router,
  };
}
const START_HINT =
  'start the system first with `npm start` in another terminal, then run `npm run try` again';

async function getJson<T>(url: string, timeoutMs = 3000): Promise<{ status: number; body: T }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every service answers on its ops port and says it is ready (waits a little for a fresh npm start). */
async function checkRunning(): Promise<void> {
  const services = Object.entries(where.ops);
  const answers = await Promise.all(
    services.map(([, s]) =>
      getJson(`${s.url}/healthz`).then(
        () => true,
        () => false,
      ),
    ),
  );
  if (answers.every((a) => !a)) {
    const ports = services.map(([, s]) => new URL(s.url).port).join(', ');
    throw new TryError(
      `Smart Assistant is not running (nothing answers on ${opsHost} ports ${ports}): ${START_HINT}`,
      UNAVAILABLE,
    );
  }
  const down = services.filter((_, i) => !answers[i]);
  if (down.length > 0) {
    throw new TryError(
      down.map(([name, s]) => `${name} does not answer at ${s.url} (${s.variable})`).join('; ') +
        ": only part of the system answers; check npm start's output (or that this terminal sets the same ports)",
      UNAVAILABLE,
    );
  }
  const deadline = Date.now() + 20_000;
  for (const [name, s] of services) {
    for (;;) {
      const r = await getJson<unknown>(`${s.url}/readyz`).catch(() => null);
      if (r?.status === 200) break;
      if (Date.now() > deadline) {
        throw new TryError(
          `${name} is running but not ready (${s.url}/readyz: ${JSON.stringify(r?.body ?? 'no answer')}); see npm start's output`,
          UNAVAILABLE,
        );
      }
      await sleep(250);
    }
  }
}

// ---- admin access -------------------------------------------------------------------------------

async function adminAccess(): Promise<{ api: AdminApi; how: string }> {
  const health = await fetch(`${where.admin}/api/v1/health`, { signal: AbortSignal.timeout(3000) }).catch(
    () => null,
  );
  if (!health)
    throw new TryError(`admin does not answer at ${where.admin} (ADMIN_PORT): ${START_HINT}`, UNAVAILABLE);
  const inRepo = relative(repoRoot, where.tokenFile);
  const tokenFile = inRepo && !inRepo.startsWith('..') ? inRepo : where.tokenFile;
  let access: { api: AdminApi; how: string; fix: string };
  if (env.ADMIN_TOKEN) {
    access = {
      api: adminApi(where.admin, env.ADMIN_TOKEN),
      how: 'the API token in ADMIN_TOKEN',
      fix: 'check ADMIN_TOKEN',
    };
  } else if (env.ADMIN_PASSWORD) {
    const username = env.ADMIN_USERNAME || 'admin';
    try {
      const api = await loginAdmin(where.admin, username, env.ADMIN_PASSWORD);
      access = { api, how: `ADMIN_PASSWORD (account "${username}")`, fix: '' };
    } catch (err) {
      if (err instanceof AdminApiError && err.status === 401)
        throw new TryError(`admin at ${where.admin} refused ADMIN_PASSWORD for the account "${username}"`);
      throw err;
    }
  } else if (existsSync(where.tokenFile)) {
    access = {
      api: adminApi(where.admin, readFileSync(where.tokenFile, 'utf8').trim()),
      how: `the API token npm start saved in ${tokenFile}`,
      fix:
        `it belongs to another database, or was revoked: delete ${tokenFile} and run ` +
        "ADMIN_PASSWORD='<the admin password>' npm run try",
    };
  } else {
    throw new TryError(
      `no admin access: npm start saves an API token in ${tokenFile} only when admin generates the first ` +
        "admin password (this database's admin account existed already, or ADMIN_PASSWORD was set); run " +
        "ADMIN_PASSWORD='<the admin password>' npm run try (or ADMIN_TOKEN=<an API token from the console's Automation page>)",
    );
  }
  try {
    await access.api.request('GET', '/keys');
  } catch (err) {
    if (err instanceof AdminApiError && err.status === 401)
      throw new TryError(`admin at ${where.admin} refused ${access.how}: ${access.fix}`);
    throw err;
  }
  return access;
}

// ---- provisioning (idempotent) ------------------------------------------------------------------

interface Destination {
  id: string;
  name: string;
  dial: string;
}
interface Location {
  id: string;
  name: string;
  ssids: string[];
  bssids: string[];
}
interface Device {
  deviceId: string;
  extension: string;
  enabled: boolean;
  tier: string;
}
interface Scenario {
  name: string;
  destinationId: string;
  rules: { kind: string; locationId?: string }[];
  isDefault: boolean;
}

async function listAll<T>(api: AdminApi, path: string): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api.request<{ items: T[]; total: number }>(
      'GET',
      `${path}${sep}limit=500&offset=${out.length}`,
    );
    out.push(...page.items);
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}

const isNotFound = (err: unknown) => err instanceof AdminApiError && err.status === 404;

/** Makes admin hold the demo user; returns what it had to change and the ids it needs. */
async function provision(api: AdminApi): Promise<{ changed: string[]; tier: string }> {
  const changed: string[] = [];
  let device = await api.request<Device>('GET', `/devices/${DEVICE_ID}`).catch((err: unknown) => {
    if (isNotFound(err)) return null;
    throw err;
  });
  if (!device) {
    device = await api.request<Device>('POST', '/devices', {
      deviceId: DEVICE_ID,
      extension: EXTENSION,
      label: 'npm run try',
      // the try-out phone uses the server key admin shows (GET /keys); real phones get their own
      keyMode: 'server_key',
    });
    changed.push(`created device ${DEVICE_ID} on extension ${EXTENSION}`);
  } else if (device.extension !== EXTENSION || !device.enabled) {
    await api.request('POST', '/extensions', { extension: EXTENSION }).catch((err: unknown) => {
      if (!(err instanceof AdminApiError && err.status === 409)) throw err;
    });
    device = await api.request<Device>('PATCH', `/devices/${DEVICE_ID}`, {
      extension: EXTENSION,
      enabled: true,
    });
    changed.push(`moved device ${DEVICE_ID} back to extension ${EXTENSION}, enabled`);
  }

  const destinations = await listAll<Destination>(api, `/destinations?extension=${EXTENSION}`);
  const destinationIds: Record<string, string> = {};
  for (const d of DESTINATIONS) {
    const found = destinations.find((x) => x.name === d.name);
    if (!found) {
      destinationIds[d.role] = (
        await api.request<Destination>('POST', '/destinations', { name: d.name, dial: d.dial })
      ).id;
      changed.push(`created destination ${d.name} (${d.dial})`);
    } else {
      destinationIds[d.role] = found.id;
      if (found.dial !== d.dial) {
        await api.request('PATCH', `/destinations/${found.id}`, { dial: d.dial });
        changed.push(`set destination ${d.name} to dial ${d.dial} (was ${found.dial})`);
      }
    }
  }

  const locations = await listAll<Location>(api, '/locations');
  const locationIds: Record<string, string> = {};
  for (const l of LOCATIONS) {
    const want = { ssids: [l.net.ssid], bssids: [l.net.bssid] };
    const found = locations.find((x) => x.name === l.name);
    if (!found) {
      locationIds[l.role] = (await api.request<Location>('POST', '/locations', { name: l.name, ...want })).id;
      changed.push(`created location ${l.name} (SSID ${l.net.ssid})`);
    } else {
      locationIds[l.role] = found.id;
      if (JSON.stringify([found.ssids, found.bssids]) !== JSON.stringify([want.ssids, want.bssids])) {
        await api.request('PATCH', `/locations/${found.id}`, want);
        changed.push(`set location ${l.name} to SSID ${l.net.ssid}, BSSID ${l.net.bssid}`);
      }
    }
  }

  // array order = evaluation order: the meeting room first, then the desk, else away
  const wanted: Scenario[] = [
    {
      name: 'In a meeting',
      destinationId: destinationIds.conference!,
      rules: [{ kind: 'location', locationId: locationIds.conference! }],
      isDefault: false,
    },
    {
      name: 'At my desk',
      destinationId: destinationIds.desk!,
      rules: [{ kind: 'location', locationId: locationIds.office! }],
      isDefault: false,
    },
    { name: 'Away', destinationId: destinationIds.mobile!, rules: [], isDefault: true },
  ];
  const current = await api.request<{ items: Scenario[] }>('GET', `/users/${EXTENSION}/scenarios`);
  const shape = (list: Scenario[]) =>
    JSON.stringify(
      list.map((s) => [
        s.name,
        s.destinationId,
        s.isDefault,
        s.rules.map((r) => [r.kind, r.locationId ?? null]),
      ]),
    );
  if (shape(current.items) !== shape(wanted)) {
    await api.request('PUT', `/users/${EXTENSION}/scenarios`, { scenarios: wanted });
    changed.push(`set ${EXTENSION}'s scenarios`);
  }
  return { changed, tier: device.tier };
}

// ---- router's decision and Asterisk's AstDB -----------------------------------------------------

interface Decision {
  scenarioName: string;
  targetDial: string;
  targetName: string;
  reason: string;
  version: number;
}

async function routerDecision(): Promise<Decision | null> {
  const url = `${where.ops.router.url}/decisions/${EXTENSION}`;
  const r = await getJson<{ stored: Decision | null }>(url).catch(() => {
    throw new TryError(
      `router does not answer at ${url} (ROUTER_OPS_PORT): is \`npm start\` still running?`,
      UNAVAILABLE,
    );
  });
  return r.body.stored;
}

/** One AstDB value, asked of Asterisk through ami-bridge (AmiCommand DbGet on the bus); null = not set. */
async function astDbGet(nats: NatsClient, family: string, key: string): Promise<string | null> {
  const subject = busNames(where.prefix).amiCommand;
  const cmd = v1.AmiCommand.create({
    requestId: `try-${process.pid}-${Date.now()}`,
    orderKey: EXTENSION,
    timeoutMs: 3000,
    dbGet: v1.DbGet.create({ family, key }),
  });
  let reply: Uint8Array;
  try {
    reply = (
      await nats.nc.request(subject, encodeMessage(v1.AmiCommand, cmd, 'AmiCommand'), { timeout: 5000 })
    ).data;
  } catch (err) {
    throw new TryError(
      `ami-bridge does not answer on ${subject} (${err instanceof Error ? err.message : String(err)}): is \`npm start\` ` +
        'still running, with the same NATS_URL and SA_BUS_PREFIX?',
      UNAVAILABLE,
    );
  }
  const result = decodeMessage(v1.AmiResult, reply, 'AmiResult');
  if (result.ok) return result.fields?.Val ?? '';
  if (/not found|does not exist/i.test(`${result.message} ${result.response}`)) return null;
  throw new TryError(`Asterisk refused DBGet ${family}/${key}: ${result.errorCode} ${result.message}`);
}

// ---- the phone ------------------------------------------------------------------------------

interface Step {
  readonly title: string;
  readonly net: WifiNetwork;
  readonly expect: (typeof DESTINATIONS)[number];
}

async function main(): Promise<number> {
  await checkRunning();
  const { api, how } = await adminAccess();
  const { secret, keyId } = await phoneKey(api);
  say(`Trying Smart Assistant without a phone: this command plays phone ${DEVICE_ID} of user ${EXTENSION}.`);
  say(`admin (${where.admin}): signed in with ${how}.`);
  await introduce(api);
  const nats = await connectNats(where.nats, 'try-phone', createLogger('try-phone', 'silent')).catch(
    (err: unknown) => {
      throw new TryError(`${err instanceof Error ? err.message : String(err)}; ${START_HINT}`, UNAVAILABLE);
    },
  );
  try {
    const phone = new PhoneClient(
      { deviceId: DEVICE_ID, secret, keyId },
      { ...where.ingest, transport: 'udp' },
    );
    await untilIngestAnswers(phone, keyId);
    const steps: Step[] = [
      { title: 'The phone joins the Office Wi-Fi', net: O.office, expect: DESTINATIONS[0] },
      { title: 'The user walks into the conference room', net: O.conference, expect: DESTINATIONS[1] },
      {
        title: 'The user leaves: the phone is on a network admin does not know',
        net: AWAY,
        expect: DESTINATIONS[2],
      },
    ];
    for (const [i, step] of steps.entries()) {
      say();
      say(`${i + 1}. ${step.title} (reports SSID "${step.net.ssid}", BSSID ${step.net.bssid}).`);
      await walk(phone, step);
      await showAstDb(nats, step);
    }
  } finally {
    await nats.close();
  }
  say();
  say(
    `Done: three reports, three decisions, three AstDB writes. See the phone on the console's board at ${where.admin}; ` +
      `router explains every decision at ${where.ops.router.url}/decisions/${EXTENSION}.`,
  );
  return 0;
}

/** The key a phone encrypts with: admin's well-known default key unless TRY_PHONE_KEY says otherwise. */
async function phoneKey(api: AdminApi): Promise<{ secret: string; keyId: number }> {
  const secret = env.TRY_PHONE_KEY || O.serverKey;
  if (env.TRY_PHONE_KEY) return { secret, keyId: Number(env.TRY_PHONE_KEY_ID || O.keyId) };
  const keys = await api.request<{ items: { keyId: number; isDefault: boolean; state: string }[] }>(
    'GET',
    '/keys',
  );
  const defaultKey = keys.items.find((k) => k.isDefault && k.state !== 'retired');
  if (!defaultKey) {
    throw new TryError(
      `the default server key ${O.serverKey} was rotated away, so a phone cannot use it: set TRY_PHONE_KEY=<the active 16-character key> and TRY_PHONE_KEY_ID=<its key id>`,
    );
  }
  return { secret, keyId: defaultKey.keyId };
}

/** Provisions the demo user through the admin API and says what it has. */
async function introduce(api: AdminApi): Promise<void> {
  const { changed, tier } = await provision(api);
  if (changed.length === 0) say('Provisioned through the admin API: everything was already there.');
  else {
    say(`Provisioned through the admin API (${changed.length} changes; a second run changes nothing):`);
    for (const c of changed) say(`  + ${c}`);
  }
  say(
    `The demo user: phone ${DEVICE_ID} on extension ${EXTENSION} (${tier} tier: no licence needed to route calls),`,
  );
  say(`  destinations ${DESTINATIONS.map((d) => `${d.name} (dials ${d.dial})`).join(', ')},`);
  say(
    '  scenarios: "In a meeting" on the Conference Wi-Fi, "At my desk" on the Office Wi-Fi, "Away" anywhere else.',
  );
}

/** A new device reaches ingest through admin's outbox and the devices bucket: ask until it answers. */
async function untilIngestAnswers(phone: PhoneClient, keyId: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await phone.send({ ping: {} }, { timeoutMs: 500 })).replies.length === 0) {
    if (Date.now() > deadline) {
      throw new TryError(
        `ingest at udp ${where.ingest.host}:${where.ingest.port} (INGEST_PORT) does not answer phone ${DEVICE_ID} ` +
          `(key id ${keyId}) within 15 s: is \`npm start\` running, and is that key active?`,
        UNAVAILABLE,
      );
    }
  }
  say(`ingest (udp ${where.ingest.host}:${where.ingest.port}) answers the phone.`);
}

/**
 * A phone reports on every Wi-Fi change and then periodically; a new place needs two reports in a
 * row before router believes it (HYSTERESIS_REPORTS), so report until router has decided.
 */
async function walk(phone: PhoneClient, step: Step): Promise<void> {
  const deadline = Date.now() + 20_000;
  let decision: Decision | null = null;
  for (;;) {
    await phone.send({ presence: { connected: step.net, visible: [step.net] } }, { timeoutMs: 300 });
    decision = await routerDecision();
    if (decision?.targetDial === step.expect.dial) break;
    if (Date.now() > deadline) break;
    await sleep(200);
  }
  if (decision?.targetDial !== step.expect.dial) {
    throw new TryError(
      `router did not route ${EXTENSION} to ${step.expect.name} (${step.expect.dial}) within 20 s; it says: ` +
        (decision
          ? `"${decision.scenarioName}" -> ${decision.targetDial}, because ${decision.reason}`
          : 'no decision yet'),
    );
  }
  say(
    `   router decided: "${decision.scenarioName}" -> ${decision.targetName || decision.targetDial} (dials ${decision.targetDial})`,
  );
  say(`   because:        ${decision.reason}`);
}

/** Router writes AstDB right after deciding: read until Asterisk holds it, and show it. */
async function showAstDb(nats: NatsClient, step: Step): Promise<void> {
  let target: string | null;
  const writeDeadline = Date.now() + 10_000;
  for (;;) {
    target = await astDbGet(nats, 'SMARTASSISTANT', `${EXTENSION}/target`);
    if (target === step.expect.dial) break;
    if (Date.now() > writeDeadline) {
      throw new TryError(
        `Asterisk's AstDB holds SMARTASSISTANT/${EXTENSION}/target = ${target ?? '(not set)'} 10 s after router decided ${step.expect.dial}`,
      );
    }
    await sleep(100);
  }
  const scenario = await astDbGet(nats, 'SMARTASSISTANT', `${EXTENSION}/scenario`);
  say(
    `   Asterisk AstDB: SMARTASSISTANT/${EXTENSION}/target = ${target}, SMARTASSISTANT/${EXTENSION}/scenario = ${scenario ?? '(not set)'}`,
  );
  say(`                   (read back through ami-bridge: a call for ${EXTENSION} now goes to ${target})`);
}

let exitCode: number;
try {
  exitCode = await main();
} catch (err) {
  if (err instanceof TryError) {
    process.stderr.write(`✗ ${err.message}\n`);
    exitCode = err.exitCode;
  } else {
    process.stderr.write(`✗ npm run try failed: ${err instanceof Error ? err.message : String(err)}\n`);
    exitCode = 1;
  }
}
process.exit(exitCode);
