// The checks of docs/protocol.md section 6, cheapest first, then the request itself. Pure apart
// from the injected ports; the UDP and HTTP adapters feed it bytes and send what it returns.
import {
  type EnvelopeHeader,
  MAX_PACKET_SIZE,
  openRequest,
  type PhoneRequest,
  parseEnvelope,
  sealReply,
} from '@sa/phone-protocol';
import { v1 } from '@sa/proto';
import { counterTooFarAhead } from './counter-bound.js';
import type { DeviceKeyTable } from './device-keys.js';
import { resolveKey } from './key-resolver.js';
import type { KeyRing, RingKey } from './key-ring.js';
import type {
  AdminGateway,
  DeviceDirectory,
  DeviceRecord,
  IngestObserver,
  PhoneEventPublisher,
  QuietReports,
  ReplayGuard,
  SeenAnnouncer,
  Transport,
} from './ports.js';
import type { SlotTokenBuckets, TokenBucketTable } from './token-bucket-table.js';

export type { Transport };

export interface PacketHandlerDeps {
  readonly keyRing: KeyRing;
  readonly deviceKeys: DeviceKeyTable;
  readonly devices: DeviceDirectory;
  readonly replay: ReplayGuard;
  readonly publisher: PhoneEventPublisher;
  /** change-driven presence; absent: every report is published */
  readonly quiet?: QuietReports;
  /** ... and the console's last seen of the reports it answered without the bus */
  readonly seen?: SeenAnnouncer;
  readonly admin: AdminGateway;
  readonly observer: IngestObserver;
  readonly ipLimits: TokenBucketTable;
  /** by device slot (DeviceRecord.slot) */
  readonly deviceLimits: SlotTokenBuckets;
  readonly timestampWindowMs: number;
  readonly nowMs: () => number;
  /** high-resolution clock in seconds, for latency */
  readonly monotonicSeconds: () => number;
}

type Reply = Parameters<typeof sealReply>[0]['reply'];

