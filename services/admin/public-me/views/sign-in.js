// Sign in with extension and the password an administrator gave you.
import { field, formAlert, h } from '../dom.js';

export function renderSignIn(root, { api, notice, onSignedIn }) {
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
  const form = h(
    'form',
    { class: 'card sign-in', novalidate: true },
    h('h1', { tabindex: '-1', class: 'view-title' }, 'Sign in'),
    h(
      'p',
      { class: 'muted' },
      'Your calls, your scenarios and places. Ask your administrator for a password.',
    ),
    notice ? h('p', { class: 'notice' }, notice) : null,
    alert,
    extension,
    password,
    h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ext = extension.querySelector('input').value.trim();
    const pass = password.querySelector('input').value;
    if (!ext || !pass) {
      alert.textContent = 'Type your extension and your password.';
      return;
    }
    try {
      await api.login(ext, pass);
      await onSignedIn();
    } catch (error) {
      alert.textContent =
        error.code === 'ADMIN_AUTH_RATE_LIMITED' ? error.message : 'Wrong extension or password.';
      password.querySelector('input').value = '';
    }
  });
  root.replaceChildren(form);
  form.querySelector('h1').focus();
}
