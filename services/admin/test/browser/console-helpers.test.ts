// Pure helpers of the web console (browser modules in web/console), run under Node: list paging and the
// wording of API validation errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';

// The console is typed against the browser's DOM, not Node's: load it by URL and type what is used.
const consoleModule = (path: string): Promise<unknown> =>
  import(new URL(`../../web/console/${path}`, import.meta.url).href);
const { humanise } = (await consoleModule('ui/form-errors.js')) as { humanise(message: string): string };
const { pageInfo } = (await consoleModule('ui/pager.js')) as {
  pageInfo(response: unknown, offset: number, limit: number): { hasNext: boolean; hasPrevious: boolean };
};

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
