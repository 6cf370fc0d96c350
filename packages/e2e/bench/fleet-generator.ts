// The fleet bench's load generator, a child process of bench-fleet.ts (forked, so its CPU is measured
// apart from the system's). Every phone reports its presence over UDP with its own enrolled key, once
// per interval with jitter: the first reports spread uniformly over the warm-up, then each next one
// intervalS * (1 ± jitterPct/100) after the previous one was due. The measured phase starts when the
// bench asks (once the first reports' targets are in AstDB), at the end of the warm-up at the
// earliest; until then reports go on unmeasured. In the measured phase a report comes from the other
// place with probability moversPct; stopAtS into it a random stalePct of the phones go silent. Every reply is opened with the phone's key and counted by status. Reports are sent from
// a timing wheel of 10 ms buckets, so a million phones cost no more per report than a thousand.
// The warm-up may be shorter than the interval: each phone's next report then falls at a uniformly
// random point of the measured phase's first interval, so the measured rate is steady from its start.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { defaultPadding, type RequestBody } from '@sa/phone-client';
import { deriveEnvelopeKey, openReply, parseEnvelope, sealRequest } from '@sa/phone-protocol';
import { v1 } from '@sa/proto';
import {
  type FleetPhone,
  type FromGenerator,
  type GeneratorSettings,
  initialPlace,
  type PhaseStats,
  PLACES,
  type ToGenerator,
} from './fleet-model.js';
import { quantileOf } from './process-cpu.js';

const BUCKET_MS = 10;
const TICK_MS = 5;
const MOVES_FLUSH_MS = 50;
/** latency samples kept per phase (enough for p99 of any run here) */
const MAX_SAMPLES = 2_000_000;
const OK = v1.ReplyStatus.REPLY_STATUS_OK;

const tell = (m: FromGenerator) => process.send?.(m);

class PhaseCounter {
  sent = 0;
  ok = 0;
  unreadable = 0;
  readonly notOk: Record<string, number> = {};
  readonly latencies: number[] = [];

  stats(): PhaseStats {
    return {
      sent: this.sent,
      ok: this.ok,
      notOk: this.notOk,
      unreadable: this.unreadable,
      replyP50Ms: quantileOf(this.latencies, 0.5),
      replyP99Ms: quantileOf(this.latencies, 0.99),
    };
  }
}

