// Router's partitions, shared with ingest: users are spread over N partitions by a stable hash of the
// extension (FNV-1a 32-bit), and each partition has one durable consumer on the phone stream. ingest
// reads those durables' acknowledged floors to tell whether a report is still waiting for router.
export function partitionOf(extension: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < extension.length; i++) {
    h ^= extension.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}

/** The durable consumer of partition `partition` of `partitions` (router's ROUTER_DURABLE is the prefix). */
export function partitionDurable(prefix: string, partition: number, partitions: number): string {
  return `${prefix}_p${partition}_of_${partitions}`;
}

const DURABLE = /^(.+)_p(\d+)_of_(\d+)$/;

/** A consumer name read back as a partition durable; null for any other consumer. */
export function parsePartitionDurable(
  name: string,
): { prefix: string; partition: number; partitions: number } | null {
  const m = DURABLE.exec(name);
  if (!m) return null;
  const partition = Number(m[2]);
  const partitions = Number(m[3]);
  return partition < partitions ? { prefix: m[1]!, partition, partitions } : null;
}
