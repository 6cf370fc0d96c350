// Admin's NATS subscriptions, listed up front:
//   names.phoneTargets        PhoneTargetsRequest -> PhoneTargetsReply   (queue group "admin")
//   names.phoneOwnData        PhoneOwnDataRequest -> PhoneOwnDataReply   (queue group "admin")
//   names.setSecret           SetSecretRequest    -> SetSecretReply      (queue group "admin")
//   names.scenarioChangedAll  ScenarioChanged     -> presence board
//   names.deviceReportedAll   DeviceReported      -> presence board (each device's last report),
//                                                    presence history (changes of place only)
//   names.callRoutedAll       CallRouted          -> call history                  (queue group "admin")
//   names.followMeStatusAll   FollowMeStatusChanged -> Follow-Me problems (FreePBX Follow-Me mode)
//   names.devicesSeen         DevicesSeen         -> presence board (last seen of unchanged reports)
import type { Logger, NatsConnection } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import type { FollowMeBoard, FollowMeStatus } from '../../domain/followme-board.js';
import type { PresenceBoard } from '../../domain/presence-board.js';
import type { PhoneOwnData } from '../../own-data/phone-own-data.js';
import type { HistoryRecorder } from '../../privacy/wiring.js';
import type { PhoneRequests } from './phone-requests.js';

type Subscription = ReturnType<NatsConnection['subscribe']>;

const FOLLOW_ME_STATUSES: Record<number, FollowMeStatus | undefined> = {
  [v1.FollowMeStatus.FOLLOW_ME_STATUS_OK]: 'ok',
  [v1.FollowMeStatus.FOLLOW_ME_STATUS_NO_FOLLOWME]: 'no-followme',
  [v1.FollowMeStatus.FOLLOW_ME_STATUS_NOT_AN_EXTENSION]: 'not-an-extension',
};

interface HandlerDeps {
  phone: PhoneRequests;
  ownData: PhoneOwnData;
  presence: PresenceBoard;
  followMe: FollowMeBoard;
  history: HistoryRecorder;
  logger: Logger;
}
type Msg = Subscription extends AsyncIterable<infer M> ? M : never;
type Handle = (msg: Msg) => Promise<void> | void;

export function subscribeAll(nc: NatsConnection, names: BusNames, deps: HandlerDeps): Subscription[] {
  const log = deps.logger.child({ component: 'nats-handlers' });
  const admin = { queue: 'admin' };
  return [
    consume(nc.subscribe(names.phoneTargets, admin), answerPhoneTargets(deps, log)),
    consume(nc.subscribe(names.setSecret, admin), answerSetSecret(deps, log)),
    consume(nc.subscribe(names.scenarioChangedAll), applyScenarioChanged(deps, log)),
    consume(nc.subscribe(names.followMeStatusAll), applyFollowMeStatus(deps, log)),
    consume(nc.subscribe(names.deviceReportedAll), applyDeviceReported(deps, log)),
    consume(nc.subscribe(names.devicesSeen), applyDevicesSeen(deps, log)),
    consume(nc.subscribe(names.phoneOwnData, admin), answerPhoneOwnData(deps, log)),
    // a queue group: with several admins, each call is written once
    consume(nc.subscribe(names.callRoutedAll, admin), recordCallRouted(deps, log)),
  ];
}

/** Handles the subscription's messages in order, one at a time, until it drains. */
function consume(sub: Subscription, handle: Handle): Subscription {
  void (async () => {
    for await (const msg of sub) await handle(msg);
  })();
  return sub;
}

/** The reply of a request that failed inside admin: the phone gets a code, the log gets the error. */
const internalError = { ok: false, errorCode: 'ADMIN_INTERNAL', message: 'internal error' };

function answerPhoneTargets(deps: HandlerDeps, log: Logger): Handle {
  return async (msg) => {
    const reply = await deps.phone.targets(msg.data).catch((err: unknown) => {
      log.error({ err }, 'phone targets request failed');
      return v1.PhoneTargetsReply.create(internalError);
    });
    msg.respond(encodeMessage(v1.PhoneTargetsReply, reply, 'PhoneTargetsReply'));
  };
}

function answerSetSecret(deps: HandlerDeps, log: Logger): Handle {
  return async (msg) => {
    const reply = await deps.phone.setSecret(msg.data).catch((err: unknown) => {
      log.error({ err }, 'set-secret request failed');
      return v1.SetSecretReply.create(internalError);
    });
    msg.respond(encodeMessage(v1.SetSecretReply, reply, 'SetSecretReply'));
  };
}

