// Resets a device's replay state by asking ingest (<p>.v1.ingest.replay.reset, request/reply).
// ingest owns that state in its Redis under its own REDIS_KEY_PREFIX (`<SA_BUS_PREFIX>:ingest:` by
// default), so admin never touches Redis: no Redis credentials here, and no prefix to keep in step.
// The cost: ingest must be running (otherwise ADMIN_INGEST_UNAVAILABLE, and nothing changed).
// Audited after ingest confirmed, with the counter it forgot.
import type { NatsConnection } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import { AdminError } from '../../errors.js';
import type { ChangeRunner } from '../pg/change-set.js';

export interface ReplayResetResult {
  readonly deviceId: string;
  /** false: ingest remembered no counter for the device */
  readonly hadState: boolean;
  /** the highest accepted counter ingest forgot, null when none */
  readonly highestCounter: number | null;
}

/** The role the HTTP route needs. */
export interface ReplayReset {
  reset(actor: string, deviceId: string): Promise<ReplayResetResult>;
}

export class NatsReplayReset implements ReplayReset {
  constructor(
    private readonly nc: NatsConnection,
    private readonly names: BusNames,
    private readonly changes: ChangeRunner,
    private readonly timeoutMs = 2000,
  ) {}

  async reset(actor: string, deviceId: string): Promise<ReplayResetResult> {
    let reply: InstanceType<typeof v1.ReplayResetReply>;
    try {
      const msg = await this.nc.request(
        this.names.replayReset,
        encodeMessage(v1.ReplayResetRequest, { deviceId, requestedBy: actor }, 'ReplayResetRequest'),
        { timeout: this.timeoutMs },
      );
      reply = decodeMessage(v1.ReplayResetReply, msg.data, 'ReplayResetReply');
    } catch (cause) {
      throw new AdminError(
        'ADMIN_INGEST_UNAVAILABLE',
        'ingest did not answer the replay reset (is it running?); nothing changed',
        { deviceId },
        { cause },
      );
    }
    if (!reply.ok) {
      throw new AdminError(
        'ADMIN_INGEST_UNAVAILABLE',
        `ingest could not reset the replay state: ${reply.message || reply.errorCode}`,
        { deviceId, ingestCode: reply.errorCode },
      );
    }
    const result: ReplayResetResult = {
      deviceId,
      hadState: !!reply.hadState,
      highestCounter: reply.hadState ? Number(reply.highestCounter) : null,
    };
    await this.changes.run(actor, (tx) =>
      tx.audit(
        'reset_replay',
        'device',
        deviceId,
        { highestCounter: result.highestCounter },
        { highestCounter: null },
      ),
    );
    return result;
  }
}
