#!/usr/bin/env node
// smart-set-secret NEWKEY [--overlap 3600]: the original add-on's command to change the server key.
// Validates the key (16 ASCII letters/digits) and asks admin over NATS (names.setSecret); admin adds
// it as the active key and keeps the previous ones working for --overlap seconds.
// Env: NATS_URL (default nats://127.0.0.1:4222), SA_BUS_PREFIX (default "sa"), and on a bus with users
// (deploy/nats/smartassistant-auth.conf) NATS_USER=set-secret with its NATS_PASSWORD: that user may only ask
// admin for this.
import { connect } from '@nats-io/transport-node';
import { inboxPrefixFor, redactUrl } from '@sa/platform';
import { busNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import { Command, InvalidArgumentError } from 'commander';
import { SERVER_KEY } from '../domain/naming.js';
import { osUser, runCli } from './cli-support.js';

const program = new Command('smart-set-secret')
  .description('Set a new Smart Assistant server key (16 letters or digits)')
  .argument('<newkey>', 'the new key', (v) => {
    if (!SERVER_KEY.test(v)) throw new InvalidArgumentError('must be exactly 16 ASCII letters or digits');
    return v;
  })
  .option(
    '--overlap <seconds>',
    'how long the previous key keeps working',
    (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 30 * 86400)
        throw new InvalidArgumentError('must be 0..2592000');
      return n;
    },
    3600,
  )
  .option('--timeout <ms>', 'how long to wait for admin', (v) => Number(v), 5000)
  .action(async (newKey: string, opts: { overlap: number; timeout: number }) => {
    const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    const names = busNames(process.env.SA_BUS_PREFIX ?? 'sa');
    const user = process.env.NATS_USER || undefined;
    const pass = process.env.NATS_PASSWORD || undefined;
    if (user && !pass) throw new Error('NATS_PASSWORD: required when NATS_USER is set (missing)');
    const nc = await connect({
      servers: url,
      timeout: 3000,
      ...(user ? { user, pass, inboxPrefix: inboxPrefixFor(user) } : {}),
    }).catch((err: unknown) => {
      throw new Error(
        `cannot reach NATS at ${redactUrl(url)} (NATS_URL${user ? ', NATS_USER, NATS_PASSWORD' : ''}): ${String(err)}`,
      );
    });
    try {
      const request = v1.SetSecretRequest.create({
        secret: newKey,
        overlapSeconds: opts.overlap,
        requestedBy: osUser(),
      });
      const msg = await nc
        .request(names.setSecret, encodeMessage(v1.SetSecretRequest, request, 'SetSecretRequest'), {
          timeout: opts.timeout,
        })
        .catch((err: unknown) => {
          throw new Error(
            `admin did not answer on ${names.setSecret}: ${err instanceof Error ? err.message : String(err)}`,
          );
        });
      const reply = decodeMessage(v1.SetSecretReply, msg.data, 'SetSecretReply');
      if (!reply.ok) throw new Error(`${reply.errorCode}: ${reply.message}`);
      process.stdout.write(`${reply.message}\n`);
    } finally {
      await nc.close();
    }
  });

runCli(program, 'smart-set-secret');
