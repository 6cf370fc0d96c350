// Each adapter registers a health check; /readyz is ready only when every check is up.

export type HealthStatus = 'up' | 'down' | 'degraded';

export interface HealthReport {
  readonly status: HealthStatus;
  readonly detail?: string;
}

export type HealthCheck = () => HealthReport | Promise<HealthReport>;

export interface ReadinessResult {
  readonly ready: boolean;
  readonly checks: Record<string, HealthReport>;
}

export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  add(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async evaluate(): Promise<ReadinessResult> {
    const checks: Record<string, HealthReport> = {};
    let ready = true;
    for (const [name, check] of this.checks) {
      let report: HealthReport;
      try {
        report = await check();
      } catch (err) {
        report = { status: 'down', detail: err instanceof Error ? err.message : String(err) };
      }
      checks[name] = report;
      if (report.status === 'down') ready = false;
    }
    return { ready, checks };
  }
}
