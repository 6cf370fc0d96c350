// Writes a user's target into AstDB through ami-bridge (AmiCommand request/reply, order_key =
// extension so ami-bridge serialises one user's commands). Empty dial = delete the key, so the
// dialplan falls back to the extension's normal handling.
import type { NatsConnection } from '@sa/platform';
import { type BusNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import type { Decision } from '../../domain/types.js';
import { RouterError } from '../../errors.js';
import type { AstDbWriter } from '../../routing/ports.js';

export const ASTDB_FAMILY = 'SMARTASSISTANT';

export class NatsAmiCommander implements AstDbWriter {
  private seq = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: BusNames,
    private readonly timeoutMs: number,
  ) {}

  async writeTarget(extension: string, d: Decision): Promise<void> {
    const put = (key: string, value: string) =>
      value
        ? { dbPut: v1.DbPut.create({ family: ASTDB_FAMILY, key: `${extension}/${key}`, value }) }
        : { dbDel: v1.DbDel.create({ family: ASTDB_FAMILY, key: `${extension}/${key}` }) };
    await Promise.all([
      this.send(extension, put('target', d.targetDial)),
      this.send(extension, put('scenario', d.scenarioName)),
    ]);
  }

  private async send(extension: string, action: Record<string, unknown>): Promise<void> {
    const cmd = v1.AmiCommand.create({
      requestId: `router-${process.pid}-${++this.seq}`,
      orderKey: extension,
      timeoutMs: this.timeoutMs,
      ...action,
    });
    const reply = await this.nc.request(
      this.names.amiCommand,
      encodeMessage(v1.AmiCommand, cmd, 'AmiCommand'),
      {
        timeout: this.timeoutMs,
      },
    );
    const result = decodeMessage(v1.AmiResult, reply.data, 'AmiResult');
    // deleting a key that does not exist is fine
    if (!result.ok && !('dbDel' in action)) {
      throw new RouterError(
        'ROUTER_AMI_COMMAND_FAILED',
        `ami-bridge refused: ${result.errorCode} ${result.message}`,
        {
          extension,
        },
      );
    }
  }
}
