// Devices: list (paged, filtered by extension), add, edit, enable/disable, delete, provisioning QR.

import { fill, formatDate, h } from '../dom.js';
import { actions, badge, dataTable, rowButton } from '../ui/data-table.js';
import { confirmDialog } from '../ui/dialog.js';
import { pageInfo, pager } from '../ui/pager.js';
import { openDeviceForm } from './device-form.js';
import { openDeviceQr } from './device-qr.js';
import { loadError, pageFrame, resultsRegion } from './page.js';

const PAGE_SIZE = 25;
const TIER_TONES = { free: 'neutral', standard: 'info', premium: 'accent' };

export function render(root, { api, notify }) {
  const state = { offset: 0, extension: '', cursors: [null] };
  const body = pageFrame(root, {
    title: 'Devices',
    description: 'Phones registered with the server, their extension and licence.',
    actions: [
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-primary',
          onclick: () => openDeviceForm({ api, notify, onSaved: load }),
        },
        'Add device',
      ),
    ],
  });
  const filter = h(
    'form',
    { class: 'toolbar', role: 'search', 'aria-label': 'Filter devices' },
    h('label', { for: 'device-filter' }, 'Filter by extension'),
    h('input', {
      id: 'device-filter',
      name: 'extension',
      type: 'search',
      inputmode: 'numeric',
      placeholder: 'e.g. 23',
    }),
    h('button', { type: 'submit', class: 'btn' }, 'Apply'),
  );
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    state.extension = String(new FormData(filter).get('extension')).trim();
    state.offset = 0;
    state.cursors = [null];
    load();
  });
  const results = resultsRegion();
  body.append(filter, results);

  async function load() {
    const cursor = state.cursors[state.cursors.length - 1];
    try {
      const response = await api.devices.list({
        extension: state.extension,
        limit: PAGE_SIZE,
        offset: cursor ? undefined : state.offset,
        cursor: cursor ?? undefined,
      });
      const info = pageInfo(response, state.offset, PAGE_SIZE);
      fill(
        results,
        dataTable({
          caption: 'Devices',
          columns: columns(),
          rows: info.items,
          empty: state.extension
            ? `No device on an extension starting with ${state.extension}.`
            : 'No devices yet. Add the first one.',
        }),
        pager({
          info,
          label: 'Devices',
          onPrevious: () => {
            state.offset = Math.max(0, state.offset - PAGE_SIZE);
            if (state.cursors.length > 1) state.cursors.pop();
            load();
          },
          onNext: () => {
            state.offset += PAGE_SIZE;
            if (info.nextCursor) state.cursors.push(info.nextCursor);
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
      { label: 'Licence', render: licenceCell },
      { label: 'Create targets', render: (d) => (d.allowCreateTargets ? 'Allowed' : 'No') },
      {
        label: 'Actions',
        render: (d) =>
          actions(
            rowButton('Edit', {
              label: `Edit ${d.deviceId}`,
              onClick: () => openDeviceForm({ api, notify, device: d, onSaved: load }),
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

  async function toggle(device) {
    try {
      await api.devices.update(device.deviceId, { enabled: device.enabled === false });
      notify(`Device ${device.deviceId} ${device.enabled === false ? 'enabled' : 'disabled'}`);
      load();
    } catch (error) {
      notify(error.message, 'error');
    }
  }

  async function remove(device) {
    const confirmed = await confirmDialog({
      title: 'Delete device?',
      message: `Device ${device.deviceId} (extension ${device.extension}) will stop working immediately.`,
      confirmLabel: 'Delete device',
    });
    if (!confirmed) return;
    try {
      await api.devices.remove(device.deviceId);
      notify(`Device ${device.deviceId} deleted`);
      load();
    } catch (error) {
      notify(error.message, 'error');
    }
  }

  load();
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
