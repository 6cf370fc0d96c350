// "Who is where": per user, the latest decision router announced (ScenarioChanged, and the decision
// each DeviceReported carries), and per device its last report router applied, kept in memory, with
// listeners for the live stream. Older versions and older reports never overwrite newer ones.
//
// A device is online while its last report is younger than router's presence timeout, which router
// sends with every report (DeviceReported.presence_timeout_ms): the console counts as router does.
// Nothing is stored: after an admin restart a device is 'unknown' until it reports again.

/** online: reported within router's presence timeout; unknown: no report since admin started */
export type DevicePresence = 'online' | 'offline' | 'unknown';

export interface NetworkSeen {
  readonly ssid: string;
  readonly bssid: string;
  readonly rssiDbm: number;
}

/** A DeviceReported as the board takes it. */
export interface DeviceReport {
  readonly deviceId: string;
  readonly extension: string;
  readonly counter: number;
  readonly reportedAtMs: number;
  /** null: on no Wi-Fi */
  readonly connected: NetworkSeen | null;
  /** '' = no known location (a network no location lists) */
  readonly locationName: string;
  readonly scenarioId: string;
  readonly scenarioName: string;
  readonly targetDial: string;
  readonly targetName: string;
  readonly reason: string;
  readonly version: number;
  readonly decidedAtMs: number;
  readonly presenceTimeoutMs: number;
}

/** One device's last report, as the API shows it. */
export interface DeviceSeen {
  readonly deviceId: string;
  readonly presence: Exclude<DevicePresence, 'unknown'>;
  readonly reportedAt: string;
  /** reportedAt + router's presence timeout: offline from then on unless it reports again */
  readonly onlineUntil: string;
  readonly network: NetworkSeen | null;
  readonly location: string;
  /** the user's scenario and its reason right after this report */
  readonly scenarioName: string;
  readonly reason: string;
}

export interface PresenceEntry {
  readonly extension: string;
  readonly scenarioId: string;
  readonly scenarioName: string;
  readonly targetDial: string;
  readonly targetName: string;
  readonly reason: string;
  readonly decidedAt: string;
  readonly version: number;
  /** every device of the user that reported since admin started, by device id */
  readonly devices: DeviceSeen[];
}

export type Decision = Omit<PresenceEntry, 'devices'>;

export type PresenceListener = (entry: PresenceEntry) => void;

/**
 * What the board keeps of a device's last report: one fixed shape, names many devices repeat
 * (extension, network, location, scenario) shared, the report's ISO time made once (~400 bytes a
 * device instead of ~700 for the decoded report).
 */
class LastReport {
  constructor(
    readonly extension: string,
    readonly reportedAtMs: number,
    readonly reportedAt: string,
    readonly presenceTimeoutMs: number,
    readonly network: NetworkSeen | null,
    readonly location: string,
    readonly scenarioName: string,
    readonly reason: string,
  ) {}
}

/** Distinct names kept for sharing; past this many, new names are simply not shared. */
const SHARED_NAMES_MAX = 20_000;

export class PresenceBoard {
  readonly #decisions = new Map<string, Decision>();
  /** device id -> its last report */
  readonly #reports = new Map<string, LastReport>();
  readonly #names = new Map<string, string>();
  /** extension -> ids of its devices that reported */
  readonly #devicesOf = new Map<string, Set<string>>();
  readonly #listeners = new Set<PresenceListener>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** A ScenarioChanged. */
  apply(entry: Decision): boolean {
    const current = this.#decisions.get(entry.extension);
    if (current && current.version >= entry.version && entry.version !== 0) return false;
    this.#decisions.set(entry.extension, entry);
    this.#announce(entry.extension);
    return true;
  }

