// bench:fleet's split of a slow move (report of a move -> DBPut of its new target): when ingest
// published the report (a core-NATS listener on the phone subjects sees it as the stream does), when
// router had applied and committed it (its DeviceReported), when router sent its AmiCommand to
// ami-bridge, and when the AMI test server got the DBPut. Listens on the machine's NATS; `slowMoves`
// in the JSON line gives the medians of each hop over the moves slower than SLOW_MS, so a latency
// tail shows where it lies.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type BusNames, decodeMessage, v1 } from '@sa/proto';

const SLOW_MS = 250;

export interface SlowMove {
  readonly extension: string;
  readonly sentAtMs: number;
  readonly dbPutAtMs: number;
}

const median = (xs: number[]) =>
  xs.length === 0 ? null : xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export class MoveTimeline {
  private nc: NatsConnection | null = null;
  private readonly published = new Map<string, number[]>();
  /** router's DeviceReported: the report applied and committed */
  private readonly applied = new Map<string, number[]>();
  private readonly commanded = new Map<string, number[]>();

  async start(natsUrl: string, names: BusNames): Promise<void> {
    const nc = await connect({ servers: natsUrl });
    this.nc = nc;
    const note = (into: Map<string, number[]>, extension: string) => {
      const at = Date.now();
      const list = into.get(extension);
      if (list) list.push(at);
      else into.set(extension, [at]);
    };
    nc.subscribe(names.presence('*'), {
      callback: (_err, m) => note(this.published, m.subject.slice(m.subject.lastIndexOf('.') + 1)),
    });
    nc.subscribe(names.deviceReportedAll, {
      callback: (_err, m) => note(this.applied, m.subject.slice(m.subject.lastIndexOf('.') + 1)),
    });
    nc.subscribe(names.amiCommand, {
      callback: (_err, m) => {
        try {
          const cmd = decodeMessage(v1.AmiCommand, m.data, 'AmiCommand');
          if (cmd.dbPut) note(this.commanded, cmd.orderKey ?? '');
        } catch {
          // not ours to judge: ami-bridge counts undecodable commands
        }
      },
    });
    await nc.flush();
  }

  async stop(): Promise<void> {
    await this.nc?.close();
  }

  static isSlow(latencyMs: number): boolean {
    return latencyMs > SLOW_MS;
  }

  /** Medians over the slow moves of: report sent -> published, -> AmiCommand sent, -> DBPut. */
  split(slow: readonly SlowMove[]) {
    const toPublish: number[] = [];
    const toApplied: number[] = [];
    const toCommand: number[] = [];
    const toDbPut: number[] = [];
    for (const m of slow) {
      const published = this.published.get(m.extension)?.find((t) => t >= m.sentAtMs);
      if (published === undefined) continue;
      const commanded = this.commanded.get(m.extension)?.find((t) => t >= published);
      toPublish.push(published - m.sentAtMs);
      const applied = this.applied.get(m.extension)?.find((t) => t >= published);
      if (applied !== undefined) toApplied.push(applied - published);
      if (commanded === undefined || commanded > m.dbPutAtMs) continue;
      toCommand.push(commanded - published);
      toDbPut.push(m.dbPutAtMs - commanded);
    }
    return {
      count: slow.length,
      thresholdMs: SLOW_MS,
      sentToPublishedP50: median(toPublish),
      publishedToAppliedP50: median(toApplied),
      publishedToAmiCommandP50: median(toCommand),
      amiCommandToDbPutP50: median(toDbPut),
      sample: slow.slice(0, 5),
    };
  }
}
