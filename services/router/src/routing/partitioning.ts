// Users are spread over N partitions by a stable hash of the extension (FNV-1a 32-bit).
export function partitionOf(extension: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < extension.length; i++) {
    h ^= extension.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}