async function run(s: GeneratorSettings): Promise<void> {
  const phones = JSON.parse(readFileSync(s.phonesFile, 'utf8')) as FleetPhone[];
  const n = phones.length;
  const t0 = performance.now();
  const keys = phones.map((p) => deriveEnvelopeKey(p.secret, p.deviceId));
  const indexOf = new Map(phones.map((p, i) => [p.deviceId, i]));
  tell({ type: 'ready', keysDerivedMs: Math.round(performance.now() - t0) });

  const place = Uint8Array.from({ length: n }, (_, i) => initialPlace(i));
  const battery = Uint8Array.from({ length: n }, (_, i) => 40 + (i % 60));
  const dueAt = new Float64Array(n);
  const lastCounter = new Float64Array(n);
  const awaited = new Float64Array(n).fill(-1); // counter of the report awaiting its reply
  const sentAt = new Float64Array(n);
  const phaseOf = new Uint8Array(n);
  const stopped = new Uint8Array(n);
  const lastSentWall = new Float64Array(n);
  const phases = [new PhaseCounter(), new PhaseCounter()] as const;
  let stray = 0;
  let late = 0;

  const socket = createSocket({
    type: 'udp4',
    recvBufferSize: 32 * 1024 * 1024,
    sendBufferSize: 32 * 1024 * 1024,
  });
  socket.on('message', (reply: Buffer) => {
    const parsed = parseEnvelope(reply, true);
    const i = parsed.ok ? indexOf.get(parsed.header.deviceId) : undefined;
    if (!parsed.ok || i === undefined) {
      stray++;
      return;
    }
    if (parsed.header.counter !== awaited[i]) {
      stray++; // a reply to an older report, or a second one
      return;
    }
    awaited[i] = -1;
    const phase = phases[phaseOf[i]!]!;
    const opened = openReply(keys[i]!, reply);
    if (!opened.ok) {
      phase.unreadable++;
      return;
    }
    if (phase.latencies.length < MAX_SAMPLES) phase.latencies.push(performance.now() - sentAt[i]!);
    const status = opened.reply.status ?? 0;
    if (status === OK) phase.ok++;
    else phase.notOk[status] = (phase.notOk[status] ?? 0) + 1;
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  await new Promise<void>((r) => socket.connect(s.port, s.host, () => r()));

  const intervalMs = s.intervalS * 1000;
  // a bucket boundary, so that every phone's second report falls in a later bucket than its first
  const warmupMs = Math.ceil((s.warmupS * 1000) / BUCKET_MS) * BUCKET_MS;
  const runMs = s.runS * 1000;
  const jitter = s.jitterPct / 100;
  const moverChance = s.moversPct / 100;
  const span = Math.ceil((warmupMs + intervalMs * (1 + jitter)) / BUCKET_MS) + 2;
  const wheel: number[][] = Array.from({ length: span }, () => []);
  const schedule = (i: number, atMs: number) => {
    dueAt[i] = atMs;
    // never into the bucket being sent (it would wait a whole turn of the wheel)
    wheel[Math.max(cursor + 1, Math.floor(atMs / BUCKET_MS)) % span]!.push(i);
  };
  let cursor = 0;
  for (let i = 0; i < n; i++) schedule(i, Math.random() * warmupMs);

  let moves: number[] = [];
  const flushMoves = () => {
    if (moves.length === 0) return;
    tell({ type: 'moves', moves });
    moves = [];
  };
  const movesTimer = setInterval(flushMoves, MOVES_FLUSH_MS);

  const report = (i: number, measured: boolean) => {
    const now = Date.now();
    const counter = Math.max(now, lastCounter[i]! + 1);
    lastCounter[i] = counter;
    if (measured && Math.random() < moverChance) {
      place[i] = place[i]! ^ 1;
      moves.push(i, place[i]!, now);
    }
    const at = PLACES[place[i]!]!;
    const wobble = () => Math.round(Math.random() * 6) - 3;
    const bssid = at.bssids[i % at.bssids.length]!;
    const neighbour = at.bssids[(i + 1) % at.bssids.length]!;
    const connected = { ssid: at.ssid, bssid, rssiDbm: -48 - (i % 10) + wobble() };
    if (battery[i]! > 5 && Math.random() < 0.05) battery[i] = battery[i]! - 1;
    const body: RequestBody = {
      presence: {
        connected,
        visible: [connected, { ssid: at.ssid, bssid: neighbour, rssiDbm: -66 + wobble() }],
        batteryPct: battery[i]!,
      },
    };
    const deviceId = phones[i]!.deviceId;
    const packet = sealRequest({
      key: keys[i]!,
      keyId: phones[i]!.keyId,
      deviceId,
      counter,
      timestampMs: now,
      body,
      padTo: defaultPadding(deviceId, body),
    });
    const phase = measured ? 1 : 0;
    phases[phase].sent++;
    phaseOf[i] = phase;
    awaited[i] = counter;
    sentAt[i] = performance.now();
    lastSentWall[i] = now;
    socket.send(packet);
  };

  const stopSample = () => {
    const count = Math.max(1, Math.round((n * s.stalePct) / 100));
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const stops: number[] = [];
    for (let k = 0; k < Math.min(count, n); k++) {
      const j = k + Math.floor(Math.random() * (n - k));
      const i = order[j]!;
      order[j] = order[k]!;
      order[k] = i;
      stopped[i] = 1;
      stops.push(i, lastSentWall[i]!);
    }
    tell({ type: 'stops', stops });
  };

  const reported = new Uint8Array(n);
  const start = performance.now();
  let measuring = false;
  let measureFromMs = 0;
  let firstReportsSent = false;
  let measureRequested = false;
  requestMeasure = () => {
    measureRequested = true;
  };
  let stoppedYet = s.stalePct <= 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const target = Math.floor((performance.now() - start) / BUCKET_MS);
      while (cursor <= target) {
        const bucketMs = cursor * BUCKET_MS;
        if (measuring && bucketMs >= measureFromMs + runMs) {
          resolve();
          return;
        }
        if (!firstReportsSent && bucketMs >= warmupMs) {
          firstReportsSent = true;
          tell({ type: 'firstReportsSent', atMs: Date.now() });
        }
        if (!measuring && measureRequested && bucketMs >= warmupMs) {
          measuring = true;
          measureFromMs = bucketMs;
          tell({ type: 'measuring', atMs: Date.now() });
        }
        if (measuring && !stoppedYet && bucketMs >= measureFromMs + s.stopAtS * 1000) {
          stoppedYet = true;
          stopSample();
        }
        const slot = wheel[cursor % span]!;
        wheel[cursor % span] = [];
        const nowRel = performance.now() - start;
        for (const i of slot) {
          if (stopped[i]) continue;
          if (nowRel - dueAt[i]! > 1000) late++;
          report(i, measuring);
          // after its first report, each phone takes its own phase in the interval after the warm-up
          schedule(
            i,
            reported[i]
              ? dueAt[i]! + intervalMs * (1 + (Math.random() * 2 - 1) * jitter)
              : warmupMs + Math.random() * intervalMs,
          );
          reported[i] = 1;
        }
        cursor++;
      }
      setTimeout(tick, TICK_MS);
    };
    tick();
  });
  const runSeconds = (performance.now() - start - measureFromMs) / 1000;
  flushMoves();
  tell({ type: 'sendingEnded', atMs: Date.now() });
  await new Promise((r) => setTimeout(r, s.tailS * 1000));
  clearInterval(movesTimer);
  socket.close();
  if (stray > 0) process.stderr.write(`[fleet-generator] ${stray} stray replies\n`);
  tell({
    type: 'done',
    warmup: phases[0].stats(),
    run: phases[1].stats(),
    runSeconds,
    lateReports: late,
  });
}

let requestMeasure = () => {};

process.on('message', (m: ToGenerator) => {
  if (m.type === 'measure') requestMeasure();
  if (m.type !== 'start') return;
  run(m.settings).catch((err: unknown) => {
    console.error('[fleet-generator]', err);
    process.exit(1);
  });
});
// the bench ends this process by disconnecting (or exiting)
process.on('disconnect', () => process.exit(0));
