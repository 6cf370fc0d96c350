// Devices: list (paged, filtered by extension or "on the server key"), add, edit, enable/disable,
// delete. Each row shows when the phone last reported and whether it is online (reported within
// router's presence timeout), and its key: own key, revoked, or the shared server key (enrol,
// re-enrol, revoke keys; the provisioning QR code for a server-key device). Selected devices get a
// printed enrolment sheet. A banner counts the devices still on the shared server key.

import { appendChildren, fill, formatDate, formatDateTime, h, uniqueId } from '../../shared/dom.js';
import type { Api } from '../endpoints.js';
import { actions, type BadgeTone, badge, type Column, rowButton } from '../ui/data-table.js';
import { type Filters, filterInput, type ListView, listView } from '../ui/list-view.js';
import type { Notify, ViewContext } from '../view-context.js';
import { openDeviceForm } from './device-form.js';
import {
  type Device,
  keyCell,
  keyStateOf,
  openEnrol,
  requestEnrolmentSheet,
  revokeKeys,
} from './device-keys.js';
import { openDeviceQr } from './device-qr.js';
import { deviceSelection } from './device-selection.js';
import { sheetInPlaceOf } from './enrolment-sheet.js';
import { pageFrame } from './page.js';

const PAGE_SIZE = 25;
const TIER_TONES: Record<NonNullable<Device['licence']>['tier'], BadgeTone> = {
  free: 'neutral',
  standard: 'info',
  premium: 'accent',
};

/** What the rows' columns and buttons need; every change draws the list (and the banner) again. */
interface DeviceRows {
  readonly api: Api;
  readonly notify: Notify;
  /** Registering, editing and deleting devices. */
  readonly managesDevices: boolean;
  /** Keys: the selection column, enrol, re-enrol, revoke, QR code. */
  readonly managesKeys: boolean;
  readonly selectColumn: Column<Device>;
  readonly refresh: () => void;
  readonly toggle: (device: Device) => void;
  readonly remove: (device: Device) => void;
}

export function render(root: HTMLElement, context: ViewContext): undefined {
  const { api, notify } = context;
  // Registering, editing, deleting and keys are the administrator's: a helpdesk account sees the
  // devices and may enable or disable them, nothing it would only be refused (docs/api.md, roles).
  const managesKeys = context.session.role !== 'helpdesk';
  const managesDevices = managesKeys;
  const body = pageFrame(root, {
    title: 'Devices',
    description: 'Phones registered with the server, their extension and licence.',
    actions: managesDevices ? [addDeviceButton(() => openDeviceForm({ api, notify, onSaved: refresh }))] : [],
  });
  const banner = h('div', { class: 'server-key-status' });
  const serverKey = serverKeyFilter(() => list.firstPage());
  const toSheet = sheetInPlaceOf(root, context, render);
  const selection = deviceSelection({
    onPrint: (deviceIds) =>
      requestEnrolmentSheet({
        api,
        notify,
        deviceIds,
        onSheet: (items) => {
          selection.clear();
          toSheet(items);
        },
      }),
  });
  const list = deviceList(
    api,
    notify,
    serverKey.control,
    deviceColumns({
      api,
      notify,
      managesDevices,
      managesKeys,
      selectColumn: selection.column,
      refresh: () => refresh(),
      toggle: (device) => toggle(list, api, device),
      remove: (device) => remove(list, api, device).then(loadBanner),
    }),
  );

  function loadBanner(): void {
    if (managesKeys) loadServerKeyBanner(api, banner, showServerKeyDevices);
  }

  function refresh(): void {
    list.reload();
    loadBanner();
  }

  function showServerKeyDevices(): void {
    serverKey.box.checked = true;
    list.firstPage();
  }

  appendChildren(body, [banner, list.filter, managesKeys ? selection.bar : null, list.results]);
  refresh();
}

function addDeviceButton(onClick: () => void): HTMLButtonElement {
  return h('button', { type: 'button', class: 'btn btn-primary', onclick: onClick }, 'Add device');
}

/** "On the server key only": a checkbox filter (keyMode=server_key), applied as soon as it changes. */
function serverKeyFilter(onChange: () => void): { box: HTMLInputElement; control: HTMLElement } {
  const id = uniqueId('server-key-only');
  const box = h('input', { id, name: 'keyMode', type: 'checkbox', value: 'server_key', onchange: onChange });
  const control = h(
    'span',
    { class: 'toolbar-check' },
    box,
    h('label', { for: id }, 'On the server key only'),
  );
  return { box, control };
}

