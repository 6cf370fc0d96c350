import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeState } from '../src/routing/state-codec.js';
import { CONF_AP, Harness, OFFICE_AP, waitFor } from './harness.js';

const USERS = Array.from({ length: 20 }, (_, i) => String(400 + i));
const ROUNDS = 15;

async function allApplied(h: Harness, lastCounter: number): Promise<boolean> {
  for (const ext of USERS) {
    const raw = await h.storedState(ext);
    if (!raw || decodeState(raw).state.devices.find((d) => d.id === `D${ext}`)?.counter !== lastCounter)
      return false;
  }
  return true;
}

/** Publishes ROUNDS reports per user alternating Office / Conference, ending at Conference (odd). */
async function publishRounds(h: Harness, from = 1, to = ROUNDS): Promise<void> {
  for (let c = from; c <= to; c++) {
    for (const ext of USERS) await h.presence(ext, `D${ext}`, c, c % 2 === 1 ? CONF_AP : OFFICE_AP);
  }
}

describe('router instances sharing the phone stream', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness().setup();
    for (const ext of USERS) await h.putConfig(ext);
  });
  after(() => h.teardown());

  test('given two routers with two partitions, then each owns one and every user ends in the last state', async () => {
    const env = { ROUTER_PARTITIONS: '2', HYSTERESIS_REPORTS: '1' };
    await h.startRouter({ ...env, ROUTER_INSTANCE_ID: 'router-a' });
    await h.startRouter({ ...env, ROUTER_INSTANCE_ID: 'router-b' });
    const leases = [`{sa:${h.prefix}:p0}:lease`, `{sa:${h.prefix}:p1}:lease`];
    await waitFor(async () => {
      const o = await h.redis.mget(...leases);
      return o[0] && o[1] && o[0] !== o[1];
    }, 'the two partitions spread over the two routers');
    await publishRounds(h);
    await waitFor(() => allApplied(h, ROUNDS), 'every event applied');
    for (const ext of USERS) {
      const s = decodeState((await h.storedState(ext))!).state;
      assert.equal(s.decision?.scenarioId, 'conference', ext);
      await waitFor(() => h.lastAstDb(ext) === '299', `AstDB of ${ext} holds the last target`);
    }
    const owners = await h.redis.mget(`{sa:${h.prefix}:p0}:lease`, `{sa:${h.prefix}:p1}:lease`);
    assert.ok(owners[0] && owners[1] && owners[0] !== owners[1], `two owners: ${owners.join(',')}`);
  });

  test('given calls spread over both routers (owner answers from memory, the other from Redis), when targets change, then every answer is the committed target', async () => {
    const answers = async (want: (ext: string) => string) => {
      for (let round = 0; round < 3; round++) {
        const replies = await Promise.all(USERS.map((ext) => h.callArrived(ext, `c${round}-${ext}`)));
        for (const [i, r] of replies.entries()) assert.equal(r.targetDial, want(USERS[i]!), USERS[i]);
      }
    };
    await answers(() => '299');
    for (const ext of USERS) await h.presence(ext, `D${ext}`, ROUNDS + 1, OFFICE_AP);
    await waitFor(() => allApplied(h, ROUNDS + 1), 'the office round applied');
    // the owner updates its memory when the commit's reply arrives, a moment after Redis has it
    await waitFor(async () => {
      const replies = await Promise.all(USERS.map((ext) => h.callArrived(ext, `w-${ext}`)));
      return replies.every((r, i) => r.targetDial === USERS[i]);
    }, 'calls see the office target');
    await answers((ext) => ext);
  });
});

describe('a router killed mid-stream', () => {
  let h: Harness;
  let child: ChildProcess | null = null;
  before(async () => {
    h = await new Harness().setup();
    for (const ext of USERS) await h.putConfig(ext);
  });
  after(async () => {
    child?.kill('SIGKILL');
    await h.teardown();
  });

  const start = (): ChildProcess =>
    spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'src', 'main.ts')], {
      env: { ...process.env, ...h.env({ HYSTERESIS_REPORTS: '1', ROUTER_BATCH_MAX: '7' }) },
      stdio: 'ignore',
    });

  test('given SIGKILL while events flow, when restarted, then no event is lost', async () => {
    child = start();
    await publishRounds(h, 1, 5);
    await waitFor(async () => {
      const raw = await h.storedState(USERS[0]!);
      return raw !== null;
    }, 'the first router committed something');
    const publishing = publishRounds(h, 6, ROUNDS);
    child.kill('SIGKILL');
    await publishing;
    child = start();
    await waitFor(() => allApplied(h, ROUNDS), 'every event applied after restart', 30_000);
    for (const ext of USERS) await waitFor(() => h.lastAstDb(ext) === '299', `AstDB of ${ext}`);
    child.kill('SIGTERM');
    await new Promise((r) => child?.once('exit', r));
    child = null;
  });
});

describe('a router that dies while it owns partitions', () => {
  let h: Harness;
  const children: ChildProcess[] = [];
  before(async () => {
    h = await new Harness().setup();
    for (const ext of USERS) await h.putConfig(ext);
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await h.teardown();
  });

  const LEASE_MS = 3000;
  const leaseKeys = () => [0, 1].map((p) => `{sa:${h.prefix}:p${p}}:lease`);
  const start = (id: string): ChildProcess => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '..', 'src', 'main.ts')],
      {
        env: {
          ...process.env,
          ...h.env({
            HYSTERESIS_REPORTS: '1',
            ROUTER_PARTITIONS: '2',
            ROUTER_INSTANCE_ID: id,
            ROUTER_LEASE_MS: String(LEASE_MS),
          }),
        },
        stdio: 'ignore',
      },
    );
    children.push(child);
    return child;
  };

  test('given two routers, when the owner of a partition is SIGKILLed, then the other takes it over within 5 s and routes its users', async () => {
    const a = start('router-a');
    start('router-b');
    await waitFor(
      async () => {
        const o = await h.redis.mget(...leaseKeys());
        return o[0] && o[1] && o[0] !== o[1];
      },
      'the two partitions spread over the two routers',
      30_000,
    );
    await publishRounds(h, 1, 1);
    await waitFor(() => allApplied(h, 1), 'both routers applied the first round', 30_000);

    const killedAt = Date.now();
    a.kill('SIGKILL');
    // the lease of router-a runs out, then router-b's next round (every lease / 3) takes it
    await waitFor(
      async () => {
        const o = await h.redis.mget(...leaseKeys());
        return o.every((owner) => owner?.includes('router-b'));
      },
      'router-b owns both partitions',
      15_000,
    );
    const takeoverMs = Date.now() - killedAt;
    assert.ok(takeoverMs <= 5000, `taken over in ${takeoverMs} ms (lease ${LEASE_MS} ms)`);

    // every user, whichever partition, is routed again: the next reports reach AstDB
    await publishRounds(h, 2, 3);
    await waitFor(() => allApplied(h, 3), 'router-b applied every user after the takeover', 30_000);
    for (const ext of USERS) await waitFor(() => h.lastAstDb(ext) === '299', `AstDB of ${ext}`);
  });
});
