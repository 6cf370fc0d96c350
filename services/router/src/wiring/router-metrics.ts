// Router's Prometheus metrics, defined once here; the wiring hands each one to what observes it.
import { Counter, Gauge, Histogram, type Registry } from '@sa/platform';

export interface RouterMetrics {
  readonly batches: Counter;
  readonly decisionChanges: Counter;
  readonly undecodableEvents: Counter;
  readonly unstoredEvents: Counter;
  readonly callDecision: Histogram;
  readonly ringingRedirects: Counter<'result'>;
}

export function routerMetrics(registry: Registry): RouterMetrics {
  const registers = [registry];
  return {
    batches: new Counter({ name: 'sa_router_batches_total', help: 'committed event batches', registers }),
    decisionChanges: new Counter({
      name: 'sa_router_decision_changes_total',
      help: 'target changes',
      registers,
    }),
    undecodableEvents: new Counter({
      name: 'sa_router_undecodable_events_total',
      help: 'skipped',
      registers,
    }),
    unstoredEvents: new Counter({
      name: 'sa_router_unstored_events_total',
      help: "phone events applied from ingest's unstored copies (the stream could not store them then)",
      registers,
    }),
    callDecision: new Histogram({
      name: 'sa_router_call_decision_seconds',
      help: 'CallArrived -> RouteDecision',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05],
      registers,
    }),
    ringingRedirects: new Counter({
      name: 'sa_router_ringing_redirects_total',
      help: 'still-ringing calls redirected to a changed target (REDIRECT_RINGING_ON_CHANGE), by result',
      labelNames: ['result'],
      registers,
    }),
  };
}

/** The Follow-Me guard's metrics (FreePBX Follow-Me mode only): what it finds and repairs per check. */
export function followMeMetrics(registry: Registry) {
  const registers = [registry];
  return {
    missing: new Gauge({
      name: 'sa_router_followme_missing',
      help: "owned Follow-Me users FreePBX ignores router's keys for: no saved Follow Me, or no extension",
      labelNames: ['reason'],
      registers,
    }),
    repairs: new Counter({
      name: 'sa_router_followme_repairs_total',
      help: 'users whose Follow-Me keys FreePBX changed (reload, page save) and router wrote again',
      registers,
    }),
    checks: new Counter({
      name: 'sa_router_followme_checks_total',
      help: 'Follow-Me checks (one AMPUSER read each), by result',
      labelNames: ['result'],
      registers,
    }),
  };
}