function deviceList(
  api: Api,
  notify: Notify,
  serverKeyOnly: HTMLElement,
  columns: Column<Device>[],
): ListView {
  return listView<Device>({
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
      api.devices.list({
        extension: filters.extension,
        keyMode: filters.keyMode === 'server_key' ? 'server_key' : undefined,
        limit,
        offset: cursor ? undefined : offset,
        cursor,
      }),
    notify,
    caption: 'Devices',
    columns,
    empty: emptyText,
  });
}

function emptyText(filters: Filters): string {
  if (filters.keyMode) return 'No device uses the shared server key.';
  if (filters.extension) return `No device on an extension starting with ${filters.extension}.`;
  return 'No devices yet. Add the first one.';
}

/** The devices still on the shared server key, with a button that lists only them. */
async function loadServerKeyBanner(api: Api, banner: HTMLElement, showThem: () => void): Promise<void> {
  let status: Awaited<ReturnType<Api['keys']['serverKeys']>>;
  try {
    status = await api.keys.serverKeys();
  } catch {
    fill(banner); // the list says what matters
    return;
  }
  const n = status.devicesOnServerKey;
  if (!n) {
    fill(banner);
    return;
  }
  const devices = n === 1 ? '1 device still uses' : `${n} devices still use`;
  fill(
    banner,
    h(
      'div',
      { class: 'warning-banner server-key-banner', role: 'status' },
      status.serverKeysDisabled
        ? `${n === 1 ? '1 device is' : `${n} devices are`} on the shared server key, which is turned off: they are refused until enrolled. `
        : `${devices} the shared server key. Enrol ${n === 1 ? 'it' : 'them'} so each phone has its own key. `,
      h('button', { type: 'button', class: 'btn btn-small', onclick: () => showThem() }, 'Show them'),
    ),
  );
}

function deviceColumns(rows: DeviceRows): Column<Device>[] {
  const columns: (Column<Device> | null)[] = [
    rows.managesKeys ? rows.selectColumn : null,
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
        rows.managesKeys
          ? h('span', { class: 'stack' }, keyCell(d), actions(keyActions(rows, d)))
          : keyCell(d),
    },
    { label: 'Last seen', render: lastSeenCell },
    { label: 'Licence', render: licenceCell },
    { label: 'Create targets', render: (d) => (d.allowCreateTargets ? 'Allowed' : 'No') },
    { label: 'Actions', render: (d) => rowActions(rows, d) },
  ];
  return columns.filter((column) => column !== null);
}

function rowActions(rows: DeviceRows, d: Device): HTMLElement {
  const { api, notify } = rows;
  return actions(
    rows.managesDevices
      ? rowButton('Edit', {
          label: `Edit ${d.deviceId}`,
          onClick: () => openDeviceForm({ api, notify, device: d, onSaved: rows.refresh }),
        })
      : null,
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small',
        'aria-label': `${d.enabled === false ? 'Enable' : 'Disable'} ${d.deviceId}`,
        onclick: () => rows.toggle(d),
      },
      d.enabled === false ? 'Enable' : 'Disable',
    ),
    rows.managesDevices
      ? rowButton('Delete', { label: `Delete ${d.deviceId}`, onClick: () => rows.remove(d), danger: true })
      : null,
  );
}

function keyActions(rows: DeviceRows, d: Device): (HTMLButtonElement | null)[] {
  const { api, notify } = rows;
  const state = keyStateOf(d);
  const enrol = () => openEnrol({ api, notify, device: d, onDone: rows.refresh });
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
          onClick: () => revokeKeys({ api, notify, device: d, onDone: rows.refresh }),
          danger: true,
        })
      : null,
  ];
}

function toggle(list: ListView, api: Api, device: Device): Promise<void> {
  return list.change(
    () => api.devices.update(device.deviceId, { enabled: device.enabled === false }),
    `Device ${device.deviceId} ${device.enabled === false ? 'enabled' : 'disabled'}`,
  );
}

function remove(list: ListView, api: Api, device: Device): Promise<void> {
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

const PRESENCE: Record<Device['presence'], readonly [string, BadgeTone]> = {
  online: ['Online', 'success'],
  offline: ['Offline', 'muted'],
  unknown: ['Not seen', 'neutral'],
};

/** Online: reported within router's presence timeout. Not seen: no report since admin started. */
function lastSeenCell(device: Device): HTMLElement {
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
function macsLine(device: Device): HTMLElement | null {
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

function licenceCell(device: Device): HTMLElement {
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

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
