// Devices: list (paged, filtered by extension or "on the server key"), add, edit, enable/disable,
// delete. Each row shows when the phone last reported and whether it is online (reported within
// router's presence timeout), and its key: own key, revoked, or the shared server key (enrol,
// re-enrol, revoke keys; the provisioning QR code for a server-key device). Selected devices get a
// printed enrolment sheet. A banner counts the devices still on the shared server key.

import { fill, formatDate, formatDateTime, h, uniqueId } from '../dom.js';
import { actions, badge, rowButton } from '../ui/data-table.js';
import { filterInput, listView } from '../ui/list-view.js';
import { openDeviceForm } from './device-form.js';
import { keyCell, keyStateOf, openEnrol, requestEnrolmentSheet, revokeKeys } from './device-keys.js';
import { openDeviceQr } from './device-qr.js';
import { deviceSelection } from './device-selection.js';
import { renderEnrolmentSheet } from './enrolment-sheet.js';
import { pageFrame } from './page.js';

const PAGE_SIZE = 25;
const TIER_TONES = { free: 'neutral', standard: 'info', premium: 'accent' };

export function render(root, context) {
  const { api, notify } = context;
  // Registering, editing, deleting and keys are the administrator's: a helpdesk account sees the
  // devices and may enable or disable them, nothing it would only be refused (docs/api.md, roles).
  const managesKeys = context.session?.role !== 'helpdesk';
  const managesDevices = managesKeys;
  const body = pageFrame(root, {
    title: 'Devices',
    description: 'Phones registered with the server, their extension and licence.',
    actions: managesDevices
      ? [
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-primary',
              onclick: () => openDeviceForm({ api, notify, onSaved: refresh }),
            },
            'Add device',
          ),
        ]
      : [],
  });
  const banner = h('div', { class: 'server-key-status' });
  const serverKeyId = uniqueId('server-key-only');
  const serverKeyBox = h('input', {
    id: serverKeyId,
    name: 'keyMode',
    type: 'checkbox',
    value: 'server_key',
    onchange: () => list.firstPage(),
  });
  const serverKeyOnly = h(
    'span',
    { class: 'toolbar-check' },
    serverKeyBox,
    h('label', { for: serverKeyId }, 'On the server key only'),
  );
  const selection = deviceSelection({
    onPrint: (deviceIds) => requestEnrolmentSheet({ api, notify, deviceIds, onSheet: showSheet }),
  });
  const list = listView({
    filter: {
      label: 'Filter devices',
      controls: [
        filterInput({
          id: 'device-filter',
          name: 'extension',
          label: 'Filter by extension',
          placeholder: 'e.g. 23',
        }),
        serverKeyOnly,
      ],
    },
    pageSize: PAGE_SIZE,
    // Offset paging until the API hands out a cursor, then the cursor alone.
    fetchPage: ({ limit, offset, cursor, filters }) =>
      api.devices.list({ ...filters, limit, offset: cursor ? undefined : offset, cursor }),
    notify,
    caption: 'Devices',
    columns: columns(),
    empty: (filters) =>
      filters.keyMode
        ? 'No device uses the shared server key.'
        : filters.extension
          ? `No device on an extension starting with ${filters.extension}.`
          : 'No devices yet. Add the first one.',
  });

  function refresh() {
    list.reload();
    loadServerKeyBanner();
  }

  /** The devices still on the shared server key, with a button that lists only them. */
  async function loadServerKeyBanner() {
    if (!managesKeys) return;
    let status;
    try {
      status = await api.keys.serverKeys();
    } catch {
      return fill(banner); // the list says what matters
    }
    const n = status.devicesOnServerKey;
    if (!n) return fill(banner);
    const devices = n === 1 ? '1 device still uses' : `${n} devices still use`;
    fill(
      banner,
      h(
        'div',
        { class: 'warning-banner server-key-banner', role: 'status' },
        status.serverKeysDisabled
          ? `${n === 1 ? '1 device is' : `${n} devices are`} on the shared server key, which is turned off: they are refused until enrolled. `
          : `${devices} the shared server key. Enrol ${n === 1 ? 'it' : 'them'} so each phone has its own key. `,
        h(
          'button',
          { type: 'button', class: 'btn btn-small', onclick: () => showServerKeyDevices() },
          'Show them',
        ),
      ),
    );
  }

  function showServerKeyDevices() {
    serverKeyBox.checked = true;
    list.firstPage();
  }

  function showSheet(items) {
    selection.clear();
    renderEnrolmentSheet(root, {
      items,
      onBack: () => {
        root.replaceChildren();
        render(root, context);
      },
    });
  }

  function columns() {
    return [
      managesKeys ? selection.column : null,
      {
        label: 'Device ID',
        render: (d) =>
          h(
            'span',
            { class: 'stack' },
            h('span', { class: 'mono' }, d.deviceId),
            d.label ? h('small', { class: 'muted' }, d.label) : null,
            macsLine(d),
          ),
      },
      { label: 'Extension', render: (d) => d.extension },
      {
        label: 'Status',
        render: (d) => (d.enabled === false ? badge('Disabled', 'muted') : badge('Enabled', 'success')),
      },
      {
        label: 'Key',
        className: 'key-cell',
        render: (d) =>
          managesKeys ? h('span', { class: 'stack' }, keyCell(d), actions(keyActions(d))) : keyCell(d),
      },
      { label: 'Last seen', render: lastSeenCell },
      { label: 'Licence', render: licenceCell },
      { label: 'Create targets', render: (d) => (d.allowCreateTargets ? 'Allowed' : 'No') },
      {
        label: 'Actions',
        render: (d) =>
          actions(
            managesDevices
              ? rowButton('Edit', {
                  label: `Edit ${d.deviceId}`,
                  onClick: () => openDeviceForm({ api, notify, device: d, onSaved: refresh }),
                })
              : null,
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
            managesDevices
              ? rowButton('Delete', { label: `Delete ${d.deviceId}`, onClick: () => remove(d), danger: true })
              : null,
          ),
      },
    ].filter(Boolean);
  }

  function keyActions(d) {
    const state = keyStateOf(d);
    const enrol = () => openEnrol({ api, notify, device: d, onDone: refresh });
    if (state === 'server') {
      return [
        rowButton('QR code', {
          label: `QR code for ${d.deviceId}`,
          onClick: () => openDeviceQr({ api, device: d }),
        }),
        rowButton('Enrol', { label: `Enrol ${d.deviceId}`, onClick: enrol }),
      ];
    }
    return [
      rowButton('Re-enrol', { label: `Re-enrol ${d.deviceId}`, onClick: enrol }),
      state === 'own'
        ? rowButton('Revoke keys', {
            label: `Revoke keys of ${d.deviceId}`,
            onClick: () => revokeKeys({ api, notify, device: d, onDone: refresh }),
            danger: true,
          })
        : null,
    ];
  }

  function toggle(device) {
    return list.change(
      () => api.devices.update(device.deviceId, { enabled: device.enabled === false }),
      `Device ${device.deviceId} ${device.enabled === false ? 'enabled' : 'disabled'}`,
    );
  }

  function remove(device) {
    return list
      .confirmChange(
        {
          title: 'Delete device?',
          message: `Device ${device.deviceId} (extension ${device.extension}) will stop working immediately.`,
          confirmLabel: 'Delete device',
        },
        () => api.devices.remove(device.deviceId),
        `Device ${device.deviceId} deleted`,
      )
      .then(loadServerKeyBanner);
  }

  body.append(banner, list.filter);
  if (managesKeys) body.append(selection.bar);
  body.append(list.results);
  refresh();
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

/** Under the device id, compact: its Wi-Fi MACs (two at most, then "+n more"; all in the title). */
function macsLine(device) {
  const macs = device.wifiMacs ?? [];
  if (macs.length === 0) return null;
  return h(
    'span',
    { class: 'stack wifi-macs', title: `Wi-Fi MAC addresses:\n${macs.join('\n')}` },
    h('span', { class: 'visually-hidden' }, 'Wi-Fi MAC addresses: '),
    macs.slice(0, 2).map((mac) => h('small', { class: 'muted mono' }, mac)),
    macs.length > 2 ? h('small', { class: 'muted' }, `+${macs.length - 2} more`) : null,
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
