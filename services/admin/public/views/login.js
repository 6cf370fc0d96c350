// Sign-in screen.

import { fill, h } from '../dom.js';
import { textField } from '../ui/fields.js';
import { checkRequired, formAlert, showFormError } from '../ui/form-errors.js';

export function renderLogin(root, { api, notice, onSignedIn }) {
  const form = h(
    'form',
    { class: 'login-card', 'aria-labelledby': 'login-title', novalidate: true },
    h(
      'div',
      { class: 'login-brand' },
      h('img', { src: 'favicon.svg', alt: '', width: 40, height: 40 }),
      h(
        'div',
        {},
        h('h1', { id: 'login-title' }, 'Sign in'),
        h('p', { class: 'muted' }, 'Smart Assistant administration'),
      ),
    ),
    notice ? h('p', { class: 'notice' }, notice) : null,
    formAlert(),
    textField({
      label: 'Username',
      name: 'username',
      autocomplete: 'username',
      required: true,
      value: 'admin',
    }),
    textField({
      label: 'Password',
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    }),
    h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!checkRequired(form)) return;
    const data = new FormData(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await api.auth.login(String(data.get('username')), String(data.get('password')));
      onSignedIn();
    } catch (error) {
      showFormError(form, error);
      form.querySelector('input[name=password]').value = '';
    } finally {
      button.disabled = false;
    }
  });
  fill(root, h('div', { class: 'login-wrap' }, form));
  document.title = 'Sign in – Smart Assistant';
  form.querySelector(notice ? 'input[name=password]' : 'input[name=username]').focus();
}
