// Change password: the signed-in account's own password (any role). The API needs the current one,
// and signs the account out of every other browser; this one stays signed in.

import { h } from '../../shared/dom.js';
import { isBusy, whileBusy } from '../ui/busy-button.js';
import { textField } from '../ui/fields.js';
import { checkRequired, formAlert, showFormError } from '../ui/form-errors.js';
import type { Cleanup, ViewContext } from '../view-context.js';
import { pageFrame } from './page.js';

export function render(root: HTMLElement, { api, notify, session }: ViewContext): Cleanup | undefined {
  const body = pageFrame(root, {
    title: 'Change password',
    description: `Account ${session.username}. Other browsers signed in to this account are signed out.`,
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Change password');
  const form = h(
    'form',
    { class: 'form form-narrow', novalidate: true, 'aria-label': 'Change password' },
    formAlert(),
    textField({
      label: 'Current password',
      name: 'currentPassword',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    }),
    textField({
      label: 'New password',
      name: 'newPassword',
      type: 'password',
      autocomplete: 'new-password',
      required: true,
      hint: 'At least 8 characters.',
    }),
    textField({
      label: 'Repeat new password',
      name: 'repeatPassword',
      type: 'password',
      autocomplete: 'new-password',
      required: true,
    }),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(submit) || !checkRequired(form)) return;
    const data = new FormData(form);
    const newPassword = String(data.get('newPassword'));
    if (newPassword !== String(data.get('repeatPassword'))) {
      showFormError(form, {
        message: 'Repeat new password: does not match the new password',
        details: { field: 'repeatPassword' },
      });
      return;
    }
    await whileBusy(submit, async () => {
      try {
        const result = await api.auth.changePassword({
          currentPassword: String(data.get('currentPassword')),
          newPassword,
        });
        form.reset();
        notify(
          result.sessionsEnded > 0
            ? `Password changed; ${result.sessionsEnded} other session(s) signed out`
            : 'Password changed',
        );
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  body.append(form);
  return undefined;
}
