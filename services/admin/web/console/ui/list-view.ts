// A view's list: an optional filter toolbar, and a results region filled with a table of what the API
// returns (one page of it, with a previous/next pager, when the list is paged) or with the load error.

import { type Child, fill, h } from '../../shared/dom.js';
import type { Notify } from '../view-context.js';
import { loadError, resultsRegion } from '../views/page.js';
import { type Column, dataTable } from './data-table.js';
import { type ConfirmOptions, confirmDialog } from './dialog.js';
import { redrawKeepingFocus } from './focus.js';
import { type ListResponse, listItems, type PageInfo, pageInfo, pager } from './pager.js';

/** The filter form's fields (trimmed text) by name, as of the last "Apply"; a blank one means "any". */
export type Filters = Readonly<Record<string, string>>;

/** What fetchPage is asked for; each view passes on what its endpoint takes. */
export interface PageRequest {
  /** The page size; 0 when the list has no pageSize (it is not paged: fetch it whole). */
  readonly limit: number;
  readonly offset: number;
  /** Cursor paging: the page after this cursor (undefined: the first page). */
  readonly cursor: string | undefined;
  readonly filters: Filters;
}

export interface ListFilter {
  /** The search form's accessible name. */
  readonly label: string;
  readonly controls: Child;
}

export interface ListViewOptions<Row> {
  /** Where the table goes; default: a new resultsRegion(). */
  readonly results?: HTMLElement;
  /** Adds the filter toolbar. */
  readonly filter?: ListFilter;
  /** Adds paging: this many rows a page. */
  readonly pageSize?: number;
  readonly fetchPage: (request: PageRequest) => Promise<ListResponse<Row>>;
  /** The table's caption; the pager is labelled like it. */
  readonly caption: string;
  readonly columns: readonly Column<Row>[];
  readonly empty?: Child | ((filters: Filters) => Child);
  /** Needed by change/confirmChange. */
  readonly notify?: Notify;
}

/** A listed item's change: what to run, then the list is drawn again. */
export type Action = () => unknown;

export interface ListView {
  /** The filter toolbar to place (null without a filter). */
  readonly filter: HTMLFormElement | null;
  readonly results: HTMLElement;
  /** The current page again, after an edit. */
  readonly reload: () => Promise<void>;
  /** Starts over at the first page. */
  readonly firstPage: () => void;
  /** Runs a change to a listed item, announces `done` and shows the list again; or announces the error. */
  readonly change: (action: Action, done: string) => Promise<void>;
  /** The same, once the user has confirmed (dialog: { title, message, confirmLabel }). */
  readonly confirmChange: (dialog: ConfirmOptions, action: Action, done: string) => Promise<void>;
}

/** With a filter, the view has its toolbar to place. */
export function listView<Row>(
  options: ListViewOptions<Row> & { readonly filter: ListFilter },
): ListView & { readonly filter: HTMLFormElement };
export function listView<Row>(options: ListViewOptions<Row>): ListView;
export function listView<Row>({
  results = resultsRegion(),
  filter,
  pageSize,
  fetchPage,
  caption,
  columns,
  empty,
  notify,
}: ListViewOptions<Row>): ListView {
  const form = filter ? filterForm(filter.label, filter.controls, () => firstPage()) : null;
  let filters: Filters = form ? formValues(form) : {};
  let offset = 0;
  // Cursor paging: the cursor of every page shown so far, so "Previous" can step back.
  let cursors: (string | null)[] = [null];

  async function reload(): Promise<void> {
    const cursor = cursors[cursors.length - 1] ?? undefined;
    try {
      const response = await fetchPage({ limit: pageSize ?? 0, offset, cursor, filters });
      const info = pageSize ? pageInfo(response, offset, pageSize) : undefined;
      const table = dataTable({
        caption,
        columns,
        rows: info ? info.items : listItems(response),
        empty: typeof empty === 'function' ? empty(filters) : empty,
      });
      const paging = info
        ? pager({ info, label: caption, onPrevious: () => step(-1, info), onNext: () => step(1, info) })
        : null;
      redrawKeepingFocus(results, () => fill(results, table, paging));
    } catch (error) {
      redrawKeepingFocus(results, () => fill(results, loadError(error)));
    }
  }

  function step(direction: -1 | 1, info: PageInfo<Row>): void {
    if (direction < 0) {
      offset = Math.max(0, offset - info.limit);
      if (cursors.length > 1) cursors.pop();
    } else {
      offset += info.limit;
      if (info.nextCursor) cursors.push(info.nextCursor);
    }
    reload();
  }

  function firstPage(): void {
    if (form) filters = formValues(form);
    offset = 0;
    cursors = [null];
    reload();
  }

  async function change(action: Action, done: string): Promise<void> {
    try {
      await action();
      notify?.(done);
      reload();
    } catch (error) {
      notify?.(error instanceof Error ? error.message : String(error), 'error');
    }
  }

  async function confirmChange(dialog: ConfirmOptions, action: Action, done: string): Promise<void> {
    if (await confirmDialog(dialog)) await change(action, done);
  }

  return { filter: form, results, reload, firstPage, change, confirmChange };
}

export interface FilterInputOptions {
  readonly id: string;
  readonly name: string;
  readonly label: string;
  readonly placeholder?: string;
}

/** A labelled search box for a filter toolbar; the filters here are all numeric (extensions). */
export function filterInput({
  id,
  name,
  label,
  placeholder,
}: FilterInputOptions): [HTMLLabelElement, HTMLInputElement] {
  return [
    h('label', { for: id }, label),
    h('input', { id, name, type: 'search', inputmode: 'numeric', placeholder }),
  ];
}

function filterForm(label: string, controls: Child, onApply: () => void): HTMLFormElement {
  const form = h(
    'form',
    { class: 'toolbar', role: 'search', 'aria-label': label },
    controls,
    h('button', { type: 'submit', class: 'btn' }, 'Apply'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onApply();
  });
  return form;
}

function formValues(form: HTMLFormElement): Filters {
  return Object.fromEntries([...new FormData(form)].map(([name, value]) => [name, String(value).trim()]));
}
