// Writes a user's target into AstDB through ami-bridge (AmiCommand request/reply, order_key =
// extension so ami-bridge serialises one user's commands). What is written comes from the
// deployment's write plan (domain/followme.ts: our SMARTASSISTANT keys and/or the FreePBX
// Follow-Me keys), stage after confirmed stage. Empty dial = delete our key, so the dialplan
// falls back to the extension's normal handling. Also redirects a still-ringing call, and reads
// AstDB keys (DbShowKey: `database showkey <key>`) for the Follow-Me check.
//
// Requests are pipelined over one reply subscription (`<inbox>.<n>`) instead of nc.request: the
// client library allocates two Error objects (stack traces) and a timer per request, which was
// the largest single cost when every presence event changed a target. Timeouts are checked by one
// timer; replies are matched by subject; a "no responders" status fails the request at once.
// Commands issued in one event-loop turn leave in one socket write (CoalescingPublisher).
import { connectionInbox, type NatsConnection } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, type smartassistant, v1 } from '@sa/proto';
import type { AstDbEntry } from '../../domain/ampuser-snapshot.js';
import { type AstDbWrite, targetWritePlan } from '../../domain/followme.js';
import type { Decision } from '../../domain/types.js';
import { RouterError } from '../../errors.js';
import type { AstDbReader, AstDbWriter } from '../../routing/ports.js';
import { CoalescingPublisher } from './coalescing-publisher.js';

export { ASTDB_FAMILY } from '../../domain/followme.js';

/** Plans the writes of one target change (default: our own keys only). */
export type WritePlanner = (extension: string, d: Decision) => AstDbWrite[][];

const ownKeysOnly: WritePlanner = (extension, d) =>
  targetWritePlan(
    { extension, targetDial: d.targetDial, scenarioName: d.scenarioName },
    'astdb',
    { grptime: 0, prering: 0, fallbackIsExtension: () => true },
    null,
  );

const SHOW_KEY_ORDER = 'astdb-showkey';

type Action =
  | { dbPut: ReturnType<typeof v1.DbPut.create> }
  | { dbDel: ReturnType<typeof v1.DbDel.create> }
  | { redirect: ReturnType<typeof v1.Redirect.create> }
  | { dbShowKey: ReturnType<typeof v1.DbShowKey.create> };

interface Pending {
  readonly deadline: number;
  readonly extension: string;
  readonly isDelete: boolean;
  readonly resolve: (result: smartassistant.v1.IAmiResult) => void;
  readonly reject: (err: Error) => void;
}

export class NatsAmiCommander implements AstDbWriter, AstDbReader {
  private seq = 0;
  /** under the connection's inbox prefix: router's bus user may subscribe to its own inboxes only */
  private readonly inbox: string;
  private readonly pending = new Map<string, Pending>();
  private readonly sub: { unsubscribe(): void };
  private timer: NodeJS.Timeout | null = null;
  private readonly out: CoalescingPublisher;

  constructor(
    nc: NatsConnection,
    private readonly names: BusNames,
    private readonly timeoutMs: number,
    private readonly plan: WritePlanner = ownKeysOnly,
  ) {
    this.inbox = connectionInbox(nc);
    this.out = new CoalescingPublisher(nc);
    const prefixLength = this.inbox.length + 1;
    this.sub = nc.subscribe(`${this.inbox}.*`, {
      callback: (_err, m) => {
        const id = m.subject.slice(prefixLength);
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        if (m.headers?.code === 503) {
          p.reject(
            new RouterError('ROUTER_AMI_UNREACHABLE', 'no ami-bridge is listening', {
              extension: p.extension,
            }),
          );
          return;
        }
        try {
          const result = decodeMessage(v1.AmiResult, m.data, 'AmiResult');
          // deleting a key that does not exist is fine
          if (!result.ok && !p.isDelete) {
            p.reject(
              new RouterError(
                'ROUTER_AMI_COMMAND_FAILED',
                `ami-bridge refused: ${result.errorCode} ${result.message}`,
                { extension: p.extension },
              ),
            );
          } else p.resolve(result);
        } catch (err) {
          p.reject(err as Error);
        }
      },
    });
  }

  async writeTarget(extension: string, d: Decision): Promise<void> {
    for (const stage of this.plan(extension, d)) {
      await Promise.all(
        stage.map((w) =>
          this.send(
            extension,
            w.value === null
              ? { dbDel: v1.DbDel.create({ family: w.family, key: w.key }) }
              : { dbPut: v1.DbPut.create({ family: w.family, key: w.key, value: w.value }) },
          ),
        ),
      );
    }
  }

  /** Sends a channel to <context>,<exten>,<priority> (ordered with the user's AstDB writes). */
  async redirect(
    extension: string,
    channel: string,
    context: string,
    exten: string,
    priority: number,
  ): Promise<void> {
    await this.send(extension, { redirect: v1.Redirect.create({ channel, context, exten, priority }) });
  }

  /**
   * Every AstDB entry whose key ends in /<key> (one AMI Command in ami-bridge; reads share one order
   * key, so ami-bridge runs them one at a time).
   */
  async showKey(key: string): Promise<AstDbEntry[]> {
    const r = await this.send(SHOW_KEY_ORDER, { dbShowKey: v1.DbShowKey.create({ key }) });
    return (r.dbEntries ?? []).map((e) => ({ key: e.key ?? '', value: e.value ?? '' }));
  }

  private send(extension: string, action: Action): Promise<smartassistant.v1.IAmiResult> {
    const id = String(++this.seq);
    const cmd = v1.AmiCommand.create({
      requestId: `router-${process.pid}-${id}`,
      orderKey: extension,
      timeoutMs: this.timeoutMs,
      ...action,
    });
    const data = encodeMessage(v1.AmiCommand, cmd, 'AmiCommand');
    return new Promise<smartassistant.v1.IAmiResult>((resolve, reject) => {
      this.pending.set(id, {
        deadline: Date.now() + this.timeoutMs,
        extension,
        isDelete: 'dbDel' in action,
        resolve,
        reject,
      });
      this.timer ??= setInterval(() => this.expire(), Math.max(10, Math.min(100, this.timeoutMs / 4)));
      this.out.publish(this.names.amiCommand, data, `${this.inbox}.${id}`, (err) => {
        this.pending.delete(id);
        reject(err);
      });
    });
  }

  /** Requests are added with the same timeout, so the map's insertion order is deadline order. */
  private expire(): void {
    const now = Date.now();
    for (const [id, p] of this.pending) {
      if (p.deadline > now) break;
      this.pending.delete(id);
      p.reject(
        new RouterError('ROUTER_AMI_UNREACHABLE', `ami-bridge did not answer in ${this.timeoutMs} ms`, {
          extension: p.extension,
        }),
      );
    }
    if (this.pending.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Fails whatever is still waiting (router stopping). */
  close(): void {
    this.sub.unsubscribe();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const p of this.pending.values())
      p.reject(new RouterError('ROUTER_AMI_UNREACHABLE', 'router stopping', { extension: p.extension }));
    this.pending.clear();
  }
}
