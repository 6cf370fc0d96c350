// Windows: `netsh wlan show interfaces`, English locale only (keys and the state word are
// translated: other locales are refused with an error, never misread). One block per interface,
// from its `Name` line; the connected one gives SSID, BSSID (`AP BSSID` on Windows 11) and
// `Signal : 88%`, a 0-100 quality. netsh lists no other networks here, so visible stays empty.
import {
  keyValueLines,
  normaliseBssid,
  qualityToDbm,
  WINDOWS_QUALITY,
  type WifiScan,
} from './wifi-network.js';

export const NETSH_ARGS = ['wlan', 'show', 'interfaces'];

function interfaceBlocks(text: string): Array<Map<string, string>> {
  const blocks: Array<Map<string, string>> = [];
  for (const [key, value] of keyValueLines(text)) {
    if (key === 'Name') blocks.push(new Map());
    blocks.at(-1)?.set(key, value);
  }
  return blocks;
}

export function parseNetshInterfaces(text: string): WifiScan {
  if (/There is no wireless interface on the system/i.test(text)) return { visible: [] };
  const blocks = interfaceBlocks(text);
  if (blocks.length === 0 || blocks.some((b) => !b.has('State'))) {
    const first = text.trim().split(/\r?\n/)[0] ?? '';
    throw new Error(`unrecognised netsh output (only the English locale is parsed): ${first.slice(0, 120)}`);
  }
  const block = blocks.find((b) => b.get('State') === 'connected');
  if (!block) return { visible: [] };
  const ssid = block.get('SSID') ?? '';
  const bssid = normaliseBssid(block.get('AP BSSID') ?? block.get('BSSID') ?? '');
  const signal = /^(\d+)\s*%$/.exec(block.get('Signal') ?? '');
  if (!ssid && !bssid) return { visible: [] };
  return {
    connected: { ssid, bssid, rssiDbm: signal ? qualityToDbm(Number(signal[1]), WINDOWS_QUALITY) : 0 },
    visible: [],
  };
}
