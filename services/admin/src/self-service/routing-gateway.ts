// What the self-service page needs from router, over NATS:
// * where the user's calls go now and why: DecisionQuery -> DecisionAnswer (names.decisionQuery,
//   answered by any router instance). When router does not answer within a short timeout, the
//   decision router last announced (admin's PresenceBoard) stands in, marked 'last-announced'.
// * "this scenario for the next N hours": the same ScenarioChosen a phone's choice becomes, on the
//   JetStream phone stream. The device id is "self-service", which no real device can have (device
//   ids are 4-64 letters or digits), so the web choice never shares a phone's choice counter; router
//   keeps no record of a device that never reported presence, and the counter is the clock in ms.
import { headers } from '@nats-io/transport-node';
import type { NatsConnection } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import type { PresenceBoard } from '../domain/presence-board.js';
import { AdminError } from '../errors.js';

export const WEB_DEVICE_ID = 'self-service';

/** router: it answered just now; last-announced: its last ScenarioChanged/DeviceReported; none: neither */
export type RoutingSource = 'router' | 'last-announced' | 'none';

export interface CurrentRouting {
  readonly source: RoutingSource;
  readonly scenarioId: string;
  readonly scenarioName: string;
  readonly targetDial: string;
  readonly targetName: string;
  readonly reason: string;
  readonly decidedAt: string | null;
}

export interface RoutingGateway {
  current(extension: string): Promise<CurrentRouting>;
  /** scenarioId '' clears the choice; expiresAtMs 0 = until cleared */
  choose(extension: string, scenarioId: string, expiresAtMs: number): Promise<void>;
}

const NONE: CurrentRouting = {
  source: 'none',
  scenarioId: '',
  scenarioName: '',
  targetDial: '',
  targetName: '',
  reason: '',
  decidedAt: null,
};

export class NatsRoutingGateway implements RoutingGateway {
  constructor(
    private readonly nc: NatsConnection,
    private readonly names: BusNames,
    private readonly board: PresenceBoard,
    private readonly options: { queryTimeoutMs: number; publishTimeoutMs: number; clock?: () => number },
  ) {}

  async current(extension: string): Promise<CurrentRouting> {
    try {
      const m = await this.nc.request(
        this.names.decisionQuery,
        encodeMessage(v1.DecisionQuery, { extension }, 'DecisionQuery'),
        { timeout: this.options.queryTimeoutMs },
      );
      const a = decodeMessage(v1.DecisionAnswer, m.data, 'DecisionAnswer');
      if (a.found) {
        return {
          source: 'router',
          scenarioId: a.scenarioId ?? '',
          scenarioName: a.scenarioName ?? '',
          targetDial: a.targetDial ?? '',
          targetName: a.targetName ?? '',
          reason: a.reason ?? '',
          decidedAt: Number(a.decidedAtMs) > 0 ? new Date(Number(a.decidedAtMs)).toISOString() : null,
        };
      }
    } catch {
      // no router (no responders, timeout, bad answer): what it last announced stands in below
    }
    const last = this.board.list().find((e) => e.extension === extension);
    if (!last) return NONE;
    return {
      source: 'last-announced',
      scenarioId: last.scenarioId,
      scenarioName: last.scenarioName,
      targetDial: last.targetDial,
      targetName: last.targetName,
      reason: last.reason,
      decidedAt: last.decidedAt,
    };
  }

  async choose(extension: string, scenarioId: string, expiresAtMs: number): Promise<void> {
    const now = (this.options.clock ?? Date.now)();
    const event = v1.ScenarioChosen.create({
      deviceId: WEB_DEVICE_ID,
      extension,
      counter: now,
      sentAtMs: now,
      receivedAtMs: now,
      scenarioId,
      expiresAtMs,
      clear: scenarioId === '',
    });
    const h = headers();
    h.set('Nats-Msg-Id', `${WEB_DEVICE_ID}:${extension}:${now}`);
    try {
      // a JetStream publish is a request whose answer is the stream's ack
      const ack = await this.nc.request(
        this.names.choice(extension),
        encodeMessage(v1.ScenarioChosen, event, 'ScenarioChosen'),
        { timeout: this.options.publishTimeoutMs, headers: h },
      );
      const body = JSON.parse(new TextDecoder().decode(ack.data)) as { stream?: string; error?: unknown };
      if (!body.stream || body.error) throw new Error(`stream refused the choice: ${JSON.stringify(body)}`);
    } catch (cause) {
      throw new AdminError(
        'ADMIN_ROUTER_UNAVAILABLE',
        'the choice could not be handed to router; try again later',
        {},
        { cause },
      );
    }
  }
}
