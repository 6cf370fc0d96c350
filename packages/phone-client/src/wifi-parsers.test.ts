import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NETWORKMANAGER_QUALITY, normaliseBssid, qualityToDbm, WINDOWS_QUALITY } from './wifi-network.js';
import { AIRPORT_PATH, parseAirportInfo, parseWdutilInfo } from './wifi-parse-macos.js';
import { parseNetshInterfaces } from './wifi-parse-netsh.js';
import { parseNmcliTerse, splitTerseLine } from './wifi-parse-nmcli.js';
import { wifiCommandFor, wifiReader } from './wifi-reader.js';

/** A recorded output under test/fixtures/wifi/ (written from each tool's documented format). */
const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'wifi', name), 'utf8');

describe('Wi-Fi helpers', () => {
  it('given 0-100 qualities, when converted, then each tool scale is inverted: NetworkManager 0.6q - 100, Windows q/2 - 100', () => {
    const nm = (q: number) => qualityToDbm(q, NETWORKMANAGER_QUALITY);
    const windows = (q: number) => qualityToDbm(q, WINDOWS_QUALITY);
    assert.deepEqual([100, 82, 50, 0, 130, -5].map(nm), [-40, -51, -70, -100, -40, -100]);
    assert.deepEqual([100, 88, 71, 0, 130, -5].map(windows), [-50, -56, -64, -100, -50, -100]);
  });

  it('given BSSIDs as tools print them, when normalised, then lower-case two-digit octets or empty', () => {
    assert.equal(normaliseBssid('2C:30:33:A4:2:18'), '2c:30:33:a4:02:18');
    assert.equal(normaliseBssid('2c-30-33-a4-02-18'), '2c:30:33:a4:02:18');
    assert.equal(normaliseBssid('0:0:0:0:0:0'), '');
    assert.equal(normaliseBssid('<redacted>'), '');
    assert.equal(normaliseBssid('2c:30:33:a4:02'), '');
  });
});

describe('nmcli -t -f ACTIVE,SSID,BSSID,SIGNAL device wifi list', () => {
  it('given an escaped colon and backslash, when a terse line is split, then the escapes are removed', () => {
    assert.deepEqual(splitTerseLine('no:Lab\\\\Net\\: 2:AA\\:BB:40'), ['no', 'Lab\\Net: 2', 'AA:BB', '40']);
  });

  it('given a connected laptop (fixture nmcli-connected), when parsed, then the active row is connected and the rest visible, strongest first', () => {
    assert.deepEqual(parseNmcliTerse(fixture('nmcli-connected.txt')), {
      connected: { ssid: 'Office', bssid: '2c:30:33:a4:02:18', rssiDbm: -51 },
      visible: [
        { ssid: 'Guest: Lobby Wi-Fi', bssid: '2e:30:33:a4:02:18', rssiDbm: -52 },
        { ssid: 'Office', bssid: '2c:30:33:a4:02:1c', rssiDbm: -62 },
        { ssid: '', bssid: '3a:10:d5:00:4f:91', rssiDbm: -66 },
        { ssid: 'Office', bssid: '2c:30:33:b7:11:40', rssiDbm: -76 },
        { ssid: 'DIRECT-7F-HP OfficeJet', bssid: 'f6:4d:30:12:9a:0b', rssiDbm: -80 },
      ],
    });
  });

  it('given networks in range but none active (fixture nmcli-disconnected), when parsed, then nothing is connected', () => {
    assert.deepEqual(parseNmcliTerse(fixture('nmcli-disconnected.txt')), {
      visible: [
        { ssid: 'Office', bssid: '2c:30:33:a4:02:18', rssiDbm: -56 },
        { ssid: 'Guest: Lobby Wi-Fi', bssid: '2e:30:33:a4:02:18', rssiDbm: -57 },
        { ssid: '', bssid: '3a:10:d5:00:4f:91', rssiDbm: -70 },
      ],
    });
  });

  it('given no Wi-Fi device or the radio off (fixture nmcli-no-wifi, empty), when parsed, then nothing at all', () => {
    assert.deepEqual(parseNmcliTerse(fixture('nmcli-no-wifi.txt')), { visible: [] });
  });
});

