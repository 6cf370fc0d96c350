// Server-Sent Events over fetch (EventSource cannot send the Authorization header).
// Reconnects with capped exponential backoff; onStatus reports 'connecting' | 'live' | 'reconnecting' | 'closed'.

export function openEventStream({ url, headers, onEvent, onStatus }) {
  const controller = new AbortController();
  let attempt = 0;
  let lastEventId = '';

  async function connect() {
    while (!controller.signal.aborted) {
      onStatus?.(attempt === 0 ? 'connecting' : 'reconnecting');
      try {
        const response = await fetch(url, {
          headers: {
            accept: 'text/event-stream',
            ...headers(),
            ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
          },
          credentials: 'same-origin',
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        attempt = 0;
        onStatus?.('live');
        await readEvents(response.body, (event) => {
          if (event.id) lastEventId = event.id;
          onEvent(event);
        });
      } catch {
        if (controller.signal.aborted) break;
      }
      attempt += 1;
      const delay = Math.min(15000, 500 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    onStatus?.('closed');
  }

  connect();
  return { close: () => controller.abort() };
}

export async function readEvents(body, emit) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const blocks = buffer.split(/\r?\n\r?\n/);
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const event = parseBlock(block);
      if (event) emit(event);
    }
  }
}

function parseBlock(block) {
  const event = { type: 'message', data: '', id: '' };
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event.type = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') event.id = value;
  }
  if (data.length === 0) return null;
  event.data = data.join('\n');
  return event;
}
