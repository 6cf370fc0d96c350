// Devices: list (paged, filtered by extension), add, edit, enable/disable, delete, provisioning QR.
// Each row shows when the phone last reported and whether it is online (reported within router's
// presence timeout).

import { formatDate, formatDateTime, h } from '../dom.js';
import { actions, badge, rowButton } from '../ui/data-table.js';
import { filterInput, listView } from '../ui/list-view.js';
import { openDeviceForm } from './device-form.js';
import { openDeviceQr } from './device-qr.js';
import { pageFrame } from './page.js';

const PAGE_SIZE = 25;
const TIER_TONES = { free: 'neutral', standard: 'info', premium: 'accent' };

export function render(root, { api, notify }) {
  const body = pageFrame(root, {
    title: 'Devices',
    description: 'Phones registered with the server, their extension and licence.',
    actions: [
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-primary',
          onclick: () => openDeviceForm({ api, notify, onSaved: list.reload }),
        },
        'Add device',
      ),
    ],
  });
  const list = listView({
    filter: {
      label: 'Filter devices',
      controls: filterInput({
        id: 'device-filter',
        name: 'extension',
        label: 'Filter by extension',
        placeholder: 'e.g. 23',
      }),
    },
    pageSize: PAGE_SIZE,
    // Offset paging until the API hands out a cursor, then the cursor alone.
    fetchPage: ({ limit, offset, cursor, filters }) =>
      api.devices.list({ ...filters, limit, offset: cursor ? undefined : offset, cursor }),
    notify,
    caption: 'Devices',
    columns: columns(),
    empty: (filters) =>
      filters.extension
        ? `No device on an extension starting with ${filters.extension}.`
        : 'No devices yet. Add the first one.',
  });

  function columns() {
    return [
      {
        label: 'Device ID',
        render: (d) =>
          h(
            'span',
            { class: 'stack' },
            h('span', { class: 'mono' }, d.deviceId),
            d.label ? h('small', { class: 'muted' }, d.label) : null,
          ),
      },
      { label: 'Extension', render: (d) => d.extension },
      {
        label: 'Status',
        render: (d) => (d.enabled === false ? badge('Disabled', 'muted') : badge('Enabled', 'success')),
      },
      { label: 'Last seen', render: lastSeenCell },
      { label: 'Licence', render: licenceCell },
      { label: 'Create targets', render: (d) => (d.allowCreateTargets ? 'Allowed' : 'No') },
      {
        label: 'Actions',
        render: (d) =>
          actions(
            rowButton('Edit', {
              label: `Edit ${d.deviceId}`,
              onClick: () => openDeviceForm({ api, notify, device: d, onSaved: list.reload }),
            }),
            rowButton('QR code', {
              label: `QR code for ${d.deviceId}`,
              onClick: () => openDeviceQr({ api, device: d }),
            }),
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn-small',
                'aria-label': `${d.enabled === false ? 'Enable' : 'Disable'} ${d.deviceId}`,
                onclick: () => toggle(d),
              },
              d.enabled === false ? 'Enable' : 'Disable',
            ),
            rowButton('Delete', { label: `Delete ${d.deviceId}`, onClick: () => remove(d), danger: true }),
          ),
      },
    ];
  }

  function toggle(device) {
    return list.change(
      () => api.devices.update(device.deviceId, { enabled: device.enabled === false }),
      `Device ${device.deviceId} ${device.enabled === false ? 'enabled' : 'disabled'}`,
    );
  }

  function remove(device) {
    return list.confirmChange(
      {
        title: 'Delete device?',
        message: `Device ${device.deviceId} (extension ${device.extension}) will stop working immediately.`,
        confirmLabel: 'Delete device',
      },
      () => api.devices.remove(device.deviceId),
      `Device ${device.deviceId} deleted`,
    );
  }

  body.append(list.filter, list.results);
  list.reload();
}

const PRESENCE = {
  online: ['Online', 'success'],
  offline: ['Offline', 'muted'],
  unknown: ['Not seen', 'neutral'],
};

/** Online: reported within router's presence timeout. Not seen: no report since admin started. */
function lastSeenCell(device) {
  const [text, tone] = PRESENCE[device.presence] ?? PRESENCE.unknown;
  if (!device.lastSeenAt)
    return h('span', { title: 'No report since the admin service started' }, badge(text, tone));
  return h(
    'span',
    { class: 'stack' },
    badge(text, tone),
    h('small', { class: 'muted' }, formatDateTime(device.lastSeenAt)),
  );
}

function licenceCell(device) {
  const licence = device.licence;
  if (!licence) {
    return h(
      'span',
      { class: 'stack' },
      badge('Free', 'neutral'),
      h('small', { class: 'muted' }, 'no licence file'),
    );
  }
  const expired = new Date(licence.expiresAt).getTime() < Date.now();
  return h(
    'span',
    { class: 'stack' },
    badge(capitalise(licence.tier), expired ? 'danger' : (TIER_TONES[licence.tier] ?? 'neutral')),
    h('small', { class: 'muted' }, `${expired ? 'expired' : 'until'} ${formatDate(licence.expiresAt)}`),
  );
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