describe('macOS airport -I', () => {
  it('given a connection (fixture airport-connected), when parsed, then the SSID keeps its colon and the BSSID gets its zeros back', () => {
    assert.deepEqual(parseAirportInfo(fixture('airport-connected.txt')), {
      connected: { ssid: 'Guest: Lobby Wi-Fi', bssid: '2e:30:33:a4:02:18', rssiDbm: -58 },
      visible: [],
    });
  });

  it('given Wi-Fi on but not associated, or off (fixtures airport-disconnected, airport-off), when parsed, then nothing is connected', () => {
    assert.deepEqual(parseAirportInfo(fixture('airport-disconnected.txt')), { visible: [] });
    assert.deepEqual(parseAirportInfo(fixture('airport-off.txt')), { visible: [] });
  });
});

describe('macOS wdutil info', () => {
  it('given a connection (fixture wdutil-connected), when parsed, then SSID, BSSID and RSSI come from the WIFI section', () => {
    assert.deepEqual(parseWdutilInfo(fixture('wdutil-connected.txt')), {
      connected: { ssid: 'Office Floor 2', bssid: '2c:30:33:a4:02:18', rssiDbm: -61 },
      visible: [],
    });
  });

  it('given SSID and BSSID None (fixture wdutil-disconnected), when parsed, then nothing is connected', () => {
    assert.deepEqual(parseWdutilInfo(fixture('wdutil-disconnected.txt')), { visible: [] });
  });

  it('given a non-root run that withholds both (fixture wdutil-redacted), when parsed, then it is an error, not "no Wi-Fi"', () => {
    assert.throws(() => parseWdutilInfo(fixture('wdutil-redacted.txt')), /withheld .* must run as root/);
  });
});

describe('Windows netsh wlan show interfaces', () => {
  it('given a Windows 11 connection (fixture netsh-connected, CRLF), when parsed, then AP BSSID and Signal % are read', () => {
    assert.deepEqual(parseNetshInterfaces(fixture('netsh-connected.txt')), {
      connected: { ssid: 'Guest: Lobby Wi-Fi', bssid: '2e:30:33:a4:02:18', rssiDbm: -56 },
      visible: [],
    });
  });

  it('given a Windows 10 connection (fixture netsh-connected-win10), when parsed, then its BSSID key is read', () => {
    assert.deepEqual(parseNetshInterfaces(fixture('netsh-connected-win10.txt')), {
      connected: { ssid: 'Office', bssid: '2c:30:33:a4:02:18', rssiDbm: -64 },
      visible: [],
    });
  });

  it('given a disconnected interface or none (fixtures netsh-disconnected, netsh-no-wifi), when parsed, then nothing is connected', () => {
    assert.deepEqual(parseNetshInterfaces(fixture('netsh-disconnected.txt')), { visible: [] });
    assert.deepEqual(parseNetshInterfaces(fixture('netsh-no-wifi.txt')), { visible: [] });
  });

  it('given a German Windows (fixture netsh-german), when parsed, then it is refused, not misread as disconnected', () => {
    assert.throws(() => parseNetshInterfaces(fixture('netsh-german.txt')), /only the English locale/);
  });
});

describe('which tool is run', () => {
  it('given each platform, when the command is chosen, then nmcli (C locale), airport or sudo wdutil, netsh', () => {
    const linux = wifiCommandFor('linux');
    assert.deepEqual([linux.file, linux.env], ['nmcli', { LC_ALL: 'C' }]);
    assert.equal(wifiCommandFor('darwin', (p) => p === AIRPORT_PATH).file, AIRPORT_PATH);
    assert.deepEqual(wifiCommandFor('darwin', () => false).args, ['-n', '/usr/bin/wdutil', 'info']);
    assert.equal(wifiCommandFor('win32').file, 'netsh');
    assert.throws(() => wifiCommandFor('freebsd'), /cannot read Wi-Fi on freebsd/);
  });

  it('given a runner returning a recorded output, when read, then the runner got the tool command line and its output is parsed', async () => {
    const calls: string[] = [];
    const read = wifiReader(wifiCommandFor('linux'), async (file, args) => {
      calls.push([file, ...args].join(' '));
      return fixture('nmcli-connected.txt');
    });
    assert.equal((await read()).connected?.ssid, 'Office');
    assert.deepEqual(calls, ['nmcli -t -f ACTIVE,SSID,BSSID,SIGNAL device wifi list --rescan no']);
  });
});
