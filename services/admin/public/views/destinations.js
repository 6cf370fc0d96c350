// Destinations ("targets"): generic SMART-<Name> for everyone, specific <ext>-<Name> for one extension.

import { fill, h } from '../dom.js';
import { actions, badge, dataTable, rowButton } from '../ui/data-table.js';
import { confirmDialog } from '../ui/dialog.js';
import { pageInfo, pager } from '../ui/pager.js';
import { openDestinationForm } from './destination-form.js';
import { loadError, pageFrame, resultsRegion } from './page.js';

const PAGE_SIZE = 50;

export function render(root, { api, notify }) {
  const state = { offset: 0, scope: '', extension: '' };
  const body = pageFrame(root, {
    title: 'Destinations',
    description:
      'Where calls can be sent. Generic destinations are offered to every user, specific ones to one extension.',
    actions: [
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-primary',
          onclick: () => openDestinationForm({ api, notify, onSaved: load }),
        },
        'New destination',
      ),
    ],
  });
  const filter = h(
    'form',
    { class: 'toolbar', role: 'search', 'aria-label': 'Filter destinations' },
    h('label', { for: 'destination-scope' }, 'Scope'),
    h(
      'select',
      { id: 'destination-scope', name: 'scope' },
      h('option', { value: '' }, 'All'),
      h('option', { value: 'generic' }, 'Generic'),
      h('option', { value: 'specific' }, 'Specific'),
    ),
    h('label', { for: 'destination-extension' }, 'Extension'),
    h('input', {
      id: 'destination-extension',
      name: 'extension',
      type: 'search',
      inputmode: 'numeric',
      placeholder: 'any',
    }),
    h('button', { type: 'submit', class: 'btn' }, 'Apply'),
  );
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(filter);
    state.scope = String(data.get('scope'));
    state.extension = String(data.get('extension')).trim();
    state.offset = 0;
    load();
  });
  const results = resultsRegion();
  body.append(filter, results);

  async function load() {
    try {
      const response = await api.destinations.list({
        scope: state.scope,
        extension: state.extension,
        limit: PAGE_SIZE,
        offset: state.offset,
      });
      const info = pageInfo(response, state.offset, PAGE_SIZE);
      fill(
        results,
        dataTable({
          caption: 'Destinations',
          columns: columns(),
          rows: info.items,
          empty: 'No destinations yet.',
        }),
        pager({
          info,
          label: 'Destinations',
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

  function columns() {
    return [
      { label: 'Name', className: 'mono', render: (d) => d.name },
      { label: 'Dial string', className: 'mono', render: (d) => d.dial },
      {
        label: 'Scope',
        render: (d) =>
          d.scope === 'generic' ? badge('Generic', 'info') : badge(`Extension ${d.extension}`, 'accent'),
      },
      { label: 'Created by', render: (d) => d.createdBy ?? '—' },
      {
        label: 'Actions',
        render: (d) =>
          actions(
            rowButton('Edit', {
              label: `Edit ${d.name}`,
              onClick: () => openDestinationForm({ api, notify, destination: d, onSaved: load }),
            }),
            rowButton('Delete', { label: `Delete ${d.name}`, onClick: () => remove(d), danger: true }),
          ),
      },
    ];
  }

  async function remove(destination) {
    const confirmed = await confirmDialog({
      title: 'Delete destination?',
      message: `${destination.name} will no longer be offered to phones.`,
      confirmLabel: 'Delete destination',
    });
    if (!confirmed) return;
    try {
      await api.destinations.remove(destination.id);
      notify(`Destination ${destination.name} deleted`);
      load();
    } catch (error) {
      notify(error.message, 'error');
    }
  }

  load();
}
