// A live stream of server-sent events through the browser's own EventSource: the session cookie goes
// with it, and the browser reconnects by itself (sending Last-Event-ID), so nothing here retries.

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface LiveEvents {
  close(): void;
}

export function openEventStream(options: {
  url: string;
  /** the `event:` name the server gives its events */
  type: string;
  onEvent: (data: string) => void;
  onStatus?: (status: StreamStatus) => void;
}): LiveEvents {
  const source = new EventSource(options.url, { withCredentials: true });
  options.onStatus?.('connecting');
  source.addEventListener('open', () => options.onStatus?.('live'));
  // CONNECTING after an error: the browser retries; CLOSED: it gave up (the session ended, say)
  source.addEventListener('error', () =>
    options.onStatus?.(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'),
  );
  source.addEventListener(options.type, (event) => options.onEvent((event as MessageEvent<string>).data));
  return { close: () => source.close() };
}
