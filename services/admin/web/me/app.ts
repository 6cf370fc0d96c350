// The self-service page: sign in, then one view per hash route (#/now, #/calls, #/scenarios,
// #/places, #/privacy). Each view exports render(root, ctx); on every view change the focus moves
// to the view's heading so keyboard and screen-reader users land on the new content.
import { byId, h } from '../shared/dom.js';
import { createApi, type MeContext } from './api.js';
import * as calls from './views/calls.js';
import * as now from './views/now.js';
import * as places from './views/places.js';
import * as privacy from './views/privacy.js';
import * as scenarios from './views/scenarios.js';
import { renderSignIn } from './views/sign-in.js';

/** A view: render(root, ctx) draws it; ctx.refresh draws the current view again. */
interface MeView {
  render(root: HTMLElement, ctx: MeContext): Promise<void>;
}
const VIEWS: Record<string, MeView> = { now, calls, scenarios, places, privacy };
const main = byId('main');
const nav = byId('nav');
const whoami = byId('whoami');
const signOut = byId('sign-out');
const toasts = byId('toasts');

let signedIn = false;
const api = createApi({ onSignedOut: () => showSignIn('Your session has ended. Please sign in again.') });

function notify(text: string): void {
  const toast = h('p', { class: 'toast' }, text);
  toasts.append(toast);
  setTimeout(() => toast.remove(), 5000);
}

function showSignIn(notice?: string): void {
  signedIn = false;
  nav.hidden = true;
  signOut.hidden = true;
  whoami.textContent = '';
  renderSignIn(main, { api, notice, onSignedIn: start });
}

function currentView(): string {
  const name = location.hash.replace(/^#\/?/, '');
  return VIEWS[name] ? name : 'now';
}

async function renderView(): Promise<void> {
  if (!signedIn) return;
  const name = currentView();
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#/${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.replaceChildren();
  await VIEWS[name]?.render(main, { api, notify, refresh: renderView });
  main.querySelector('h1')?.focus();
}

async function start(): Promise<void> {
  let me: Awaited<ReturnType<typeof api.me>>;
  try {
    me = await api.me();
  } catch {
    showSignIn();
    return;
  }
  signedIn = true;
  whoami.textContent = me.displayName ? `${me.displayName} (${me.extension})` : me.extension;
  nav.hidden = false;
  signOut.hidden = false;
  await renderView();
}

window.addEventListener('hashchange', renderView);
signOut.addEventListener('click', async () => {
  await api.logout().catch(() => {});
  showSignIn('You have signed out.');
});

start();
