// Users whose FreePBX Follow Me ignores Smart Assistant (router's FreePBX Follow-Me mode), each with
// the one step that fixes it (router's text, from GET /followme-status). Text nodes only.

import { h } from '../../shared/dom.js';
import type { AnswerOf } from '../endpoints.js';

/** One user's problem, as GET /followme-status lists it. */
export type FollowMeProblem = AnswerOf<'/api/v1/followme-status'>['items'][number];
type ProblemFacts = Pick<FollowMeProblem, 'extension' | 'status'> & { readonly fix?: string | null };

export function followMeWarningText(problem: ProblemFacts): string {
  const ext = problem.extension;
  const fix = String(problem.fix ?? '').replace(/\.?\s*$/, '.');
  if (problem.status === 'no-followme')
    return `${ext}: FreePBX ignores Smart Assistant's Follow-Me keys — no Follow Me is saved for this user. Fix: ${fix}`;
  if (problem.status === 'not-an-extension')
    return `${ext}: Smart Assistant cannot route this user's calls in Follow-Me mode — it is not a FreePBX extension. Fix: ${fix}`;
  return `${ext}: FreePBX Follow Me does not take Smart Assistant's targets. Fix: ${fix}`;
}

/** A short label for a table cell. */
export function followMeLabel(problem: Pick<FollowMeProblem, 'status'> | undefined): string {
  if (problem?.status === 'no-followme') return 'Follow Me not saved';
  if (problem?.status === 'not-an-extension') return 'Not a FreePBX extension';
  return 'Follow Me problem';
}

/** The warning banner for these problems, or null when there are none. */
export function followMeWarnings(problems: readonly ProblemFacts[]): HTMLElement | null {
  if (!problems.length) return null;
  return h(
    'div',
    { class: 'warning-banner followme-warnings', role: 'alert' },
    h(
      'p',
      {},
      problems.length === 1
        ? 'Calls to this user do not follow Smart Assistant yet:'
        : `Calls to ${problems.length} users do not follow Smart Assistant yet:`,
    ),
    h(
      'ul',
      {},
      problems.map((p) => h('li', {}, followMeWarningText(p))),
    ),
  );
}
