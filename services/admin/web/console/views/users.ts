// Users (PBX extensions): declared here or created with their first device; specific destinations
// and scenarios name them.

import { h } from '../../shared/dom.js';
import type { AnswerOf } from '../endpoints.js';
import { actions, rowButton } from '../ui/data-table.js';
import { textField } from '../ui/fields.js';
import { formDialog } from '../ui/form-dialog.js';
import { filterInput, listView } from '../ui/list-view.js';
import type { Cleanup, ViewContext } from '../view-context.js';
import { pageFrame } from './page.js';

type User = AnswerOf<'/api/v1/extensions'>['items'][number];

const PAGE_SIZE = 50;

export function render(root: HTMLElement, ctx: ViewContext): Cleanup | undefined {
  const { api, notify } = ctx;
  const body = pageFrame(root, {
    title: 'Users',
    description:
      'PBX extensions known to Smart Assistant. Registering a device adds its extension automatically.',
    actions: [
      h(
        'button',
        { type: 'button', class: 'btn btn-primary', onclick: () => openAddForm(ctx, () => list.reload()) },
        'Add extension',
      ),
    ],
  });
  const list = listView({
    filter: {
      label: 'Filter users',
      controls: filterInput({
        id: 'user-filter',
        name: 'prefix',
        label: 'Extension starts with',
        placeholder: 'e.g. 2',
      }),
    },
    pageSize: PAGE_SIZE,
    fetchPage: ({ limit, offset, filters }) => api.extensions.list({ ...filters, limit, offset }),
    notify,
    caption: 'Users',
    empty: 'No extensions yet.',
    columns: userColumns({ setPassword: (user) => openPasswordForm(ctx, user), remove }),
  });

  function remove(user: User) {
    return list.confirmChange(
      {
        title: 'Delete extension?',
        message: `Extension ${user.extension} can only be removed once it has no devices, destinations or scenarios.`,
        confirmLabel: 'Delete extension',
      },
      () => api.extensions.remove(user.extension),
      `Extension ${user.extension} deleted`,
    );
  }

  body.append(list.filter, list.results);
  list.reload();
  return undefined;
}

function userColumns(act: { setPassword: (user: User) => void; remove: (user: User) => void }) {
  return [
    { label: 'Extension', render: (u: User) => h('strong', {}, u.extension) },
    { label: 'Name', render: (u: User) => u.displayName || h('span', { class: 'muted' }, '—') },
    { label: 'Devices', render: (u: User) => String(u.deviceCount ?? 0) },
    {
      label: 'Actions',
      render: (u: User) =>
        actions(
          h(
            'a',
            {
              class: 'btn btn-small',
              href: '#/scenarios',
              // the Scenarios page opens on this user
              onclick: () => sessionStorage.setItem('sa-scenarios-ext', u.extension),
              'aria-label': `Scenarios of ${u.extension}`,
            },
            'Scenarios',
          ),
          rowButton('Self-service password', {
            label: `Set the self-service password of ${u.extension}`,
            onClick: () => act.setPassword(u),
          }),
          rowButton('Delete', {
            label: `Delete extension ${u.extension}`,
            onClick: () => act.remove(u),
            danger: true,
          }),
        ),
    },
  ];
}

function openAddForm({ api, notify }: ViewContext, onAdded: () => void): void {
  formDialog({
    title: 'Add extension',
    submitLabel: 'Add extension',
    fields: [
      textField({
        label: 'Extension',
        name: 'extension',
        required: true,
        inputmode: 'numeric',
        autocomplete: 'off',
        hint: '2 to 10 digits, as in the PBX.',
      }),
      textField({ label: 'Display name (optional)', name: 'displayName', autocomplete: 'off' }),
    ],
    onSubmit: async (data: FormData) => {
      const displayName = String(data.get('displayName')).trim();
      const extension = String(data.get('extension')).trim();
      await api.extensions.create({ extension, ...(displayName ? { displayName } : {}) });
      notify(`Extension ${extension} added`);
      onAdded();
    },
  });
}

// the user signs in at /me/ with it; setting it again ends the user's sessions
function openPasswordForm({ api, notify }: ViewContext, user: User): void {
  formDialog({
    title: `Self-service password of ${user.extension}`,
    submitLabel: 'Set password',
    fields: [
      textField({
        label: 'New password',
        name: 'password',
        type: 'password',
        autocomplete: 'new-password',
        required: true,
        hint: 'At least 8 characters. The user signs in at /me/ with the extension and this password.',
      }),
    ],
    onSubmit: async (data: FormData) => {
      await api.extensions.setPassword(user.extension, String(data.get('password')));
      notify(`Self-service password of ${user.extension} set`);
    },
  });
}
