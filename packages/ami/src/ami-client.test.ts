// The @sa/ami client against the AMI test server (real TCP): correlation, lists, login and reconnects.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AmiMessage, isAmiError } from '@sa/ami-protocol';
import { waitFor } from '@sa/testkit';
import { AmiTestServer } from '@sa/testkit/ami';
import { AmiClient, type AmiClientOptions } from './ami-client.js';

function client(server: AmiTestServer, extra: Partial<AmiClientOptions> = {}): AmiClient {
  return new AmiClient({
    host: server.host,
    port: server.port,
    username: 'smartassistant',
    secret: 'amisecret',
    events: 'on',
    actionTimeoutMs: 1000,
    connectTimeoutMs: 1000,
    keepaliveMs: 0,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    ...extra,
  });
}

function nextEvent<T extends unknown[]>(
  c: AmiClient,
  name: 'connected' | 'disconnected' | 'loginFailed',
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} within ${timeoutMs} ms`)), timeoutMs);
    c.once(name, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    });
  });
}

describe('AmiClient against the AMI test server', () => {
  test('given a logged-in client, when DBPut then DBGet run, then DBGet collects the list into one result', async () => {
    await using server = await AmiTestServer.start();
    const c = client(server);
    c.start();
    await c.waitReady();
    await c.action('DBPut', { Family: 'SMARTASSISTANT', Key: '230/target', Val: 'Room: 1' });
    const r = await c.action('DBGet', { Family: 'SMARTASSISTANT', Key: '230/target' });
    assert.equal(r.events.length, 1);
    assert.equal(r.events[0]?.get('Val'), 'Room: 1');
    assert.equal(r.complete?.event, 'DBGetComplete');
    await c.close();
  });

  test('given a missing key, when DBGet runs, then it rejects with AMI_ACTION_FAILED carrying the Asterisk message', async () => {
    await using server = await AmiTestServer.start();
    const c = client(server);
    c.start();
    await c.waitReady();
    await assert.rejects(
      c.action('DBGet', { Family: 'X', Key: 'nope' }),
      (e) => isAmiError(e, 'AMI_ACTION_FAILED') && e.message === 'Database entry not found',
    );
    const soft = await c.action('DBGet', { Family: 'X', Key: 'nope' }, { acceptError: true });
    assert.equal(soft.response.response, 'Error');
    await c.close();
  });

  test('given MD5 auth, when the client starts, then it logs in via Challenge and never sends the secret', async () => {
    await using server = await AmiTestServer.start();
    const c = client(server, { authType: 'md5' });
    c.start();
    await c.waitReady();
    const login = server.actions('Login')[0];
    assert.equal(login?.get('Secret'), undefined);
    assert.equal(login?.get('AuthType'), 'MD5');
    await c.close();
  });

  test('given an event mask of call, when user and call events are emitted, then only call events reach the listener', async () => {
    await using server = await AmiTestServer.start();
    const c = client(server, { events: 'call' });
    const seen: string[] = [];
    c.on('event', (e) => seen.push(e.event ?? ''));
    c.start();
    await c.waitReady();
    assert.equal(server.actions('Login')[0]?.get('Events'), 'call');
    server.emitEvent({ Event: 'UserEvent', Privilege: 'user,all', UserEvent: 'Nope' });
    server.emitEvent({ Event: 'Hangup', Privilege: 'call,all', Channel: 'X' });
    await waitFor(() => seen.includes('Hangup'), { timeoutMs: 2000, what: 'Hangup' });
    assert.deepEqual(seen, ['Hangup']);
    await c.close();
  });

  test('given a client that is not ready, when an action is sent, then it fails at once with AMI_NOT_CONNECTED', async () => {
    await using server = await AmiTestServer.start();
    const c = client(server);
    await assert.rejects(c.action('Ping'), (e) => isAmiError(e, 'AMI_NOT_CONNECTED'));
  });

  test('given keepalive, when the client connects, then Ping is only sent after the Login succeeded', async () => {
    await using server = await AmiTestServer.start();
    const c = client(server, { keepaliveMs: 30 });
    c.start();
    await server.waitForAction((m) => m.get('Action') === 'Ping');
    const order = server.received.map((r) => r.message.get('Action'));
    assert.equal(order[0], 'Login');
    await c.close();
  });
});

describe('AmiClient reconnects', () => {
  test('given an action in flight, when the server drops the connection, then it fails with AMI_DISCONNECTED and the client reconnects with the same listeners', async () => {
    await using server = await AmiTestServer.start();
    const c = client(server);
    const events: AmiMessage[] = [];
    c.on('event', (e) => events.push(e));
    c.start();
    await c.waitReady();
    server.stall();
    const inFlight = c.action('DBPut', { Family: 'F', Key: 'k', Val: 'v' }, { timeoutMs: 5000 });
    await server.waitFor(() => (server.stalledBytes > 0 ? true : undefined), 2000, 'action bytes');
    const disconnected = nextEvent<[{ reason: string }]>(c, 'disconnected');
    const connected = nextEvent<[{ session: number }]>(c, 'connected');
    server.resume();
    server.dropConnections();
    await assert.rejects(inFlight, (e) => isAmiError(e, 'AMI_DISCONNECTED'));
    await disconnected;
    assert.equal((await connected)[0].session, 2);
    server.emitEvent({ Event: 'UserEvent', Privilege: 'user,all', UserEvent: 'AfterReconnect' });
    const after = await waitFor(() => events.find((e) => e.event === 'UserEvent'), {
      timeoutMs: 2000,
      what: 'event after reconnect',
    });
    assert.equal(after.get('UserEvent'), 'AfterReconnect');
    await c.close();
  });

  test('given a stalled server, when an action and the keepalive get no answer, then the action times out and the client reconnects', async () => {
    await using server = await AmiTestServer.start();
    const c = client(server, { keepaliveMs: 100, actionTimeoutMs: 200 });
    c.start();
    await c.waitReady();
    server.stall();
    await assert.rejects(c.action('Ping'), (e) => isAmiError(e, 'AMI_ACTION_TIMEOUT'));
    const disconnected = await nextEvent<[{ reason: string }]>(c, 'disconnected');
    assert.match(disconnected[0].reason, /keepalive/);
    server.resume();
    await c.waitReady(5000);
    assert.ok(c.session >= 2);
    await c.close();
  });

  test('given the server refuses logins, when it accepts again, then the client keeps retrying with backoff and becomes ready', async () => {
    await using server = await AmiTestServer.start();
    server.refuseLogin = true;
    const c = client(server);
    const failed = nextEvent<[Error]>(c, 'loginFailed');
    c.start();
    assert.ok(isAmiError((await failed)[0], 'AMI_LOGIN_FAILED'));
    await server.waitFor(
      () => (server.actions('Login').length >= 2 ? true : undefined),
      5000,
      'a second login',
    );
    server.refuseLogin = false;
    await c.waitReady(5000);
    await c.close();
  });

  test('given a ready client, when the server restarts on the same port, then AmiDisconnected and a new connected session follow', async () => {
    await using server = await AmiTestServer.start();
    const c = client(server);
    c.start();
    await c.waitReady();
    const disconnected = nextEvent(c, 'disconnected');
    const connected = nextEvent<[{ session: number }]>(c, 'connected');
    await server.restart(150);
    await disconnected;
    assert.equal((await connected)[0].session, 2);
    await c.action('Ping');
    await c.close();
  });

  test('given a long reconnect wait, when close() is called, then it returns promptly and no further connection is attempted', async () => {
    const server = await AmiTestServer.start();
    const c = client(server, { reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    c.start();
    await c.waitReady();
    const port = server.port;
    await server.stop();
    await waitFor(() => c.state === 'reconnecting', { timeoutMs: 2000, what: 'reconnecting' });
    const started = Date.now();
    await c.close();
    assert.equal(c.state, 'closed');
    assert.ok(Date.now() - started < 1000);
    const again = await AmiTestServer.start({ port });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(again.sessions.size, 0);
    await again.stop();
  });
});
