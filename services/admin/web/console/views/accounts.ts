// Accounts (administrators only): who may sign in to the console and with which role. A generated
// password is shown once, right after it is made; the last enabled administrator cannot be deleted,
// disabled or demoted (the API refuses and the message says so).

import { formatDateTime, h } from '../../shared/dom.js';
import type { AnswerOf } from '../endpoints.js';
import { actions, badge, type Column, rowButton } from '../ui/data-table.js';
import { confirmDialog, openDialog } from '../ui/dialog.js';
import { selectField, textField } from '../ui/fields.js';
import { formDialog, secretOnce } from '../ui/form-dialog.js';
import { type ListView, listView } from '../ui/list-view.js';
import type { Cleanup, ViewContext } from '../view-context.js';
import { pageFrame } from './page.js';

type Account = AnswerOf<'/api/v1/accounts'>['items'][number];
type Role = Account['role'];

const ROLES: readonly { value: Role; label: string }[] = [
  { value: 'helpdesk', label: 'Helpdesk (devices and the board)' },
  { value: 'administrator', label: 'Administrator (everything)' },
];
const ROLE_NAMES: Record<Role, string> = { administrator: 'Administrator', helpdesk: 'Helpdesk' };

export function render(root: HTMLElement, ctx: ViewContext): Cleanup | undefined {
  const body = pageFrame(root, {
    title: 'Accounts',
    description:
      'Who may sign in to this console. Helpdesk accounts see devices and the board and can enable or disable devices; administrators can do everything.',
    actions: [
      h(
        'button',
        { type: 'button', class: 'btn btn-primary', onclick: () => openCreate(ctx, list) },
        'Add account',
      ),
    ],
  });
  const list: ListView = listView<Account>({
    fetchPage: () => ctx.api.accounts.list(),
    notify: ctx.notify,
    caption: 'Accounts',
    columns: columns((a) => rowActions(ctx, list, a)),
    empty: 'No accounts.',
  });
  body.append(list.results);
  list.reload();
  return undefined;
}

function columns(actionsOf: (a: Account) => HTMLElement): Column<Account>[] {
  return [
    { label: 'Username', render: (a) => h('span', { class: 'mono' }, a.username) },
    {
      label: 'Role',
      render: (a) => badge(ROLE_NAMES[a.role] ?? a.role, a.role === 'administrator' ? 'accent' : 'info'),
    },
    {
      label: 'Status',
      render: (a) => (a.enabled ? badge('Enabled', 'success') : badge('Disabled', 'muted')),
    },
    { label: 'Password changed', render: (a) => formatDateTime(a.passwordChangedAt) },
    { label: 'Actions', render: actionsOf },
  ];
}

function rowActions(ctx: ViewContext, list: ListView, a: Account): HTMLElement {
  const { api } = ctx;
  const other: Role = a.role === 'administrator' ? 'helpdesk' : 'administrator';
  const makeOther = other === 'helpdesk' ? 'Make helpdesk' : 'Make administrator';
  return actions(
    rowButton(makeOther, {
      // the visible words start the name (WCAG 2.5.3, label in name)
      label: `${makeOther}: ${a.username}`,
      onClick: () =>
        list.change(() => api.accounts.update(a.username, { role: other }), `${a.username} is now ${other}`),
    }),
    rowButton(a.enabled ? 'Disable' : 'Enable', {
      label: `${a.enabled ? 'Disable' : 'Enable'} ${a.username}`,
      onClick: () =>
        list.change(
          () => api.accounts.update(a.username, { enabled: !a.enabled }),
          `${a.username} ${a.enabled ? 'disabled' : 'enabled'}`,
        ),
    }),
    rowButton('Reset password', {
      label: `Reset password of ${a.username}`,
      onClick: () => resetPassword(ctx, list, a),
    }),
    rowButton('Delete', {
      label: `Delete ${a.username}`,
      danger: true,
      onClick: () =>
        list.confirmChange(
          {
            title: 'Delete account?',
            message: `${a.username} can no longer sign in; its sessions and API tokens end now.`,
            confirmLabel: 'Delete account',
          },
          () => api.accounts.remove(a.username),
          `Account ${a.username} deleted`,
        ),
    }),
  );
}

function openCreate({ api, notify }: ViewContext, list: ListView): void {
  formDialog({
    title: 'Add account',
    submitLabel: 'Add account',
    fields: [
      textField({
        label: 'Username',
        name: 'username',
        required: true,
        autocomplete: 'off',
        maxlength: 64,
        hint: 'Letters, digits and _ . @ -',
      }),
      selectField({ label: 'Role', name: 'role', options: ROLES, value: 'helpdesk' }),
      textField({
        label: 'Password (optional)',
        name: 'password',
        type: 'password',
        autocomplete: 'new-password',
        hint: 'Leave empty to generate one. Otherwise at least 8 characters.',
      }),
    ],
    onSubmit: async (data) => {
      const password = String(data.get('password'));
      const result = await api.accounts.create({
        username: String(data.get('username')).trim(),
        role: data.get('role') === 'administrator' ? 'administrator' : 'helpdesk',
        ...(password ? { password } : {}),
      });
      list.reload();
      if (result.generatedPassword)
        return secretOnce(
          `Account ${result.account.username} was created. Copy its password now: it will not be shown again.`,
          result.generatedPassword,
        );
      notify(`Account ${result.account.username} created`);
    },
  });
}

async function resetPassword({ api, notify }: ViewContext, list: ListView, account: Account): Promise<void> {
  const ok = await confirmDialog({
    title: 'Reset password?',
    message: `${account.username} gets a new generated password and is signed out everywhere.`,
    confirmLabel: 'Reset password',
  });
  if (!ok) return;
  try {
    const result = await api.accounts.resetPassword(account.username);
    const shown = openDialog({
      title: 'New password',
      content: [
        secretOnce(
          `The new password of ${result.username}. Copy it now: it will not be shown again.`,
          result.generatedPassword,
        ),
        h(
          'div',
          { class: 'form-actions' },
          h('button', { type: 'button', class: 'btn btn-primary', onclick: () => shown.close() }, 'Done'),
        ),
      ],
    });
    list.reload();
  } catch (error) {
    notify(error instanceof Error ? error.message : String(error), 'error');
  }
}
