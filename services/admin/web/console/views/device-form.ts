// Add / edit a device: Device ID (as the phone app shows it), extension, "allow creating targets",
// enabled, and an optional licence file (lic-<deviceid>.lic) uploaded after the device is saved.
// A new device gets its own key by default: its enrolment (QR code and text) is shown once, right
// after it is added; the shared server key (the original model) is the alternative. Its Wi-Fi MAC
// addresses let RADIUS accounting from the access points report it present without the app (a
// device with MACs only simply never uses its key).

import { ApiError } from '../../shared/api-client.js';
import { h } from '../../shared/dom.js';
import type { Api, BodyOf } from '../endpoints.js';
import { checkboxField, textareaField, textField } from '../ui/fields.js';
import { formDialog } from '../ui/form-dialog.js';
import type { Notify } from '../view-context.js';
import { type Device, errorMessage } from './device-keys.js';
import { type Enrolment, openEnrolmentDialog } from './enrolment-dialog.js';

export interface DeviceFormOptions {
  readonly api: Api;
  readonly notify: Notify;
  /** The device to edit; none: add one. */
  readonly device?: Device;
  readonly onSaved: () => void;
}

/** What the form sets: PATCH /devices/{id} takes it, POST /devices takes it and more. */
type DeviceChanges = BodyOf<'/api/v1/devices/{deviceId}', 'patch'> & { extension: string };
type KeyMode = NonNullable<BodyOf<'/api/v1/devices', 'post'>['keyMode']>;

export function openDeviceForm({ api, notify, device, onSaved }: DeviceFormOptions): void {
  const editing = device !== undefined;
  let savedId = device?.deviceId ?? null;
  /** The enrolment the API answered for a device just added: shown once the form has closed. */
  let enrolment: Enrolment | null = null;
  formDialog({
    title: device ? `Edit device ${device.deviceId}` : 'Add device',
    submitLabel: editing ? 'Save device' : 'Add device',
    fields: deviceFields(device),
    onSubmit: async (data, form) => {
      const body = changesOf(data, editing);
      const file = form.querySelector<HTMLInputElement>('input[name=licence]')?.files?.[0];
      const licence = file ? await file.text() : undefined;
      if (savedId) {
        await api.devices.update(savedId, body);
        if (licence !== undefined) await uploadLicence(api, savedId, licence);
      } else {
        // One request: the device and its licence are stored together or not at all.
        const created = await api.devices.create({
          deviceId: String(data.get('deviceId')).trim(),
          ...body,
          keyMode: data.get('keyMode') === 'server_key' ? 'server_key' : 'device_key',
          licence,
        });
        savedId = created.deviceId;
        enrolment = created.enrolment ?? null;
      }
      notify(editing ? `Device ${savedId} saved` : `Device ${savedId} added`);
      onSaved();
    },
    onClose: () => {
      if (enrolment) openEnrolmentDialog({ enrolment, notify });
      enrolment = null;
    },
  });
}

function changesOf(data: FormData, editing: boolean): DeviceChanges {
  const body: DeviceChanges = {
    extension: String(data.get('extension')).trim(),
    allowCreateTargets: data.get('allowCreateTargets') === 'on',
    label: String(data.get('label')).trim(),
    wifiMacs: macsOf(data.get('wifiMacs')),
  };
  if (editing) body.enabled = data.get('enabled') === 'on';
  return body;
}

function deviceFields(device: Device | undefined): HTMLElement[] {
  const editing = device !== undefined;
  return [
    textField({
      label: 'Device ID',
      name: 'deviceId',
      value: device?.deviceId ?? '',
      required: true,
      readonly: editing,
      autocomplete: 'off',
      spellcheck: 'false',
      hint: editing
        ? 'The Device ID cannot change.'
        : 'Shown in the phone app (letters and digits, usually 20).',
    }),
    textField({
      label: 'Extension',
      name: 'extension',
      value: device?.extension ?? '',
      required: true,
      inputmode: 'numeric',
      autocomplete: 'off',
      hint: "The user's PBX extension, e.g. 230.",
    }),
    textField({
      label: 'Label (optional)',
      name: 'label',
      value: device?.label ?? '',
      maxlength: 80,
      autocomplete: 'off',
      hint: 'Helps you recognise the phone, e.g. Alice, work phone (letters, digits, spaces, . , : ( ) / -).',
    }),
    textareaField({
      label: 'Wi-Fi MAC addresses (optional)',
      name: 'wifiMacs',
      value: (device?.wifiMacs ?? []).join('\n'),
      rows: 2,
      spellcheck: 'false',
      autocomplete: 'off',
      hint: 'The phone’s Wi-Fi address, one per line (aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF or aabbccddeeff). The access points’ accounting then shows it present, even without the app. Use the phone’s own (not randomised) address for your network.',
    }),
    checkboxField({
      label: 'Allow creating targets from the app',
      name: 'allowCreateTargets',
      checked: device?.allowCreateTargets ?? false,
      hint: 'Takes effect only with a premium licence.',
    }),
    device
      ? checkboxField({ label: 'Enabled', name: 'enabled', checked: device.enabled !== false })
      : keyModeChoice(),
    textField({
      label: 'Licence file',
      name: 'licence',
      type: 'file',
      accept: '.lic',
      hint: editing
        ? 'Optional: upload a new lic-<device id>.lic to replace the current licence.'
        : 'Optional: lic-<device id>.lic from your licence issuer.',
    }),
  ];
}

/** The MACs typed: one per line, or separated by spaces, commas or semicolons. */
function macsOf(text: FormDataEntryValue | null): string[] {
  return String(text ?? '')
    .split(/[\s,;]+/)
    .filter(Boolean);
}

function keyModeChoice(): HTMLElement {
  return h(
    'fieldset',
    { class: 'field segmented' },
    h('legend', {}, 'Key'),
    keyModeOption('device_key', 'Own key (enrolment QR code)', true),
    keyModeOption('server_key', 'Shared server key (original model)', false),
    h(
      'p',
      { class: 'hint' },
      'Own key: the phone scans a code, shown once after adding, that holds a key for this phone only. ',
      'Shared server key: every such phone uses the same key.',
    ),
  );
}

function keyModeOption(value: KeyMode, label: string, checked: boolean): HTMLElement {
  const id = `key-mode-${value}`;
  return h(
    'div',
    { class: 'segment' },
    h('input', { type: 'radio', id, name: 'keyMode', value, checked }),
    h('label', { for: id }, label),
  );
}

async function uploadLicence(api: Api, deviceId: string, licence: string): Promise<void> {
  try {
    await api.devices.uploadLicence(deviceId, licence);
  } catch (error) {
    // The other changes are saved; keep the dialog open so the administrator can pick another file.
    const cause = error instanceof ApiError ? error : new ApiError(0, '', errorMessage(error));
    throw Object.assign(new ApiError(cause.status, cause.code, cause.message, { field: 'licence' }), {
      summary: `Device ${deviceId} is saved, but its licence was refused.`,
    });
  }
}
