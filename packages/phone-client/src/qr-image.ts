// Reads the text of a QR code from a PNG or JPEG image (a screenshot or photo of admin's enrolment
// code). Pure over bytes: the caller reads the file.
import jpeg from 'jpeg-js';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

export type ImageKind = 'png' | 'jpeg';

/** Larger images are refused before decoding (a photo from a phone camera is about 12 MP). */
const MAX_MEGAPIXELS = 50;

export function imageKind(bytes: Uint8Array): ImageKind | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** The text in the image's QR code; throws when the bytes are no PNG/JPEG or hold no readable code. */
export function readQrImage(bytes: Uint8Array): string {
  const kind = imageKind(bytes);
  if (!kind) throw new Error('not a PNG or JPEG image');
  const { width, height, data } = decodeRgba(kind, bytes);
  const code = jsQR.default(
    new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength),
    width,
    height,
    {
      inversionAttempts: 'attemptBoth',
    },
  );
  if (!code) throw new Error(`no QR code found in the ${kind.toUpperCase()} image (${width}x${height})`);
  return code.data;
}

function decodeRgba(kind: ImageKind, bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  try {
    if (kind === 'png') {
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      // IHDR comes first: width and height at bytes 16 and 20
      if (buffer.length >= 24 && buffer.readUInt32BE(16) * buffer.readUInt32BE(20) > MAX_MEGAPIXELS * 1e6) {
        throw new Error(`larger than ${MAX_MEGAPIXELS} megapixels`);
      }
      const png = PNG.sync.read(buffer);
      return { width: png.width, height: png.height, data: png.data };
    }
    return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS });
  } catch (err) {
    throw new Error(`cannot decode the ${kind.toUpperCase()} image: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
