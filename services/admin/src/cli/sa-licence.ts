#!/usr/bin/env node
// sa-licence: the licence issuer's tool.
//   sa-licence keygen [--out issuer.key]        writes an Ed25519 private key (PEM, mode 0600) and
//                                               prints the public key line for LICENCE_PUBLIC_KEYS
//   sa-licence sign --key issuer.key --device ID --tier premium --expires 2027-12-31 [--out-dir .]
//                                               writes lic-<ID>.lic
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { issuerKeyId, parseExpiry, signLicence } from '../domain/licence.js';
import { DEVICE_ID } from '../domain/naming.js';
import { TIERS, type Tier } from '../domain/permissions.js';
import { runCli } from './cli-support.js';

const program = new Command('sa-licence').description(
  'Create Smart Assistant licence issuer keys and sign licences',
);

program
  .command('keygen')
  .description('create an Ed25519 issuer key pair')
  .option('--out <file>', 'private key file (PEM)', 'licence-issuer.key')
  .action((opts: { out: string }) => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(opts.out, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    const b64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    process.stdout.write(`private key written to ${opts.out} (keep it offline)\n`);
    process.stdout.write(`issuer key id: ${issuerKeyId(publicKey)}\n`);
    process.stdout.write(`LICENCE_PUBLIC_KEYS=${b64}\n`);
  });

program
  .command('sign')
  .description('sign a licence for one device')
  .requiredOption('--key <file>', 'issuer private key (PEM)')
  .requiredOption('--device <id>', 'device id shown by the app', (v) => {
    if (!DEVICE_ID.test(v)) throw new InvalidArgumentError('must be 4-64 letters or digits');
    return v;
  })
  .requiredOption('--tier <tier>', 'free | standard | premium', (v) => {
    if (!TIERS.includes(v as Tier)) throw new InvalidArgumentError('must be free, standard or premium');
    return v as Tier;
  })
  .requiredOption('--expires <date>', 'last valid day, YYYY-MM-DD (UTC)', (v) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || parseExpiry(v) === null)
      throw new InvalidArgumentError('must be YYYY-MM-DD');
    return v;
  })
  .option('--out-dir <dir>', 'where to write lic-<device>.lic', '.')
  .action((opts: { key: string; device: string; tier: Tier; expires: string; outDir: string }) => {
    const privateKey = createPrivateKey(readFileSync(opts.key));
    const file = join(opts.outDir, `lic-${opts.device}.lic`);
    const text = signLicence(
      {
        deviceId: opts.device,
        tier: opts.tier,
        issuedAt: new Date().toISOString(),
        expiresAt: parseExpiry(opts.expires)!.toISOString(),
        issuerKeyId: issuerKeyId(createPublicKey(privateKey)),
      },
      privateKey,
    );
    writeFileSync(file, text);
    process.stdout.write(`${file}\n`);
  });

runCli(program, 'sa-licence');
