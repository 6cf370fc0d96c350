// Active/standby for one PBX. Every `leaseMs / 3` the standby tries to take the lease and, when it
// wins, starts the active bridge (AMI login, command and status subscriptions); the active one
// renews it. A renewal that fails, or none that succeeded within 0.8 × leaseMs (Redis slow or
// gone), stops the active bridge at once, before the lease can expire and another bridge take it,
// so two bridges are never active; then it is a standby again.
import type { Logger } from '@sa/platform';

export type BridgeRole = 'standby' | 'active' | 'stopped';

export interface BridgeLease {
  /** true when this bridge now holds the lease */
  acquire(ttlMs: number): Promise<boolean>;
  /** true when this bridge still held it and it was extended */
  renew(ttlMs: number): Promise<boolean>;
  release(): Promise<void>;
}

export interface ActiveBridge {
  stop(): Promise<void>;
}

export interface HaRoleDeps {
  readonly lease: BridgeLease;
  readonly leaseMs: number;
  /** starts the active bridge (the single-bridge start path) */
  readonly activate: () => Promise<ActiveBridge>;
  readonly logger: Logger;
}

export class HaRoleLoop {
  #role: BridgeRole = 'standby';
  #active: ActiveBridge | undefined;
  #timer: NodeJS.Timeout | undefined;
  #deadline: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #demoting: Promise<void> = Promise.resolve();
  /** a standby does not try to take the lease before this (see redisFailedOver) */
  #holdOffUntilMs = 0;

  constructor(private readonly deps: HaRoleDeps) {}

  get role(): BridgeRole {
    return this.#role;
  }

  async start(): Promise<void> {
    this.#log('standby', 'starting');
    await this.#tick();
    if (this.#role === 'stopped') return;
    this.#timer = setInterval(() => this.#onTimer(), Math.max(20, Math.floor(this.deps.leaseMs / 3)));
  }

  /**
   * Redis failed over: the new primary may hold the lease with the TTL it had when it was promoted
   * and let it expire before the next renewal (renewals went to the old primary until the switch).
   * The active bridge renews at once (a renewal takes a vanished lease again); a standby leaves the
   * lease alone for one lease time, so that it does not take it from a live active bridge (the chaos
   * test: an AMI session lost and every target rewritten).
   */
  redisFailedOver(): void {
    if (this.#role === 'active') this.#onTimer();
    else if (this.#role === 'standby') this.#holdOffUntilMs = Date.now() + this.deps.leaseMs;
  }

  #onTimer(): void {
    this.#ticking ??= this.#tick().finally(() => {
      this.#ticking = undefined;
    });
  }

  async #tick(): Promise<void> {
    const { lease, leaseMs } = this.deps;
    try {
      if (this.#role === 'active') {
        const sentAtMs = Date.now();
        const ok = await lease.renew(leaseMs);
        if (this.#role !== 'active') return;
        if (ok) this.#armDeadline(sentAtMs);
        else this.#demote('lease lost');
        return;
      }
      if (this.#role !== 'standby' || Date.now() < this.#holdOffUntilMs) return;
      await this.#demoting;
      const sentAtMs = Date.now();
      if (!(await lease.acquire(leaseMs)) || this.#role !== 'standby') return;
      this.#active = await this.deps.activate().catch(async (err) => {
        await lease.release().catch(() => {});
        throw err;
      });
      if (this.#stopped()) {
        // stop() came while it started
        await this.#stopActive(this.#active);
        this.#active = undefined;
        await lease.release();
        return;
      }
      this.#log('active', 'lease acquired');
      this.#armDeadline(sentAtMs);
    } catch (err) {
      this.deps.logger.warn({ err, event: 'ami_bridge_lease_error', role: this.#role }, 'lease check failed');
    }
  }

  /**
   * The lease lives at least leaseMs from when the request that took or renewed it was sent: unless
   * renewed again, stop at 0.8 of that, even while a renewal hangs, well before another may take it.
   */
  #armDeadline(sentAtMs: number): void {
    clearTimeout(this.#deadline);
    const inMs = sentAtMs + this.deps.leaseMs * 0.8 - Date.now();
    this.#deadline = setTimeout(() => this.#demote('lease not renewed in time'), Math.max(0, inMs));
  }

  /** Stops the active bridge now (the caller does not wait) and goes back to standby. */
  #demote(why: string): void {
    if (this.#role !== 'active') return;
    clearTimeout(this.#deadline);
    const active = this.#active;
    this.#active = undefined;
    this.#log('standby', why);
    this.#demoting = this.#stopActive(active);
  }

  async #stopActive(active: ActiveBridge | undefined): Promise<void> {
    await active?.stop().catch((err) => this.deps.logger.error({ err }, 'stopping the active bridge failed'));
  }

  /** (a method, so the compiler does not keep its narrowing of #role across the awaits above) */
  #stopped(): boolean {
    return this.#role === 'stopped';
  }

  #log(role: BridgeRole, why: string): void {
    const previous = this.#role;
    this.#role = role;
    this.deps.logger.info({ event: 'ami_bridge_role', role, previous, why }, `ami-bridge ${role} (${why})`);
  }

  /** Stops the loop and the active bridge, then releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    clearTimeout(this.#deadline);
    if (this.#role !== 'stopped') this.#log('stopped', 'stopping');
    const active = this.#active;
    this.#active = undefined;
    await this.#stopActive(active);
    await this.#demoting;
    // a check in flight ends on its own (one that was starting the bridge stops it again); a Redis
    // call that hangs is not waited for beyond a lease time
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((r) => {
      timer = setTimeout(r, this.deps.leaseMs);
    });
    await Promise.race([this.#ticking, bound]);
    clearTimeout(timer);
    if (active) await this.deps.lease.release().catch(() => {});
  }
}
