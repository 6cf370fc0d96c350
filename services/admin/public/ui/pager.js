// Previous/next paging over list responses. Supports offset paging ({ total, limit, offset })
// and cursor paging ({ nextCursor }).

import { h } from '../dom.js';

export function pageInfo(response, offset, limit) {
  const items = listItems(response);
  const total = typeof response?.total === 'number' ? response.total : undefined;
  const nextCursor = response?.nextCursor ?? response?.next_cursor ?? response?.page?.nextCursor;
  let hasNext = items.length === limit;
  if (response && ('nextCursor' in response || 'next_cursor' in response)) hasNext = Boolean(nextCursor);
  else if (total !== undefined) hasNext = offset + items.length < total;
  return { items, total, nextCursor, hasNext, hasPrevious: offset > 0, offset, limit };
}

export function listItems(response) {
  if (Array.isArray(response)) return response;
  return response?.items ?? response?.data ?? [];
}

export function pager({ info, label, onPrevious, onNext }) {
  if (info.items.length === 0 && !info.hasPrevious) return null;
  const first = info.items.length === 0 ? 0 : info.offset + 1;
  const last = info.offset + info.items.length;
  const summary = info.total !== undefined ? `${first}–${last} of ${info.total}` : `${first}–${last}`;
  return h(
    'nav',
    { class: 'pager', 'aria-label': `${label} pages` },
    h('span', { class: 'pager-summary' }, summary),
    h(
      'button',
      { type: 'button', class: 'btn', disabled: !info.hasPrevious, onclick: onPrevious },
      'Previous',
    ),
    h('button', { type: 'button', class: 'btn', disabled: !info.hasNext, onclick: onNext }, 'Next'),
  );
}
