// Sign in with extension and the password an administrator gave you.
import { h } from '../../shared/dom.js';
import { hasCode, type MeApi, messageOf } from '../api.js';
import { field, formAlert } from '../dom.js';

interface SignInContext {
  readonly api: MeApi;
  /** shown above the form, e.g. "You have signed out." */
  readonly notice?: string | undefined;
  readonly onSignedIn: () => Promise<void>;
}

export function renderSignIn(root: HTMLElement, { api, notice, onSignedIn }: SignInContext): void {
  const alert = formAlert();
  const extension = field('Extension', {
    name: 'extension',
    inputmode: 'numeric',
    autocomplete: 'username',
    required: true,
  });
  const password = field('Password', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const title = h('h1', { tabindex: '-1', class: 'view-title' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card sign-in', novalidate: true },
    title,
    h(
      'p',
      { class: 'muted' },
      'Your calls, your scenarios and places. Ask your administrator for a password.',
    ),
    notice ? h('p', { class: 'notice' }, notice) : null,
    alert,
    extension.element,
    password.element,
    h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ext = extension.control.value.trim();
    const pass = password.control.value;
    if (!ext || !pass) {
      alert.textContent = 'Type your extension and your password.';
      return;
    }
    try {
      await api.login(ext, pass);
      await onSignedIn();
    } catch (error) {
      // a rate limit says when to try again; any other refusal is the same "wrong" for both fields
      alert.textContent = hasCode(error, 'ADMIN_AUTH_RATE_LIMITED')
        ? messageOf(error)
        : 'Wrong extension or password.';
      password.control.value = '';
    }
  });
  root.replaceChildren(form);
  title.focus();
}
