// ingest's own count of presence reports it published and of those it answered without the bus
// (change-driven presence), read from its metrics endpoint; the e2e test and bench:fleet both use it.

export interface IngestReportCounts {
  readonly published: number;
  readonly unchanged: number;
}

export async function ingestReportCounts(opsUrl: string): Promise<IngestReportCounts> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  const count = (name: string) =>
    Number(new RegExp(`^${name}_count(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return {
    published: count('sa_ingest_publish_latency_seconds'),
    unchanged: count('sa_ingest_presence_unchanged_seconds'),
  };
}
