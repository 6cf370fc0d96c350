// Locations: named places recognised by Wi-Fi network names (SSIDs) and/or access points (BSSIDs).

import { h } from '../../shared/dom.js';
import type { AnswerOf } from '../endpoints.js';
import { actions, rowButton } from '../ui/data-table.js';
import { linesOf, textareaField, textField } from '../ui/fields.js';
import { formDialog } from '../ui/form-dialog.js';
import { listView } from '../ui/list-view.js';
import type { Cleanup, ViewContext } from '../view-context.js';
import { pageFrame } from './page.js';

type Location = AnswerOf<'/api/v1/locations'>['items'][number];

export function render(root: HTMLElement, { api, notify }: ViewContext): Cleanup | undefined {
  const body = pageFrame(root, {
    title: 'Locations',
    description:
      'Places a phone recognises by the Wi-Fi it sees (or its access points report, see Access points). Scenarios use them in rules.',
    actions: [
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => openForm() }, 'New location'),
    ],
  });

  const list = listView({
    notify,
    fetchPage: () => api.locations.list({ limit: 200, offset: 0 }),
    caption: 'Locations',
    empty: 'No locations yet.',
    columns: [
      { label: 'Name', render: (l: Location) => h('strong', {}, l.name) },
      { label: 'SSIDs', render: (l: Location) => chips(l.ssids) },
      { label: 'BSSIDs', className: 'mono', render: (l: Location) => chips(l.bssids) },
      {
        label: 'Actions',
        render: (l: Location) =>
          actions(
            rowButton('Edit', { label: `Edit ${l.name}`, onClick: () => openForm(l) }),
            rowButton('Delete', { label: `Delete ${l.name}`, onClick: () => remove(l), danger: true }),
          ),
      },
    ],
  });

  function openForm(location?: Location) {
    formDialog({
      title: location ? `Edit ${location.name}` : 'New location',
      submitLabel: location ? 'Save location' : 'Create location',
      fields: locationFields(location),
      onSubmit: async (data: FormData) => {
        const payload = {
          name: String(data.get('name')).trim(),
          ssids: linesOf(data.get('ssids')),
          bssids: linesOf(data.get('bssids')).map((b) => b.toLowerCase()),
        };
        if (location) await api.locations.update(location.id, payload);
        else await api.locations.create(payload);
        notify(`Location ${payload.name} saved`);
        list.reload();
      },
    });
  }

  function remove(location: Location) {
    return list.confirmChange(
      {
        title: 'Delete location?',
        message: `${location.name} will be removed. Scenarios that use it must be changed first.`,
        confirmLabel: 'Delete location',
      },
      () => api.locations.remove(location.id),
      `Location ${location.name} deleted`,
    );
  }

  body.append(list.results);
  list.reload();
  return undefined;
}

function locationFields(location: Location | undefined): HTMLElement[] {
  return [
    textField({
      label: 'Name',
      name: 'name',
      value: location?.name ?? '',
      required: true,
      autocomplete: 'off',
    }),
    textareaField({
      label: 'Wi-Fi names (SSIDs)',
      name: 'ssids',
      value: (location?.ssids ?? []).join('\n'),
      hint: 'One per line.',
    }),
    textareaField({
      label: 'Access points (BSSIDs)',
      name: 'bssids',
      value: (location?.bssids ?? []).join('\n'),
      hint: 'One per line, like aa:bb:cc:dd:ee:ff. At least one SSID or BSSID. With RADIUS accounting (Access points page), these may be the access points’ MAC addresses the accounting carries (Called-Station-Id).',
      spellcheck: 'false',
    }),
  ];
}

function chips(values: readonly string[] = []): HTMLSpanElement {
  if (values.length === 0) return h('span', { class: 'muted' }, '—');
  return h(
    'span',
    { class: 'chips' },
    values.map((v) => h('span', { class: 'chip' }, v)),
  );
}
