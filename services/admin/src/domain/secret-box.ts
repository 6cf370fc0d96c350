// Envelope encryption for server key secrets and sealed outbox rows: AES-256-GCM under the
// key-encryption key (ADMIN_KEK or a generated file). Layout: version(1) | iv(12) | tag(16) | ciphertext.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;

export class SecretBox {
  readonly #kek: Buffer;
  constructor(kek: Buffer) {
    if (kek.length !== 32) throw new Error('key-encryption key must be 32 bytes');
    this.#kek = Buffer.from(kek);
  }

  seal(plain: Uint8Array): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#kek, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Uint8Array): Buffer {
    const buf = Buffer.from(sealed);
    if (buf[0] !== VERSION) throw new Error('unknown sealed-secret version');
    const decipher = createDecipheriv('aes-256-gcm', this.#kek, buf.subarray(1, 13));
    decipher.setAuthTag(buf.subarray(13, 29));
    return Buffer.concat([decipher.update(buf.subarray(29)), decipher.final()]);
  }
}
