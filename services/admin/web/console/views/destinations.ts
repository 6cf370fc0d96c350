// Destinations ("targets"): generic SMART-<Name> for everyone, specific <ext>-<Name> for one extension.

import { h } from '../../shared/dom.js';
import type { QueryOf } from '../endpoints.js';
import { actions, badge, rowButton } from '../ui/data-table.js';
import { filterInput, listView } from '../ui/list-view.js';
import type { Cleanup, ViewContext } from '../view-context.js';
import { type Destination, openDestinationForm } from './destination-form.js';
import { pageFrame } from './page.js';

const PAGE_SIZE = 50;
const SCOPES = ['generic', 'specific'] as const;

export function render(root: HTMLElement, { api, notify }: ViewContext): Cleanup | undefined {
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
    fetchPage: ({ limit, offset, filters }) =>
      api.destinations.list({ scope: scopeOf(filters.scope), extension: filters.extension, limit, offset }),
    notify,
    caption: 'Destinations',
    columns: columns(),
    empty: 'No destinations yet.',
  });

  function columns() {
    return [
      { label: 'Name', className: 'mono', render: (d: Destination) => d.name },
      { label: 'Dial string', className: 'mono', render: (d: Destination) => d.dial },
      {
        label: 'Scope',
        render: (d: Destination) =>
          d.scope === 'generic' ? badge('Generic', 'info') : badge(`Extension ${d.extension}`, 'accent'),
      },
      { label: 'Created by', render: (d: Destination) => d.createdBy ?? '—' },
      {
        label: 'Actions',
        render: (d: Destination) =>
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

  function remove(destination: Destination) {
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
  return undefined;
}

/** The scope filter as the API takes it ('All' is no filter). */
function scopeOf(value: string | undefined): QueryOf<'/api/v1/destinations'>['scope'] {
  return SCOPES.find((scope) => scope === value);
}
