import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { imageKind, readQrImage } from './qr-image.js';

const TEXT =
  'smartassistant://enrol?v=1&proto=1&device=phone-0042&ext=201&keyId=17&secret=Qx7vR2mT9kLp4Wz8&host=pbx.example.com&port=8080';

describe('QR image reader', () => {
  it('given a PNG of a QR code, when read, then its text comes back', async () => {
    const png = await QRCode.toBuffer(TEXT, { type: 'png' });
    assert.equal(imageKind(png), 'png');
    assert.equal(readQrImage(png), TEXT);
  });

  it('given a JPEG photo-like copy of the code (lossy, dark on light), when read, then its text comes back', async () => {
    const png = PNG.sync.read(await QRCode.toBuffer(TEXT, { type: 'png', scale: 6 }));
    const jpg = jpeg.encode({ data: png.data, width: png.width, height: png.height }, 60).data;
    assert.equal(imageKind(jpg), 'jpeg');
    assert.equal(readQrImage(jpg), TEXT);
  });

  it('given an inverted code (light on dark), when read, then its text comes back', async () => {
    const png = await QRCode.toBuffer(TEXT, {
      type: 'png',
      color: { dark: '#ffffffff', light: '#000000ff' },
    });
    assert.equal(readQrImage(png), TEXT);
  });

  it('given an image without a code, when read, then it says so', () => {
    const blank = new PNG({ width: 64, height: 64 });
    blank.data.fill(255);
    assert.throws(() => readQrImage(PNG.sync.write(blank)), /no QR code found in the PNG image \(64x64\)/);
  });

  it('given bytes that are no image, or a broken one, when read, then the error says which', () => {
    assert.throws(() => readQrImage(Buffer.from(TEXT)), /not a PNG or JPEG image/);
    assert.throws(
      () => readQrImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])),
      /cannot decode the PNG image/,
    );
  });
});
