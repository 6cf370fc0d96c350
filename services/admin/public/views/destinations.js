// Destinations ("targets"): generic SMART-<Name> for everyone, specific <ext>-<Name> for one extension.

import { h } from '../dom.js';
import { actions, badge, rowButton } from '../ui/data-table.js';
import { filterInput, listView } from '../ui/list-view.js';
import { openDestinationForm } from './destination-form.js';
import { pageFrame } from './page.js';

const PAGE_SIZE = 50;

export function render(root, { api, notify }) {
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
          onclick: () => openDestinationForm({ api, notify, onSaved: list.reload }),
        },
        'New destination',
      ),
    ],
  });
  const list = listView({
    filter: {
      label: 'Filter destinations',
      controls: [
        h('label', { for: 'destination-scope' }, 'Scope'),
        h(
          'select',
          { id: 'destination-scope', name: 'scope' },
          h('option', { value: '' }, 'All'),
          h('option', { value: 'generic' }, 'Generic'),
          h('option', { value: 'specific' }, 'Specific'),
        ),
        filterInput({
          id: 'destination-extension',
          name: 'extension',
          label: 'Extension',
          placeholder: 'any',
        }),
      ],
    },
    pageSize: PAGE_SIZE,
    fetchPage: ({ limit, offset, filters }) => api.destinations.list({ ...filters, limit, offset }),
    notify,
    caption: 'Destinations',
    columns: columns(),
    empty: 'No destinations yet.',
  });

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
              onClick: () => openDestinationForm({ api, notify, destination: d, onSaved: list.reload }),
            }),
            rowButton('Delete', { label: `Delete ${d.name}`, onClick: () => remove(d), danger: true }),
          ),
      },
    ];
  }

  function remove(destination) {
    return list.confirmChange(
      {
        title: 'Delete destination?',
        message: `${destination.name} will no longer be offered to phones.`,
        confirmLabel: 'Delete destination',
      },
      () => api.destinations.remove(destination.id),
      `Destination ${destination.name} deleted`,
    );
  }

  body.append(list.filter, list.results);
  list.reload();
}
