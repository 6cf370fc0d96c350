// Sign-in screen.

import { fill, h } from '../../shared/dom.js';
import type { Api } from '../endpoints.js';
import { isBusy, whileBusy } from '../ui/busy-button.js';
import { textField } from '../ui/fields.js';
import { checkRequired, formAlert, showFormError } from '../ui/form-errors.js';

export interface LoginOptions {
  readonly api: Api;
  /** Why the user must sign in (again), e.g. "Your session has ended…"; focus then starts at the password. */
  readonly notice?: string;
  readonly onSignedIn: () => void;
}

export function renderLogin(root: HTMLElement, { api, notice, onSignedIn }: LoginOptions): void {
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in');
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
    submit,
  );
  const input = (name: string): HTMLInputElement | null => form.querySelector(`input[name=${name}]`);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(submit) || !checkRequired(form)) return;
    const data = new FormData(form);
    await whileBusy(submit, async () => {
      try {
        await api.auth.login(String(data.get('username')), String(data.get('password')));
        onSignedIn();
      } catch (error) {
        showFormError(form, error);
        const password = input('password');
        if (password) password.value = '';
      }
    });
  });
  fill(root, h('div', { class: 'login-wrap' }, form));
  document.title = 'Sign in – Smart Assistant';
  input(notice ? 'password' : 'username')?.focus();
}
