// bench:fleet --router-pause-s: router stopped (SIGSTOP) for that long during the measured phase, a
// router that fell behind. What the pause cost: the reports ingest published meanwhile (each one
// work router must do before it is current again) against those it answered without the bus, the
// backlog router found when it ran again, and how long it took to be current: every partition
// durable's acknowledged floor at or past the stream's last message at the moment it resumed.
import type { ChildProcess } from 'node:child_process';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { parsePartitionDurable } from '@sa/platform';
import { ingestReportCounts } from '../src/index.js';

export interface RouterPauseOutcome {
  readonly pauseS: number;
  /** reports ingest published while router was stopped */
  readonly publishedDuringPause: number;
  /** reports ingest answered without the bus meanwhile (unchanged, or repeats of a waiting one) */
  readonly unchangedDuringPause: number;
  /** stream messages router had not acknowledged when it ran again */
  readonly backlogAtResume: number;
  /** SIGCONT -> every durable acknowledged what the stream held at that moment */
  readonly catchUpS: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The lowest acknowledged floor over router's partition durables (null: none yet). */
async function lowestFloor(jsm: JetStreamManager, stream: string): Promise<number | null> {
  let lowest: number | null = null;
  for await (const c of jsm.consumers.list(stream)) {
    if (!parsePartitionDurable(c.name)) continue;
    lowest = Math.min(lowest ?? Number.POSITIVE_INFINITY, c.ack_floor.stream_seq);
  }
  return lowest;
}

export async function pauseRouter(o: {
  readonly router: ChildProcess;
  readonly natsUrl: string;
  readonly stream: string;
  readonly ingestOps: string;
  readonly afterS: number;
  readonly forS: number;
  readonly log: (msg: string) => void;
}): Promise<RouterPauseOutcome> {
  const nc = await connect({ servers: o.natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    await sleep(o.afterS * 1000);
    const before = await ingestReportCounts(o.ingestOps);
    o.router.kill('SIGSTOP');
    o.log(`router stopped for ${o.forS} s`);
    try {
      await sleep(o.forS * 1000);
    } finally {
      o.router.kill('SIGCONT');
    }
    const resumedAt = performance.now();
    const after = await ingestReportCounts(o.ingestOps);
    const lastSeq = (await jsm.streams.info(o.stream)).state.last_seq;
    const floor = (await lowestFloor(jsm, o.stream)) ?? 0;
    let catchUpS: number | null = null;
    while (performance.now() - resumedAt < 120_000) {
      if (((await lowestFloor(jsm, o.stream)) ?? 0) >= lastSeq) {
        catchUpS = Math.round((performance.now() - resumedAt) / 100) / 10;
        break;
      }
      await sleep(100);
    }
    o.log(`router current again ${catchUpS ?? '(not within 120)'} s after it resumed`);
    return {
      pauseS: o.forS,
      publishedDuringPause: after.published - before.published,
      unchangedDuringPause: after.unchanged - before.unchanged,
      backlogAtResume: Math.max(0, lastSeq - floor),
      catchUpS,
    };
  } finally {
    await nc.close();
  }
}
