// Console entrypoint: session check, hash router, navigation. Each view lives in views/<name>.js and
// exports render(root, ctx) returning an optional cleanup function (closing streams, timers).
// A helpdesk account sees only the navigation entries marked data-helpdesk in index.html (the API
// refuses the rest with 403 ADMIN_FORBIDDEN; a view opened by its address shows that refusal).

import { byId } from '../shared/dom.js';
import { createEndpoints } from './endpoints.js';
import { focusHeading } from './ui/focus.js';
import { createNotifier } from './ui/notify.js';
import type { Cleanup, Session, View } from './view-context.js';
import { renderLogin } from './views/login.js';
import { loadError } from './views/page.js';

// each page's module loads when the page is first opened (the sign-in page needs none of them)
const ROUTES: Record<string, () => Promise<View>> = {
  devices: () => import('./views/devices.js'),
  users: () => import('./views/users.js'),
  destinations: () => import('./views/destinations.js'),
  locations: () => import('./views/locations.js'),
  'access-points': () => import('./views/access-points.js'),
  scenarios: () => import('./views/scenarios.js'),
  board: () => import('./views/board.js'),
  keys: () => import('./views/keys.js'),
  audit: () => import('./views/audit.js'),
  automation: () => import('./views/automation.js'),
  bulk: () => import('./views/bulk.js'),
  accounts: () => import('./views/accounts.js'),
  privacy: () => import('./views/privacy.js'),
  password: () => import('./views/password.js'),
};
const DEFAULT_ROUTE = 'devices';

const shell = byId('shell');
const loginScreen = byId('login-screen');
const main = byId('main');
const nav = byId('main-nav');
const menuToggle = byId('menu-toggle');
const whoami = byId('whoami');

const api = createEndpoints({
  onUnauthorized: () => showLogin('Your session has ended. Please sign in again.'),
});
const notify = createNotifier(byId('toasts'));
let cleanup: Cleanup | null = null;
/** The signed-in account (GET /auth/me). */
let session: Session | null = null;

function showLogin(notice?: string): void {
  cleanup?.();
  cleanup = null;
  shell.hidden = true;
  loginScreen.hidden = false;
  renderLogin(loginScreen, { api, notice, onSignedIn: () => start() });
}

function showShell(me: Session): void {
  session = { username: me.username, role: me.role };
  const helpdesk = session.role === 'helpdesk';
  for (const link of nav.querySelectorAll('a')) link.hidden = helpdesk && !link.hasAttribute('data-helpdesk');
  if (whoami) whoami.textContent = `${me.username} (${helpdesk ? 'Helpdesk' : 'Administrator'})`;
  loginScreen.hidden = true;
  loginScreen.replaceChildren();
  shell.hidden = false;
  showRoute();
}

function currentRoute() {
  const name = location.hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  return ROUTES[name] ? name : DEFAULT_ROUTE;
}

/** A page whose module cannot be loaded (the server went away) says so instead of staying blank. */
function showRoute() {
  renderRoute().catch((error) => main.replaceChildren(loadError(error)));
}

/** counts page changes: a page whose module arrives after the next change was asked for is dropped */
let pageTurn = 0;

async function renderRoute() {
  if (shell.hidden) return;
  cleanup?.();
  cleanup = null;
  for (const dialog of document.querySelectorAll('dialog[open]')) (dialog as HTMLDialogElement).close();
  const name = currentRoute();
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#/${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  setMenuOpen(false);
  // the old page goes at once: nothing of it stays while the new page's module loads
  main.replaceChildren();
  const turn = ++pageTurn;
  const view = await ROUTES[name]!();
  if (turn !== pageTurn || shell.hidden || !session) return;
  const result = view.render(main, { api, notify, session });
  cleanup = typeof result === 'function' ? result : null;
  // a new page is announced by its title and its heading, where keyboard focus starts again
  focusHeading(main);
}

function menuOpen() {
  return menuToggle.getAttribute('aria-expanded') === 'true';
}

function setMenuOpen(open: boolean): void {
  menuToggle.setAttribute('aria-expanded', String(open));
  nav.classList.toggle('open', open);
}

/** The opened menu (phones) is next in the Tab order after its button, and Escape closes it. */
function menuKeys(event: KeyboardEvent): void {
  if (!menuOpen()) return;
  if (event.key === 'Escape') {
    setMenuOpen(false);
    menuToggle.focus();
  } else if (event.key === 'Tab' && !event.shiftKey && event.target === menuToggle) {
    event.preventDefault();
    [...nav.querySelectorAll('a')].find((link) => !link.hidden)?.focus();
  } else if (event.key === 'Tab' && event.shiftKey && event.target === nav.querySelector('a:not([hidden])')) {
    event.preventDefault();
    menuToggle.focus();
  }
}

menuToggle.addEventListener('click', () => setMenuOpen(!menuOpen()));
document.addEventListener('keydown', menuKeys);
// the skip link moves focus to the page, without the hash router reading "#main" as a route
document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', showRoute);
byId('logout').addEventListener('click', async () => {
  try {
    await api.auth.logout();
  } catch {
    // the session is dropped locally either way
  }
  showLogin('You have signed out.');
});

async function start() {
  let me: Session;
  try {
    me = await api.auth.me();
  } catch {
    showLogin();
    return;
  }
  showShell(me);
}

start();
