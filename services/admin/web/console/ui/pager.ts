// Previous/next paging over list responses. Supports offset paging ({ total, limit, offset })
// and cursor paging ({ nextCursor }).

import { h } from '../../shared/dom.js';

/** What list endpoints answer: a bare array, or { items } with offset (total) or cursor (nextCursor) paging. */
export type ListResponse<T> =
  | readonly T[]
  | {
      readonly items?: readonly T[];
      readonly data?: readonly T[];
      readonly total?: number;
      readonly nextCursor?: string | null;
      readonly next_cursor?: string | null;
      readonly page?: { readonly nextCursor?: string | null };
    }
  | null
  | undefined;

/** The item type of a list response. */
export type ItemOf<R> = R extends ListResponse<infer T> ? T : never;

export interface PageInfo<T> {
  readonly items: T[];
  readonly total: number | undefined;
  readonly nextCursor: string | null | undefined;
  readonly hasNext: boolean;
  readonly hasPrevious: boolean;
  readonly offset: number;
  readonly limit: number;
}

export function pageInfo<T>(response: ListResponse<T>, offset: number, limit: number): PageInfo<T> {
  const items = listItems(response);
  const paged = response && !isArray(response) ? response : undefined;
  const total = typeof paged?.total === 'number' ? paged.total : undefined;
  const nextCursor = paged?.nextCursor ?? paged?.next_cursor ?? paged?.page?.nextCursor;
  let hasNext = items.length === limit;
  if (paged && ('nextCursor' in paged || 'next_cursor' in paged)) hasNext = Boolean(nextCursor);
  else if (total !== undefined) hasNext = offset + items.length < total;
  return { items, total, nextCursor, hasNext, hasPrevious: offset > 0, offset, limit };
}

export function listItems<T>(response: ListResponse<T>): T[] {
  if (isArray(response)) return [...response];
  return [...(response?.items ?? response?.data ?? [])];
}

// Array.isArray does not narrow readonly arrays out of a union.
function isArray<T>(value: ListResponse<T>): value is readonly T[] {
  return Array.isArray(value);
}

export interface PagerOptions {
  readonly info: PageInfo<unknown>;
  /** Names the pager: "<label> pages". */
  readonly label: string;
  readonly onPrevious: () => void;
  readonly onNext: () => void;
}

export function pager({ info, label, onPrevious, onNext }: PagerOptions): HTMLElement | null {
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
