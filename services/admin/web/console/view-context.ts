// What every console page receives from app.ts, and what it returns.
import type { AnswerOf, Api } from './endpoints.js';

export type Tone = 'success' | 'error' | 'info';
export type Notify = (message: string, tone?: Tone) => void;

/** The signed-in account (GET /auth/me). */
export type Session = Pick<AnswerOf<'/api/v1/auth/me'>, 'username' | 'role'>;

export interface ViewContext {
  readonly api: Api;
  readonly notify: Notify;
  readonly session: Session;
}

/** Closes what the page opened (streams, timers) when another page replaces it. */
export type Cleanup = () => void;

/** A page module: views/<name>.ts exports render. */
export interface View {
  render(root: HTMLElement, ctx: ViewContext): Cleanup | undefined;
}
