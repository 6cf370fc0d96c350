// A device's own key on the Devices page: the "Key" cell, Enrol / Re-enrol (with how long the old key
// stays accepted), Revoke keys, and the request for a printed enrolment sheet. Every answer that
// carries a secret is shown once (enrolment-dialog.ts, enrolment-sheet.ts) and kept nowhere else.

import { h } from '../../shared/dom.js';
import type { AnswerOf, Api } from '../endpoints.js';
import { badge } from '../ui/data-table.js';
import { confirmDialog } from '../ui/dialog.js';
import { selectField } from '../ui/fields.js';
import { formDialog } from '../ui/form-dialog.js';
import type { Notify } from '../view-context.js';
import { type Enrolment, openEnrolmentDialog } from './enrolment-dialog.js';
import type { SheetItem } from './enrolment-sheet.js';

/** One device as GET /devices lists it. */
export type Device = AnswerOf<'/api/v1/devices'>['items'][number];

/** A key change on one device; onDone runs after the key changed (reload the list). */
export interface KeyChange {
  readonly api: Api;
  readonly notify: Notify;
  readonly device: Device;
  readonly onDone: () => void;
}

/** How long the previous key stays accepted after a re-enrolment (seconds). */
export const OVERLAPS = [
  { value: '0', label: 'Revoke the old key now' },
  { value: '3600', label: 'Keep the old key 1 hour' },
  { value: '86400', label: 'Keep the old key 1 day' },
  { value: '604800', label: 'Keep the old key 7 days' },
];

export const MAX_SHEET_DEVICES = 500;

/** 'own' (an active own key), 'revoked' (enrolled, every key revoked) or 'server' (shared server key). */
export type KeyState = 'own' | 'revoked' | 'server';

export function keyStateOf(device: Pick<Device, 'keyMode' | 'activeKeyId'>): KeyState {
  if (device.keyMode === 'server_key') return 'server';
  return device.activeKeyId === null || device.activeKeyId === undefined ? 'revoked' : 'own';
}

export function keyCell(device: Device): HTMLElement {
  const state = keyStateOf(device);
  if (state === 'server') return badge('Server key', 'warning');
  if (state === 'revoked') return badge('Revoked — re-enrol', 'danger');
  return badge(`Own key #${device.activeKeyId}`, 'success');
}

/** What (re-)enrolling does, by the device's key state. */
const ENROL_TEXT: Record<KeyState, (id: string) => string> = {
  server: (id) =>
    `Device ${id} gets its own key. From now on it is accepted only under that key: the phone must scan the new enrolment code before it works again.`,
  own: (id) =>
    `Device ${id} gets a new own key and enrolment code; the phone must scan the new code. Its current key is revoked now or stays accepted for a while, so the phone keeps working until then.`,
  revoked: (id) =>
    `Device ${id} gets a new own key and enrolment code. Its keys are revoked: it is refused until the phone scans the new code.`,
};

function overlapField(hint = 'A lost or stolen phone: revoke the old key now.'): HTMLElement {
  return selectField({
    label: 'Old key',
    name: 'overlapSeconds',
    options: OVERLAPS,
    value: '0',
    hint,
  });
}

/** Enrol (a server-key device) or re-enrol (an enrolled one), then show the new enrolment once. */
export function openEnrol({ api, notify, device, onDone }: KeyChange): void {
  const state = keyStateOf(device);
  const serverKey = state === 'server';
  let enrolment: Enrolment | null = null;
  formDialog({
    title: serverKey ? `Enrol device ${device.deviceId}` : `Re-enrol device ${device.deviceId}`,
    submitLabel: serverKey ? 'Enrol device' : 'Re-enrol device',
    fields: [h('p', {}, ENROL_TEXT[state](device.deviceId)), state === 'own' ? overlapField() : null],
    onSubmit: async (data: FormData) => {
      const overlapSeconds = state === 'own' ? Number(data.get('overlapSeconds')) : 0;
      const result = await api.devices.enrol(device.deviceId, overlapSeconds);
      enrolment = result.enrolment;
      notify(`Device ${device.deviceId} has a new key (#${result.enrolment.keyId})`);
      onDone();
    },
    onClose: () => {
      if (enrolment) openEnrolmentDialog({ enrolment, notify });
      enrolment = null;
    },
  });
}

export async function revokeKeys({ api, notify, device, onDone }: KeyChange): Promise<void> {
  const confirmed = await confirmDialog({
    title: 'Revoke keys?',
    message: `Every key of device ${device.deviceId} (extension ${device.extension}) stops working now. The phone is refused until it is enrolled again.`,
    confirmLabel: 'Revoke keys',
  });
  if (!confirmed) return;
  try {
    const result = await api.devices.revokeKeys(device.deviceId);
    const count = result.revokedKeyIds?.length ?? 0;
    notify(`Device ${device.deviceId}: ${count} ${count === 1 ? 'key' : 'keys'} revoked`);
    onDone();
  } catch (error) {
    notify(errorMessage(error), 'error');
  }
}

/** The text an error says (an ApiError's message is the API's own). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface SheetRequest {
  readonly api: Api;
  readonly notify: Notify;
  readonly deviceIds: string[];
  /** Gets the sheet's items, shown once. */
  readonly onSheet: (items: SheetItem[]) => void;
  /** A first paragraph, saying why the sheet is asked for. */
  readonly intro?: string;
}

/**
 * Asks before issuing new keys for `deviceIds` (phones already set up must scan again), then calls
 * POST /devices/enrolment-sheet and hands its items to onSheet (shown once).
 */
export function requestEnrolmentSheet({ api, notify, deviceIds, onSheet, intro }: SheetRequest): void {
  const count = deviceIds.length;
  const devicesText = count === 1 ? '1 device' : `${count} devices`;
  let items: SheetItem[] | null = null;
  formDialog({
    title: 'Print enrolment sheet',
    submitLabel: `Issue new keys for ${devicesText}`,
    fields: [
      intro ? h('p', {}, intro) : null,
      h(
        'p',
        { class: 'warning-banner' },
        `This issues a new own key for ${devicesText}. Phones already set up must scan their new code; `,
        'a device on the shared server key is moved to its own key.',
      ),
      overlapField('How long phones already set up keep working with their current key.'),
    ],
    onSubmit: async (data: FormData) => {
      const result = await api.devices.enrolmentSheet(deviceIds, Number(data.get('overlapSeconds')));
      items = result.items;
      notify(`New keys issued for ${devicesText}`);
    },
    onClose: () => {
      if (items) onSheet(items);
      items = null;
    },
  });
}
