// Every Redis key ingest uses. Hash-tagged per device so a device's keys share one cluster slot.

export function replayKeys(prefix: string, deviceId: string, counter: number): [high: string, seen: string] {
  const base = `${prefix}{${deviceId}}`;
  return [`${base}:hi`, `${base}:c:${counter}`];
}