  /** A DeviceReported: the device's last report, and the user's decision when not older. */
  report(r: DeviceReport): boolean {
    const current = this.#reports.get(r.deviceId);
    if (current && current.reportedAtMs > r.reportedAtMs) return false;
    if (current && current.extension !== r.extension)
      this.#devicesOf.get(current.extension)?.delete(r.deviceId);
    const net = r.connected;
    this.#reports.set(
      r.deviceId,
      new LastReport(
        this.#shared(r.extension),
        r.reportedAtMs,
        new Date(r.reportedAtMs).toISOString(),
        r.presenceTimeoutMs,
        net && { ssid: this.#shared(net.ssid), bssid: this.#shared(net.bssid), rssiDbm: net.rssiDbm },
        this.#shared(r.locationName),
        this.#shared(r.scenarioName),
        r.reason,
      ),
    );
    const ids = this.#devicesOf.get(r.extension) ?? new Set<string>();
    this.#devicesOf.set(r.extension, ids.add(r.deviceId));
    const decision = this.#decisions.get(r.extension);
    // the same version with a fresher reason (an unknown network keeps the default scenario)
    if (!decision || r.version >= decision.version) {
      this.#decisions.set(r.extension, {
        extension: r.extension,
        scenarioId: r.scenarioId,
        scenarioName: r.scenarioName,
        targetDial: r.targetDial,
        targetName: r.targetName,
        reason: r.reason,
        decidedAt: new Date(r.decidedAtMs || r.reportedAtMs).toISOString(),
        version: r.version,
      });
    }
    this.#announce(r.extension);
    return true;
  }

  /**
   * Ingest saw the device's unchanged report (answered without the bus: change-driven presence):
   * only its last seen moves; where it is and the decision stay as the last applied report said.
   */
  stillSeen(deviceId: string, atMs: number): boolean {
    const r = this.#reports.get(deviceId);
    if (!r || r.reportedAtMs >= atMs) return false;
    this.#reports.set(
      deviceId,
      new LastReport(
        r.extension,
        atMs,
        new Date(atMs).toISOString(),
        r.presenceTimeoutMs,
        r.network,
        r.location,
        r.scenarioName,
        r.reason,
      ),
    );
    this.#announce(r.extension);
    return true;
  }

  /** When the device last reported and whether that is within router's presence timeout. */
  seen(deviceId: string): { lastSeenAt: string | null; presence: DevicePresence } {
    const seen = this.#reports.get(deviceId);
    if (!seen) return { lastSeenAt: null, presence: 'unknown' };
    return { lastSeenAt: seen.reportedAt, presence: this.#presenceOf(seen) };
  }

  list(): PresenceEntry[] {
    return [...this.#decisions.keys()]
      .sort((a, b) => a.localeCompare(b))
      .map((extension) => this.#entry(extension)!);
  }

  subscribe(listener: PresenceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  #announce(extension: string): void {
    if (this.#listeners.size === 0) return;
    const entry = this.#entry(extension);
    if (entry) for (const listener of this.#listeners) listener(entry);
  }

  #entry(extension: string): PresenceEntry | null {
    const decision = this.#decisions.get(extension);
    if (!decision) return null;
    const devices: DeviceSeen[] = [];
    for (const id of [...(this.#devicesOf.get(extension) ?? [])].sort()) {
      const r = this.#reports.get(id)!;
      devices.push({
        deviceId: id,
        presence: this.#presenceOf(r),
        reportedAt: r.reportedAt,
        onlineUntil: new Date(r.reportedAtMs + r.presenceTimeoutMs).toISOString(),
        network: r.network,
        location: r.location,
        scenarioName: r.scenarioName,
        reason: r.reason,
      });
    }
    return { ...decision, devices };
  }

  /** as router's freshness test: fresh while now - reported < timeout */
  #shared(name: string): string {
    const known = this.#names.get(name);
    if (known !== undefined) return known;
    if (this.#names.size < SHARED_NAMES_MAX) this.#names.set(name, name);
    return name;
  }

  #presenceOf(r: LastReport): 'online' | 'offline' {
    return this.clock() - r.reportedAtMs < r.presenceTimeoutMs ? 'online' : 'offline';
  }
}
