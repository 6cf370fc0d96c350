// Answers phone requests forwarded by ingest and the smart-set-secret CLI. Every PhoneTargetsReply
// carries the device's current tier and permissions, so the app unlocks features as soon as a
// licence is uploaded.
import type { Logger } from '@sa/platform';
import { decodeMessage, type smartassistant, v1 } from '@sa/proto';
import { DIAL, isNameProblem, parseDestinationName, SERVER_KEY, SHORT_NAME } from '../../domain/naming.js';
import { AdminError } from '../../errors.js';
import type { KeysRepo } from '../pg/keys-repo.js';
import { deviceMessage, type PhoneRepo } from '../pg/phone-repo.js';
import type { DeviceRow } from '../pg/snapshots.js';

const MAX_OVERLAP_S = 30 * 86400;

export class PhoneRequests {
  constructor(
    private readonly phone: PhoneRepo,
    private readonly keys: KeysRepo,
    private readonly logger: Logger,
    private readonly onCommitted: () => void,
  ) {}

  async targets(data: Uint8Array): Promise<smartassistant.v1.PhoneTargetsReply> {
    const req = decodeTargetsRequest(data);
    if (!req) return fail('ADMIN_REQUEST_INVALID', 'PhoneTargetsRequest could not be decoded');
    const row = await this.phone.device(req.deviceId);
    if (!row) return fail('ADMIN_PHONE_DEVICE_UNKNOWN', `device ${req.deviceId} is not registered`);
    const device = deviceMessage(row);
    const base = { tier: device.tier, permissions: device.permissions };
    if (!row.enabled)
      return {
        ...fail('ADMIN_PHONE_DEVICE_DISABLED', 'device is disabled'),
        ...base,
      } as smartassistant.v1.PhoneTargetsReply;
    if (req.extension && req.extension !== row.extension) {
      return v1.PhoneTargetsReply.create({
        ...base,
        ok: false,
        errorCode: 'ADMIN_PHONE_EXTENSION_MISMATCH',
        message: `device is registered to extension ${row.extension}`,
      });
    }
    const perms = device.permissions!;
    if (req.createName) {
      const refused = await this.#createTarget(row, req, !!perms.createTargets);
      if (refused) return v1.PhoneTargetsReply.create({ ...base, ok: false, ...refused });
    }
    const targets = await this.phone.targets(row.extension, {
      genericDestinations: !!perms.genericDestinations,
      specificDestinations: !!perms.specificDestinations,
      createTargets: !!perms.createTargets,
    });
    return v1.PhoneTargetsReply.create({ ...base, ok: true, targets });
  }

  /** Creates the target the app asked for; returns why not, or null once it is committed. */
  async #createTarget(
    row: DeviceRow,
    req: TargetsRequest,
    allowed: boolean,
  ): Promise<{ errorCode: string; message: string } | null> {
    if (!allowed) {
      return {
        errorCode: 'ADMIN_PHONE_CREATE_FORBIDDEN',
        message: "creating targets needs a premium licence and the administrator's permission",
      };
    }
    const name = /^[0-9]{2,10}-/.test(req.createName) ? req.createName : `${row.extension}-${req.createName}`;
    const parsed = parseDestinationName(name);
    if (isNameProblem(parsed) || parsed.extension !== row.extension || !SHORT_NAME.test(parsed.shortName)) {
      return {
        errorCode: 'ADMIN_DESTINATION_NAME_INVALID',
        message: `targets created from the app are named ${row.extension}-<Name>`,
      };
    }
    if (!DIAL.test(req.createDial))
      return { errorCode: 'ADMIN_REQUEST_INVALID', message: 'create_dial: must be 1-64 dialable characters' };
    try {
      await this.phone.createTarget(row.device_id, name, req.createDial);
      this.onCommitted();
      return null;
    } catch (err) {
      if (err instanceof AdminError) return { errorCode: err.code, message: err.message };
      throw err;
    }
  }

  async setSecret(data: Uint8Array): Promise<smartassistant.v1.SetSecretReply> {
    let req: { secret: string; overlapSeconds: number; requestedBy: string };
    try {
      const r = decodeMessage(v1.SetSecretRequest, data, 'SetSecretRequest');
      req = {
        secret: r.secret ?? '',
        overlapSeconds: Number(r.overlapSeconds ?? 0),
        requestedBy: r.requestedBy ?? '',
      };
    } catch {
      return v1.SetSecretReply.create({
        ok: false,
        errorCode: 'ADMIN_REQUEST_INVALID',
        message: 'SetSecretRequest could not be decoded',
      });
    }
    if (!SERVER_KEY.test(req.secret)) {
      return v1.SetSecretReply.create({
        ok: false,
        errorCode: 'ADMIN_KEY_INVALID',
        message: 'secret must be exactly 16 ASCII letters or digits',
      });
    }
    const overlap = Math.min(req.overlapSeconds || 3600, MAX_OVERLAP_S);
    const who = /^[A-Za-z0-9_.@-]{1,64}$/.test(req.requestedBy) ? req.requestedBy : 'unknown';
    const key = await this.keys.rotate(`cli:${who}`, req.secret, overlap);
    this.onCommitted();
    this.logger.info(
      { event: 'key_rotated', keyId: key.keyId, overlapSeconds: overlap },
      `server key ${key.keyId} added by smart-set-secret`,
    );
    return v1.SetSecretReply.create({
      ok: true,
      keyId: key.keyId,
      message: `key ${key.keyId} active; previous keys retire in ${overlap} s`,
    });
  }
}

interface TargetsRequest {
  deviceId: string;
  extension: string;
  createName: string;
  createDial: string;
}

/** The request with every field defaulted, or null when the bytes are not a PhoneTargetsRequest. */
function decodeTargetsRequest(data: Uint8Array): TargetsRequest | null {
  try {
    const r = decodeMessage(v1.PhoneTargetsRequest, data, 'PhoneTargetsRequest');
    return {
      deviceId: r.deviceId ?? '',
      extension: r.extension ?? '',
      createName: r.createName ?? '',
      createDial: r.createDial ?? '',
    };
  } catch {
    return null;
  }
}

function fail(errorCode: string, message: string): smartassistant.v1.PhoneTargetsReply {
  return v1.PhoneTargetsReply.create({ ok: false, errorCode, message });
}
