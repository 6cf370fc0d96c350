// Makes sure every owned user's current target is written into Asterisk once per AMI login,
// whatever order router and ami-bridge start in. AstDB lives in Asterisk, which may have lost or
// never had our keys when ami-bridge logs in, so each login is a reason to write them all again:
//  - 'connected': an AmiConnected event (ami-bridge logged in while this router listens);
//  - 'start': router's start-up handshake found ami-bridge already logged in (its AmiConnected
//    went out before router subscribed). app.ts subscribes first, then asks; "no responders"
//    means ami-bridge has not started its AMI client, so the event is still to come;
//  - 'partition-start': a partition this instance starts while AMI is up, once its start-up
//    work is done. Nothing records whether its previous owner resynced it for this login (that
//    owner may have died mid-resync, or been gone when ami-bridge logged in), and ownership moves
//    rarely, so it is rewritten; users already written in this login are skipped (AstDbSync).
// A login is named by (bridge id, session): a repeated or older one (the event and the status
// reply of one login) is ignored, so users are not all written twice.
import type { Logger } from '@sa/platform';

/** One AMI login: ami-bridge's per-process id and its login count (id '' from an older bridge). */
export interface AmiSessionId {
  readonly bridgeId: string;
  readonly session: number;
}

export type AmiLinkState = 'unknown' | 'connected' | 'disconnected';
export type AmiResyncReason = 'start' | 'connected' | 'partition-start';

/** What ami-bridge answered to a status request. */
export type AmiStatusAnswer =
  | { readonly outcome: 'connected'; readonly id: AmiSessionId; readonly banner: string }
  | { readonly outcome: 'not-connected' }
  | { readonly outcome: 'no-responders' }
  | { readonly outcome: 'timeout'; readonly err: unknown }
  | { readonly outcome: 'failed'; readonly err: unknown };

export interface ResyncablePartition {
  readonly partition: number;
  /** queues a write of every owned user's current target; resolves with how many */
  resync(): Promise<number>;
}

export class AmiResync {
  private state: AmiLinkState = 'unknown';
  private latest: AmiSessionId | null = null;
  /** partitions whose start-up work is done (earlier ones resync when they get there) */
  private readonly ready = new Set<ResyncablePartition>();

  constructor(
    private readonly deps: {
      sync: { amiSessionBegan(): void };
      logger: Logger;
      /** status requests per handshake when ami-bridge does not answer in time */
      handshakeAttempts?: number;
    },
  ) {}

  get link(): AmiLinkState {
    return this.state;
  }

  /**
   * Start-up handshake: asks ami-bridge (after the AmiConnected subscription is in place) and
   * resyncs if it is logged in; otherwise the AmiConnected event will do it.
   */
  async handshake(query: () => Promise<AmiStatusAnswer>): Promise<void> {
    const attempts = this.deps.handshakeAttempts ?? 3;
    for (let attempt = 1; attempt <= attempts && this.state === 'unknown'; attempt++) {
      const a = await query();
      if (a.outcome === 'connected') {
        this.deps.logger.info(
          { event: 'ami_status', outcome: a.outcome, ...a.id, banner: a.banner },
          'ami-bridge is logged in to Asterisk',
        );
        this.connected(a.id, 'start');
        return;
      }
      if (a.outcome === 'not-connected' || a.outcome === 'no-responders') {
        this.deps.logger.info(
          { event: 'ami_status', outcome: a.outcome },
          'ami-bridge is not logged in to Asterisk yet: its AmiConnected will trigger the resync',
        );
        return;
      }
      this.deps.logger.warn(
        { event: 'ami_status', outcome: a.outcome, attempt, attempts, err: a.err },
        'ami-bridge status request failed',
      );
    }
    if (this.state === 'unknown')
      this.deps.logger.warn(
        { event: 'ami_status', outcome: 'unknown' },
        'AMI status unknown: waiting for AmiConnected to resync',
      );
  }

  /**
   * router's NATS connection came back: an AmiConnected sent meanwhile is lost, so ask once more
   * whatever the last known state; a login already resynced is skipped by its id.
   */
  async afterBusReconnect(query: () => Promise<AmiStatusAnswer>): Promise<void> {
    const a = await query();
    if (a.outcome === 'connected') this.connected(a.id, 'connected');
    else if (a.outcome === 'not-connected') this.state = 'disconnected';
  }

  /** ami-bridge is logged in to Asterisk: write every ready partition's users again. */
  connected(id: AmiSessionId, reason: 'start' | 'connected'): void {
    const seen = this.latest;
    if (id.bridgeId !== '' && seen?.bridgeId === id.bridgeId && id.session <= seen.session) {
      this.deps.logger.debug(
        { event: 'ami_resync_skipped', reason, ...id },
        'this AMI login was already resynced',
      );
      return;
    }
    this.latest = id;
    this.state = 'connected';
    this.deps.sync.amiSessionBegan();
    this.deps.logger.info(
      { event: 'ami_resync', reason, ...id, partitions: [...this.ready].map((p) => p.partition) },
      `AMI login ${id.session} (${reason}): re-pushing every current target`,
    );
    for (const p of this.ready) this.resync(p, reason);
  }

  disconnected(id: AmiSessionId): void {
    const seen = this.latest;
    // a late event of an older login, or of another (stopping) ami-bridge, changes nothing
    if (id.bridgeId !== '' && seen && (seen.bridgeId !== id.bridgeId || id.session < seen.session)) return;
    this.state = 'disconnected';
  }

  /** A partition finished its start-up work (re-evaluation, unconfirmed writes). */
  partitionReady(p: ResyncablePartition): void {
    this.ready.add(p);
    if (this.state === 'connected') this.resync(p, 'partition-start');
  }

  partitionGone(p: ResyncablePartition): void {
    this.ready.delete(p);
  }

  private resync(p: ResyncablePartition, reason: AmiResyncReason): void {
    p.resync().then(
      (users) => this.deps.logger.info({ event: 'ami_resync_queued', partition: p.partition, users, reason }),
      (err) =>
        this.deps.logger.warn(
          { event: 'ami_resync_failed', partition: p.partition, reason, err },
          'resync failed: the next AMI login resyncs again',
        ),
    );
  }
}
