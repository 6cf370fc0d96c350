// What a valid RADIUS accounting request (RFC 2866) means for presence: Start and Interim-Update for
// a registered Wi-Fi MAC become a PresenceReported (source WIFI_ACCOUNTING), published before the
// request is answered; Stop, Accounting-On/Off and unknown MACs are answered and publish nothing.
// Retransmissions of a published report are recognised by their fingerprint and answered again
// without a second publish. Nothing is remembered about a request that publishes nothing (privacy:
// an unknown station's MAC, even as a digest, is forgotten as soon as it is answered).
// Pure apart from the injected ports; the RADIUS adapter authenticates and decodes before this.
import { v1 } from '@sa/proto';
import { normalizeMac, parseCalledStationId } from './mac-address.js';
import type { AccountingStatus, DeviceDirectory, PhoneEventPublisher, RadiusObserver } from './ports.js';
import { RecentOutcomes } from './recent-outcomes.js';
import type { WifiMacIndex } from './wifi-mac-index.js';

/** One authenticated Accounting-Request, in the terms this handler needs. */
export interface AccountingRequest {
  readonly status: AccountingStatus;
  /** Calling-Station-Id: the station's (phone's) MAC, any vendor spelling */
  readonly callingStationId: string | undefined;
  /** Called-Station-Id: the access point's MAC, often `:SSID` after it */
  readonly calledStationId: string | undefined;
  /** Event-Timestamp (seconds since the epoch), when sent */
  readonly eventTimestampS: number | undefined;
  /** Acct-Delay-Time (seconds the client has been trying to send it) */
  readonly delayS: number;
  /**
   * Equal for a retransmission of the same report, different for any other report: a digest of the
   * status, session id, station ids, NAS ids and counters (not Acct-Delay-Time, which a
   * retransmission may raise). Hex, safe in a message id.
   */
  readonly fingerprint: string;
}

export interface AccountingHandlerDeps {
  readonly macs: WifiMacIndex;
  readonly devices: DeviceDirectory;
  readonly publisher: PhoneEventPublisher;
  readonly observer: RadiusObserver;
  readonly nowMs: () => number;
  readonly monotonicSeconds: () => number;
  /** how long a handled request is remembered for retransmissions (JetStream's msgId window backs it) */
  readonly rememberMs: number;
  readonly rememberMax: number;
}

const EXTENSION = /^[0-9A-Za-z*#+_-]{1,32}$/;
const ANSWER = Promise.resolve(true);

export class AccountingHandler {
  private readonly recent: RecentOutcomes<Promise<boolean>>;
  /** last counter used per device: counter = max(now, last + 1) */
  private readonly lastCounter = new Map<string, number>();

  constructor(private readonly deps: AccountingHandlerDeps) {
    this.recent = new RecentOutcomes({ ttlMs: deps.rememberMs, maxEntries: deps.rememberMax });
  }

  /**
   * true: answer with an Accounting-Response (what it reported is stored, or there was nothing to
   * store); false: no answer (could not store; the client retransmits). Never throws.
   */
  handle(request: AccountingRequest, clientId: string, src: string, startedAt: number): Promise<boolean> {
    const d = this.deps;
    const now = d.nowMs();
    const key = `${clientId}:${request.fingerprint}`;
    const earlier = this.recent.get(key, now);
    if (earlier) {
      d.observer.radiusDuplicate();
      return earlier;
    }
    d.observer.radiusAccepted(request.status);
    if (request.status !== 'start' && request.status !== 'interim') return ANSWER;
    const mac = request.callingStationId === undefined ? null : normalizeMac(request.callingStationId);
    if (!mac) return this.ignore('no_mac');
    const deviceId = d.macs.deviceOf(mac);
    if (deviceId === undefined) return this.ignore('unknown_mac');
    const device = d.devices.get(deviceId);
    if (!device) return this.ignore('unknown_mac');
    if (!device.enabled) return this.ignore('disabled_device');
    if (!EXTENSION.test(device.extension)) return this.ignore('no_extension');
    const outcome = this.publish(request, deviceId, device.extension, key, src, startedAt, now);
    this.recent.set(key, outcome, now);
    outcome.then((answered) => {
      if (!answered) this.recent.delete(key); // let the retransmission try again
    });
    return outcome;
  }

  private async publish(
    request: AccountingRequest,
    deviceId: string,
    extension: string,
    msgId: string,
    src: string,
    startedAt: number,
    now: number,
  ): Promise<boolean> {
    const d = this.deps;
    const station = request.calledStationId ? parseCalledStationId(request.calledStationId) : null;
    const counter = Math.max(now, (this.lastCounter.get(deviceId) ?? 0) + 1);
    this.lastCounter.set(deviceId, counter);
    const event = v1.PresenceReported.create({
      deviceId,
      extension,
      counter,
      sentAtMs:
        request.eventTimestampS !== undefined ? request.eventTimestampS * 1000 : now - request.delayS * 1000,
      receivedAtMs: now,
      connected: station ? { bssid: station.bssid, ssid: station.ssid } : undefined,
      source: v1.PresenceSource.PRESENCE_SOURCE_WIFI_ACCOUNTING,
      sourceIp: src,
    });
    try {
      await d.publisher.presenceReported(event, `acct:${msgId}`);
    } catch (err) {
      d.observer.radiusDropped('publish_failed', src, err);
      return false;
    }
    d.observer.published(d.monotonicSeconds() - startedAt);
    return true;
  }

  private ignore(reason: Parameters<RadiusObserver['radiusIgnored']>[0]): Promise<boolean> {
    this.deps.observer.radiusIgnored(reason);
    return ANSWER;
  }
}