function answerPhoneOwnData(deps: HandlerDeps, log: Logger): Handle {
  return async (msg) => {
    const reply = await deps.ownData.handle(msg.data).catch((err: unknown) => {
      log.error({ err }, 'phone own-data request failed');
      return v1.PhoneOwnDataReply.create(internalError);
    });
    msg.respond(encodeMessage(v1.PhoneOwnDataReply, reply, 'PhoneOwnDataReply'));
  };
}

/** An event that cannot be decoded or lacks its ids is logged and dropped; the stream goes on. */
function dropBad(log: Logger, typeName: string, apply: (msg: Msg) => void): Handle {
  return (msg) => {
    try {
      apply(msg);
    } catch (err) {
      log.warn({ err, subject: msg.subject }, `bad ${typeName} dropped`);
    }
  };
}

function applyScenarioChanged(deps: HandlerDeps, log: Logger): Handle {
  return dropBad(log, 'ScenarioChanged', (msg) => {
    const e = decodeMessage(v1.ScenarioChanged, msg.data, 'ScenarioChanged');
    deps.presence.apply({
      extension: e.extension ?? '',
      scenarioId: e.scenarioId ?? '',
      scenarioName: e.scenarioName ?? '',
      targetDial: e.targetDial ?? '',
      targetName: e.targetName ?? '',
      reason: e.reason ?? '',
      decidedAt: new Date(Number(e.decidedAtMs) || Date.now()).toISOString(),
      version: Number(e.version),
    });
  });
}

function applyDeviceReported(deps: HandlerDeps, log: Logger): Handle {
  return dropBad(log, 'DeviceReported', (msg) => {
    const e = decodeMessage(v1.DeviceReported, msg.data, 'DeviceReported');
    if (!e.deviceId || !e.extension) throw new Error('no device id or extension');
    const net = e.connected;
    deps.presence.report({
      deviceId: e.deviceId,
      extension: e.extension,
      counter: Number(e.counter),
      reportedAtMs: Number(e.reportedAtMs) || Date.now(),
      connected:
        net && (net.ssid || net.bssid)
          ? { ssid: net.ssid ?? '', bssid: net.bssid ?? '', rssiDbm: net.rssiDbm ?? 0 }
          : null,
      locationName: e.locationName ?? '',
      scenarioId: e.scenarioId ?? '',
      scenarioName: e.scenarioName ?? '',
      targetDial: e.targetDial ?? '',
      targetName: e.targetName ?? '',
      reason: e.reason ?? '',
      version: Number(e.version),
      decidedAtMs: Number(e.decidedAtMs),
      presenceTimeoutMs: Number(e.presenceTimeoutMs),
    });
    // only the place: no network, no signal (docs/privacy.md)
    deps.history.deviceReported({
      deviceId: e.deviceId,
      extension: e.extension,
      atMs: Number(e.reportedAtMs) || Date.now(),
      placeName: e.locationName ?? '',
    });
  });
}

function applyDevicesSeen(deps: HandlerDeps, log: Logger): Handle {
  return (msg) => {
    try {
      const e = decodeMessage(v1.DevicesSeen, msg.data, 'DevicesSeen');
      for (const [i, id] of e.deviceIds.entries()) {
        const at = Number(e.seenAtMs[i] ?? 0);
        if (id && at > 0) deps.presence.stillSeen(id, at);
      }
    } catch (err) {
      log.warn({ err }, 'bad DevicesSeen dropped');
    }
  };
}

function recordCallRouted(deps: HandlerDeps, log: Logger): Handle {
  return dropBad(log, 'CallRouted', (msg) => {
    const e = decodeMessage(v1.CallRouted, msg.data, 'CallRouted');
    if (!e.callId || !e.extension) throw new Error('no call id or extension');
    deps.history.callRouted({
      atMs: Number(e.decidedAtMs) || Date.now(),
      extension: e.extension,
      callId: e.callId,
      callerIdNum: e.callerIdNum ?? '',
      targetDial: e.targetDial ?? '',
      targetName: e.targetName ?? '',
      scenarioName: e.scenarioName ?? '',
      reason: e.reason ?? '',
      fallback: e.fallback ?? false,
    });
  });
}

function applyFollowMeStatus(deps: HandlerDeps, log: Logger): Handle {
  return dropBad(log, 'FollowMeStatusChanged', (msg) => {
    const e = decodeMessage(v1.FollowMeStatusChanged, msg.data, 'FollowMeStatusChanged');
    if (!e.extension) throw new Error('no extension');
    deps.followMe.apply({
      extension: e.extension,
      status: FOLLOW_ME_STATUSES[e.status ?? 0] ?? 'unknown',
      fix: e.fix ?? '',
      checkedAtMs: Number(e.checkedAtMs) || Date.now(),
      republishMs: Number(e.republishMs) || 0,
    });
  });
}
