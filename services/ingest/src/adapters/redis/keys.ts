// Every Redis key ingest uses. Hash-tagged per device so a device's keys share one cluster slot.

/** the device's highest accepted counter (the replay window's top) */
export function replayHighKey(prefix: string, deviceId: string): string {
  return `${prefix}{${deviceId}}:hi`;
}

export function replayKeys(prefix: string, deviceId: string, counter: number): [high: string, seen: string] {
  return [replayHighKey(prefix, deviceId), `${prefix}{${deviceId}}:c:${counter}`];
}
