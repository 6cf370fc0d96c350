// ingest's NATS subscription, listed up front:
//   names.replayReset   ReplayResetRequest -> ReplayResetReply   (queue group "ingest")
// admin asks; whichever ingest instance gets it forgets the device's highest counter in the Redis
// they all share. ingest answers because it owns that state: admin needs neither Redis access nor
// ingest's key prefix (REDIS_KEY_PREFIX, `<SA_BUS_PREFIX>:ingest:` by default) to reset a device.

import { isValidDeviceId } from '@sa/phone-protocol';
import type { Logger, NatsConnection } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import type { ReplayGuard } from '../../domain/ports.js';
import type { IngestErrorCode } from '../../errors.js';

type Subscription = ReturnType<NatsConnection['subscribe']>;
type Reply = InstanceType<typeof v1.ReplayResetReply>;

export function serveReplayResets(
  nc: NatsConnection,
  names: BusNames,
  replay: Pick<ReplayGuard, 'forget'>,
  logger: Logger,
): Subscription {
  const log = logger.child({ component: 'replay-reset' });
  const sub = nc.subscribe(names.replayReset, { queue: 'ingest' });
  void (async () => {
    for await (const msg of sub) {
      const reply = await answer(msg.data, replay, log);
      msg.respond(encodeMessage(v1.ReplayResetReply, reply, 'ReplayResetReply'));
    }
  })();
  return sub;
}

async function answer(data: Uint8Array, replay: Pick<ReplayGuard, 'forget'>, log: Logger): Promise<Reply> {
  let deviceId: string;
  let requestedBy: string;
  try {
    const r = decodeMessage(v1.ReplayResetRequest, data, 'ReplayResetRequest');
    deviceId = r.deviceId ?? '';
    requestedBy = r.requestedBy ?? '';
  } catch {
    return failed('INGEST_REQUEST_INVALID', 'ReplayResetRequest could not be decoded');
  }
  if (!isValidDeviceId(deviceId)) return failed('INGEST_REQUEST_INVALID', 'device_id is not a device id');
  let highest: number | null;
  try {
    highest = await replay.forget(deviceId);
  } catch (err) {
    log.error({ event: 'replay_reset_failed', deviceId, err }, 'replay reset failed');
    return failed('INGEST_REPLAY_STORE_UNAVAILABLE', 'the replay store did not answer');
  }
  log.info(
    { event: 'replay_state_reset', deviceId, requestedBy, highestCounter: highest },
    `replay state of device ${deviceId} reset by ${requestedBy || 'unknown'}`,
  );
  return v1.ReplayResetReply.create({
    ok: true,
    hadState: highest !== null,
    highestCounter: highest ?? 0,
  });
}

function failed(errorCode: IngestErrorCode, message: string): Reply {
  return v1.ReplayResetReply.create({ ok: false, errorCode, message });
}
