// Pure helpers of the web console (plain browser ES modules), run under Node: the event-stream reader,
// list paging and the wording of API validation errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';

// The console is plain JavaScript without type declarations: load it by URL and type what is used.
type SseEvent = { type: string; id: string; data: string };
const consoleModule = (path: string): Promise<unknown> =>
  import(new URL(`../../public/${path}`, import.meta.url).href);
const { readEvents } = (await consoleModule('sse-stream.js')) as {
  readEvents(body: ReadableStream<Uint8Array>, emit: (event: SseEvent) => void): Promise<void>;
};
const { humanise } = (await consoleModule('ui/form-errors.js')) as { humanise(message: string): string };
const { pageInfo } = (await consoleModule('ui/pager.js')) as {
  pageInfo(response: unknown, offset: number, limit: number): { hasNext: boolean; hasPrevious: boolean };
};

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

test('given events split across chunks with comments and CRLF, when read, then each event is emitted once in order', async () => {
  const events: SseEvent[] = [];
  await readEvents(
    streamOf([
      ': keep-alive\n\nid: 230:1\nevent: pres',
      'ence\ndata: {"extension":"230"}\n\n',
      'id: 231:1\r\nevent: presence\r\ndata: {"extension":',
      '"231","reason":"b€"}\r\n\r\nid: 232:1\ndata: line1\ndata: line2\n\n',
    ]),
    (event) => events.push(event),
  );
  assert.deepEqual(events, [
    { type: 'presence', id: '230:1', data: '{"extension":"230"}' },
    { type: 'presence', id: '231:1', data: '{"extension":"231","reason":"b€"}' },
    { type: 'message', id: '232:1', data: 'line1\nline2' },
  ]);
});

test('given a multi-byte character split between chunks, when read, then it is decoded intact', async () => {
  const bytes = new TextEncoder().encode('data: Zürich\n\n');
  const split = bytes.indexOf(0xc3) + 1;
  const events: SseEvent[] = [];
  await readEvents(
    new ReadableStream({
      start(controller) {
        controller.enqueue(bytes.slice(0, split));
        controller.enqueue(bytes.slice(split));
        controller.close();
      },
    }),
    (event) => events.push(event),
  );
  assert.deepEqual(
    events.map((e) => e.data),
    ['Zürich'],
  );
});

test('given cursor and offset list replies, when paged, then "next" follows nextCursor or total', () => {
  const items = [{ id: 1 }, { id: 2 }];
  assert.equal(pageInfo({ items, nextCursor: 'abc' }, 0, 2).hasNext, true);
  assert.equal(pageInfo({ items, nextCursor: null }, 0, 2).hasNext, false);
  assert.equal(pageInfo({ items, total: 5 }, 2, 2).hasNext, true);
  assert.equal(pageInfo({ items, total: 4 }, 2, 2).hasNext, false);
  assert.equal(pageInfo({ items, total: 4 }, 2, 2).hasPrevious, true);
});

test('given API validation messages, when shown next to a field, then they read as sentences without regexes', () => {
  assert.equal(
    humanise('body.name: must match pattern "^[A-Za-z0-9_.-]+$"'),
    'Name contains characters that are not allowed here.',
  );
  assert.equal(humanise('body.overlapSeconds: must be <= 2592000'), 'Overlap seconds must be <= 2592000.');
  assert.equal(humanise('name: extension 230 is not known'), 'Extension 230 is not known.');
  assert.equal(humanise('wrong username or password'), 'wrong username or password');
});
