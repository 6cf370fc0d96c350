// Shows the provisioning QR code the API renders for one device: server address, port, key id and
// knock sequence. It never carries the key itself (see docs/api.md "Provisioning QR code").

import { fill, h } from '../../shared/dom.js';
import type { Api } from '../endpoints.js';
import { openDialog } from '../ui/dialog.js';
import { type Device, errorMessage } from './device-keys.js';

/** GET /devices/{id}/qr?format=json. The document types the answer loosely (it also serves images). */
interface ProvisioningQr {
  readonly dataUrl: string;
  readonly keyId: number;
  readonly payload: string;
}

function isProvisioningQr(value: unknown): value is ProvisioningQr {
  if (typeof value !== 'object' || value === null) return false;
  const qr = value as Record<string, unknown>;
  return typeof qr.dataUrl === 'string' && typeof qr.payload === 'string';
}

export function openDeviceQr({ api, device }: { readonly api: Api; readonly device: Device }): void {
  const figure = h('figure', { class: 'qr' }, h('p', { class: 'muted' }, 'Loading QR code…'));
  openDialog({
    title: `Provision device ${device.deviceId}`,
    content: [
      h(
        'p',
        {},
        'In the Smart Assistant app, choose “Scan setup code” and point the camera at this code. ',
        'It sets the server address, port, key id and knock sequence; the key itself is never in the code.',
      ),
      figure,
    ],
  });
  api.devices
    .qrCode(device.deviceId)
    .then((qr) => {
      if (!isProvisioningQr(qr)) throw new Error('the answer holds no QR code');
      fill(
        figure,
        h('img', {
          src: qr.dataUrl,
          alt: `Provisioning QR code for device ${device.deviceId}`,
          width: 280,
          height: 280,
        }),
        h(
          'figcaption',
          {},
          `Device ${device.deviceId} · extension ${device.extension} · server key ${qr.keyId}`,
        ),
        h('details', {}, h('summary', {}, 'Show setup link'), h('code', { class: 'wrap' }, qr.payload)),
      );
    })
    .catch((error: unknown) =>
      fill(
        figure,
        h('p', { class: 'form-alert', role: 'alert' }, `Could not load the QR code: ${errorMessage(error)}`),
      ),
    );
}
