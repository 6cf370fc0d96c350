// Shows the provisioning QR code the API renders for one device (server address, port, key id,
// knock sequence), so nobody types a 16-character key by hand.

import { h } from '../dom.js';
import { openDialog } from '../ui/dialog.js';

export function openDeviceQr({ api, device }) {
  const status = h('p', { class: 'muted' }, 'Loading QR code…');
  const figure = h('figure', { class: 'qr' }, status);
  openDialog({
    title: `Provision device ${device.deviceId}`,
    content: [
      h(
        'p',
        {},
        'Open the Smart Assistant app on the phone, choose “Scan setup code”, and point it at this code.',
      ),
      figure,
    ],
  });
  loadQr(api, device, figure).catch((error) => {
    figure.replaceChildren(
      h('p', { class: 'form-alert', role: 'alert' }, `Could not load the QR code: ${error.message}`),
    );
  });
}

async function loadQr(api, device, figure) {
  const response = await api.devices.qrCode(device.deviceId);
  const type = response.headers.get('content-type') ?? '';
  let src;
  let payload;
  if (type.includes('json')) {
    const body = await response.json();
    src = body.dataUrl ?? body.image ?? (body.svg ? svgDataUrl(body.svg) : undefined);
    payload = body.payload ?? body.uri ?? body.url;
  } else {
    src = await blobToDataUrl(await response.blob());
  }
  figure.replaceChildren(
    h('img', { src, alt: `Provisioning QR code for device ${device.deviceId}`, width: 280, height: 280 }),
    h('figcaption', {}, `Device ${device.deviceId} · extension ${device.extension}`),
    payload
      ? h('details', {}, h('summary', {}, 'Show setup link'), h('code', { class: 'wrap' }, payload))
      : null,
  );
}

function svgDataUrl(svg) {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

function blobToDataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
