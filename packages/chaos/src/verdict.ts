// What the chaos run must show (issue 18): nothing acknowledged is lost, no call fails, and after
// every fault each user's AstDB target is right again within 5 s.
import { MAX_RESYNC_S } from './bounds.js';
import type { ChaosResult } from './chaos-run.js';

export function chaosPassed(r: Pick<ChaosResult, 'lostReports' | 'callsFailed' | 'maxResyncS'>): boolean {
  return r.lostReports === 0 && r.callsFailed === 0 && r.maxResyncS <= MAX_RESYNC_S;
}
