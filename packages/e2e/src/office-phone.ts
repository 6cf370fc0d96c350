// The office scenario's phone (OFFICE_SCENARIO) talking to a stack's ingest, and the report loop the
// tests share: report a network until what it should cause is seen.
import { PhoneClient } from '@sa/phone-client';
import { waitFor } from '@sa/testkit';
import { OFFICE_SCENARIO as O, type WifiNetwork } from './office-scenario.js';
import type { Stack } from './stack.js';

export function officePhone(stack: Stack): PhoneClient {
  return new PhoneClient(
    { deviceId: O.deviceId, secret: O.serverKey, keyId: O.keyId },
    { host: stack.ingestUdp.host, port: stack.ingestUdp.port, transport: 'http' },
  );
}

/** Reports `net` (connected and visible) every 200 ms until `until()` holds (20 s at most). */
export async function reportUntil(
  phone: PhoneClient,
  net: WifiNetwork,
  until: () => boolean | Promise<boolean>,
  what: string,
): Promise<void> {
  await waitFor(
    async () => {
      await phone.send({ presence: { connected: net, visible: [net] } }, { timeoutMs: 300 });
      return until();
    },
    { timeoutMs: 20_000, intervalMs: 200, what },
  );
}
