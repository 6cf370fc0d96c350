// The story the demo and the end-to-end tests share: user 230 with one phone; the Office Wi-Fi
// routes to the desk phone, the Conference Wi-Fi to the conference-room phone, and silence to the mobile.
import type { Stack } from './stack.js';

export const OFFICE_SCENARIO = {
  deviceId: 'E2EPHONE0123456789AB',
  extension: '230',
  /** admin creates the well-known default key as key 1 on first start (and warns about it) */
  serverKey: '1234567890123456',
  keyId: 1,
  office: { ssid: 'Office', bssid: 'aa:bb:cc:00:00:01', rssiDbm: -48 },
  conference: { ssid: 'Conference', bssid: 'aa:bb:cc:00:00:02', rssiDbm: -52 },
  dial: { desk: '230', conference: '801', mobile: '0170123456' },
} as const;

export type WifiNetwork = { readonly ssid: string; readonly bssid: string; readonly rssiDbm: number };

/**
 * Registers the device (with a premium licence), destinations, locations and scenarios through the
 * admin API. The device stays on the server key (the original model, `keyMode: 'server_key'`): the
 * tests of enrolled devices enrol their own (packages/e2e/test/enrolment.test.ts).
 */
export async function provisionOfficeScenario(s: Stack): Promise<void> {
  const o = OFFICE_SCENARIO;
  const licence = s.signLicence(o.deviceId, 'premium');
  await s.admin.request('POST', '/devices', {
    deviceId: o.deviceId,
    extension: o.extension,
    allowCreateTargets: true,
    licence,
    keyMode: 'server_key',
  });
  const destination = (name: string, dial: string) =>
    s.admin.request<{ id: string }>('POST', '/destinations', { name, dial });
  const desk = await destination(`${o.extension}-Desk`, o.dial.desk);
  const room = await destination('SMART-Conference', o.dial.conference);
  const mobile = await destination(`${o.extension}-Mobile`, o.dial.mobile);
  const location = (name: string, net: WifiNetwork) =>
    s.admin.request<{ id: string }>('POST', '/locations', { name, ssids: [net.ssid], bssids: [net.bssid] });
  const office = await location('Office', o.office);
  const conference = await location('Conference room', o.conference);
  await s.admin.request('PUT', `/users/${o.extension}/scenarios`, {
    scenarios: [
      {
        name: 'In a meeting',
        destinationId: room.id,
        rules: [{ kind: 'location', locationId: conference.id }],
      },
      { name: 'At my desk', destinationId: desk.id, rules: [{ kind: 'location', locationId: office.id }] },
      { name: 'Away', destinationId: mobile.id, rules: [], isDefault: true },
    ],
  });
}
