// Users (PBX extensions): declared here or created with their first device; specific destinations
// and scenarios name them.

import { fill, h } from '../dom.js';
import { actions, dataTable, rowButton } from '../ui/data-table.js';
import { confirmDialog, openDialog } from '../ui/dialog.js';
import { textField } from '../ui/fields.js';
import { formAlert, showFormError } from '../ui/form-errors.js';
import { pageInfo, pager } from '../ui/pager.js';
import { loadError, pageFrame, resultsRegion } from './page.js';

const PAGE_SIZE = 50;

export function render(root, { api, notify }) {
  const state = { offset: 0, prefix: '' };
  const body = pageFrame(root, {
    title: 'Users',
    description:
      'PBX extensions known to Smart Assistant. Registering a device adds its extension automatically.',
    actions: [
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => openForm() }, 'Add extension'),
    ],
  });
  const filter = h(
    'form',
    { class: 'toolbar', role: 'search', 'aria-label': 'Filter users' },
    h('label', { for: 'user-filter' }, 'Extension starts with'),
    h('input', {
      id: 'user-filter',
      name: 'prefix',
      type: 'search',
      inputmode: 'numeric',
      placeholder: 'e.g. 2',
    }),
    h('button', { type: 'submit', class: 'btn' }, 'Apply'),
  );
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    state.prefix = String(new FormData(filter).get('prefix')).trim();
    state.offset = 0;
    load();
  });
  const results = resultsRegion();
  body.append(filter, results);

  async function load() {
    try {
      const response = await api.extensions.list({
        prefix: state.prefix,
        limit: PAGE_SIZE,
        offset: state.offset,
      });
      const info = pageInfo(response, state.offset, PAGE_SIZE);
      fill(
        results,
        dataTable({
          caption: 'Users',
          rows: info.items,
          empty: 'No extensions yet.',
          columns: [
            { label: 'Extension', render: (u) => h('strong', {}, u.extension) },
            { label: 'Name', render: (u) => u.displayName || h('span', { class: 'muted' }, '—') },
            { label: 'Devices', render: (u) => String(u.deviceCount ?? 0) },
            {
              label: 'Actions',
              render: (u) =>
                actions(
                  h(
                    'a',
                    {
                      class: 'btn btn-small',
                      href: '#/scenarios',
                      onclick: () => sessionStorage.setItem('sa-scenarios-ext', u.extension),
                      'aria-label': `Scenarios of ${u.extension}`,
                    },
                    'Scenarios',
                  ),
                  rowButton('Delete', {
                    label: `Delete extension ${u.extension}`,
                    onClick: () => remove(u),
                    danger: true,
                  }),
                ),
            },
          ],
        }),
        pager({
          info,
          label: 'Users',
          onPrevious: () => {
            state.offset = Math.max(0, state.offset - PAGE_SIZE);
            load();
          },
          onNext: () => {
            state.offset += PAGE_SIZE;
            load();
          },
        }),
      );
    } catch (error) {
      fill(results, loadError(error));
    }
  }

  function openForm() {
    const form = h(
      'form',
      { class: 'form', novalidate: true },
      formAlert(),
      textField({
        label: 'Extension',
        name: 'extension',
        required: true,
        inputmode: 'numeric',
        autocomplete: 'off',
        hint: '2 to 10 digits, as in the PBX.',
      }),
      textField({ label: 'Display name (optional)', name: 'displayName', autocomplete: 'off' }),
      h(
        'div',
        { class: 'form-actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => dialog.close() }, 'Cancel'),
        h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add extension'),
      ),
    );
    const dialog = openDialog({ title: 'Add extension', content: form });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const displayName = String(data.get('displayName')).trim();
      const extension = String(data.get('extension')).trim();
      try {
        await api.extensions.create({ extension, ...(displayName ? { displayName } : {}) });
        notify(`Extension ${extension} added`);
        dialog.close();
        load();
      } catch (error) {
        showFormError(form, error);
      }
    });
  }

  async function remove(user) {
    const confirmed = await confirmDialog({
      title: 'Delete extension?',
      message: `Extension ${user.extension} can only be removed once it has no devices, destinations or scenarios.`,
      confirmLabel: 'Delete extension',
    });
    if (!confirmed) return;
    try {
      await api.extensions.remove(user.extension);
      notify(`Extension ${user.extension} deleted`);
      load();
    } catch (error) {
      notify(error.message, 'error');
    }
  }

  load();
}