const Status = v1.ReplyStatus;
const EXTENSION = /^[0-9A-Za-z*#+_-]{1,32}$/;

export class PacketHandler {
  constructor(private readonly deps: PacketHandlerDeps) {}

  /**
   * Returns the sealed reply, or null: rejected (never answered) or nothing fits the budget.
   * Never throws: every failure is a counted rejection or drop.
   */
  async handle(packet: Uint8Array, src: string, transport: Transport): Promise<Uint8Array | null> {
    const startedAt = this.deps.monotonicSeconds();
    const d = this.deps;
    const parsed = parseEnvelope(packet);
    if (!parsed.ok) return this.reject(parsed.reason, src, transport);
    const { header } = parsed;
    const now = d.nowMs();
    const resolved = resolveKey(header, d.keyRing, d.deviceKeys, d.devices, now);
    if (!resolved.ok) return this.reject(resolved.reason, src, transport);
    const ringKey: RingKey = resolved.key;
    const opened = openRequest(ringKey.key, packet, parsed);
    if (!opened.ok) return this.reject(opened.reason, src, transport);
    const device = d.devices.get(header.deviceId);
    if (!device) return this.reject('unknown_device', src, transport);
    if (!device.enabled) return this.reject('disabled_device', src, transport);
    if (Math.abs(now - header.timestampMs) > d.timestampWindowMs)
      return this.reject('stale_timestamp', src, transport);
    if (counterTooFarAhead(header.counter, now, d.timestampWindowMs))
      return this.reject('counter_ahead', src, transport);
    if (!d.ipLimits.take(src, now)) return this.reject('rate_limited_ip', src, transport);
    if (!d.deviceLimits.take(device.slot, now)) return this.reject('rate_limited_device', src, transport);
    let fresh: boolean;
    try {
      fresh = await d.replay.firstUse(header.deviceId, header.counter);
    } catch (err) {
      d.observer.dropped('replay_store_unavailable', src, transport, err);
      return null;
    }
    if (!fresh) return this.reject('replay', src, transport);

    const kind = opened.kind ?? 'unknown';
    d.observer.accepted(kind);
    const reply = await this.serve(opened.request, header, device, src, transport, startedAt);
    if (!reply) return null;
    return sealReply({
      key: ringKey.key,
      request: header,
      reply: { tier: device.tier, permissions: { ...device.permissions }, ...reply },
      nowMs: d.nowMs(),
      budget: transport === 'udp' ? packet.length : MAX_PACKET_SIZE,
    });
  }

  private async serve(
    request: PhoneRequest,
    header: EnvelopeHeader,
    device: DeviceRecord,
    src: string,
    transport: Transport,
    startedAt: number,
  ): Promise<Reply | null> {
    switch (request.kind) {
      case 'ping':
        return { status: Status.REPLY_STATUS_OK };
      case 'presence':
      case 'chooseScenario':
        return this.report(request, header, device, src, transport, startedAt);
      case 'listTargets':
      case 'createTarget':
        return this.targets(request, header, device);
      case 'listScenarios':
      case 'saveScenario':
      case 'deleteScenario':
      case 'listPlaces':
      case 'savePlace':
      case 'deletePlace':
        return this.ownData(header.deviceId, device.extension, request);
      default:
        return { status: Status.REPLY_STATUS_INVALID, message: 'unknown request kind' };
    }
  }

  /** A presence report or a scenario choice: published for router (an unchanged report only noted). */
  private async report(
    request: PhoneRequest,
    header: EnvelopeHeader,
    device: DeviceRecord,
    src: string,
    transport: Transport,
    startedAt: number,
  ): Promise<Reply> {
    const d = this.deps;
    const msgId = `${header.deviceId}:${header.counter}`;
    if (!EXTENSION.test(device.extension)) {
      return { status: Status.REPLY_STATUS_INVALID, message: 'device has no extension' };
    }
    try {
      if (request.kind === 'presence') {
        const p = request.presence!;
        const quietReport = {
          extension: device.extension,
          recordId: header.deviceId,
          counter: header.counter,
          connected: p.connected,
          visible: p.visible ?? [],
          atMs: d.nowMs(),
        };
        if (await this.unchanged(quietReport)) {
          d.observer.unchanged(d.monotonicSeconds() - startedAt);
          d.seen?.seen(header.deviceId, d.nowMs());
          return { status: Status.REPLY_STATUS_OK };
        }
        const event = v1.PresenceReported.create({
          deviceId: header.deviceId,
          extension: device.extension,
          counter: header.counter,
          sentAtMs: header.timestampMs,
          receivedAtMs: d.nowMs(),
          connected: p.connected,
          visible: p.visible,
          sourceIp: src,
        });
        if (p.batteryPct != null) event.batteryPct = p.batteryPct;
        const seq = await d.publisher.presenceReported(event, msgId);
        d.quiet?.stored(quietReport, seq);
      } else {
        const c = request.chooseScenario!;
        await d.publisher.scenarioChosen(
          v1.ScenarioChosen.create({
            deviceId: header.deviceId,
            extension: device.extension,
            counter: header.counter,
            sentAtMs: header.timestampMs,
            receivedAtMs: d.nowMs(),
            scenarioId: c.scenarioId,
            expiresAtMs: c.expiresAtMs,
            clear: c.clear,
          }),
          msgId,
        );
      }
    } catch (err) {
      d.observer.dropped('publish_failed', src, transport, err);
      return { status: Status.REPLY_STATUS_UNAVAILABLE, message: 'try again later' };
    }
    d.observer.published(d.monotonicSeconds() - startedAt);
    return { status: Status.REPLY_STATUS_OK };
  }

  /** The device's targets (after creating one, for createTarget): admin decides; paged here by `offset`. */
  private async targets(request: PhoneRequest, header: EnvelopeHeader, device: DeviceRecord): Promise<Reply> {
    const create = request.kind === 'createTarget' ? request.createTarget! : undefined;
    const answer = await this.deps.admin.targets(
      v1.PhoneTargetsRequest.create({
        deviceId: header.deviceId,
        extension: device.extension,
        createName: create?.name ?? '',
        createDial: create?.dial ?? '',
      }),
    );
    if (!answer) return { status: Status.REPLY_STATUS_UNAVAILABLE, message: 'admin did not answer' };
    const offset = request.kind === 'listTargets' ? (request.listTargets?.offset ?? 0) : 0;
    return {
      status: answer.ok ? Status.REPLY_STATUS_OK : statusFor(answer.errorCode),
      message: answer.message,
      tier: answer.tier,
      permissions: answer.permissions,
      targets: answer.targets.slice(offset),
      targetsTotal: answer.targets.length,
      targetsOffset: Math.min(offset, answer.targets.length),
    };
  }

  /** The user's own scenarios and places: admin decides; the lists are paged here by `offset`. */
  private async ownData(deviceId: string, extension: string, request: PhoneRequest): Promise<Reply> {
    const answer = await this.deps.admin.ownData(
      v1.PhoneOwnDataRequest.create({
        deviceId,
        extension,
        request: v1.PhoneRequest.encode(request).finish(),
      }),
    );
    if (!answer) return { status: Status.REPLY_STATUS_UNAVAILABLE, message: 'admin did not answer' };
    const offset = request.listScenarios?.offset ?? request.listPlaces?.offset ?? 0;
    const total = answer.scenarios.length + answer.places.length;
    return {
      status: answer.ok ? Status.REPLY_STATUS_OK : statusFor(answer.errorCode),
      message: answer.message,
      tier: answer.tier,
      permissions: answer.permissions,
      scenarios: answer.scenarios.slice(offset),
      places: answer.places.slice(offset),
      itemsTotal: total,
      itemsOffset: Math.min(offset, total),
      savedId: answer.savedId,
    };
  }

  /**
   * An unchanged report (router marked the device quiet with these networks, or router has still to
   * apply the published one it repeats) is answered once its liveness is durable in Redis, without
   * a bus message; if that cannot be told, it is published.
   */
  private async unchanged(report: Parameters<QuietReports['recordIfUnchanged']>[0]): Promise<boolean> {
    if (!this.deps.quiet) return false;
    try {
      return await this.deps.quiet.recordIfUnchanged(report);
    } catch {
      return false;
    }
  }

  private reject(reason: Parameters<IngestObserver['rejected']>[0], src: string, transport: Transport): null {
    this.deps.observer.rejected(reason, src, transport);
    return null;
  }
}

/** admin's refusal as a phone status: a request that names nothing usable is INVALID, the rest DENIED */
function statusFor(errorCode: string): number {
  return /INVALID|NOT_FOUND|EXISTS|IN_USE|LIMIT/.test(errorCode)
    ? Status.REPLY_STATUS_INVALID
    : Status.REPLY_STATUS_DENIED;
}

export type { RingKey };
