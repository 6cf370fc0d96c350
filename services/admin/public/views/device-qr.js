// Shows the provisioning QR code the API renders for one device: server address, port, key id and
// knock sequence. It never carries the key itself (see docs/api.md "Provisioning QR code").

import { fill, h } from '../dom.js';
import { openDialog } from '../ui/dialog.js';

export function openDeviceQr({ api, device }) {
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
    .then((qr) =>
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
      ),
    )
    .catch((error) =>
      fill(
        figure,
        h('p', { class: 'form-alert', role: 'alert' }, `Could not load the QR code: ${error.message}`),
      ),
    );
}
