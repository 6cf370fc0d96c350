// A view's list: an optional filter toolbar, and a results region filled with a table of what the API
// returns (one page of it, with a previous/next pager, when the list is paged) or with the load error.

import { fill, h } from '../dom.js';
import { loadError, resultsRegion } from '../views/page.js';
import { dataTable } from './data-table.js';
import { confirmDialog } from './dialog.js';
import { redrawKeepingFocus } from './focus.js';
import { listItems, pageInfo, pager } from './pager.js';

/**
 * fetchPage({ limit, offset, cursor, filters }) -> response; each view passes on what its endpoint takes.
 * filters are the filter form's fields (trimmed text), as of the last "Apply".
 * filter: { label, controls } adds the toolbar; pageSize adds paging. `empty` may be a function of
 * the filters. The pager is labelled like the table's caption. `notify` is needed by change/confirmChange.
 * Returns { filter, results, reload, firstPage, change, confirmChange }: the elements to place, then
 * reload (the current page again, after an edit) and firstPage (start over).
 */
export function listView({
  results = resultsRegion(),
  filter,
  pageSize,
  fetchPage,
  caption,
  columns,
  empty,
  notify,
}) {
  const form = filter ? filterForm(filter.label, filter.controls, () => firstPage()) : null;
  let filters = form ? formValues(form) : {};
  let offset = 0;
  // Cursor paging: the cursor of every page shown so far, so "Previous" can step back.
  let cursors = [null];

  async function reload() {
    const cursor = cursors[cursors.length - 1] ?? undefined;
    try {
      const response = await fetchPage({ limit: pageSize, offset, cursor, filters });
      const info = pageSize ? pageInfo(response, offset, pageSize) : undefined;
      redrawKeepingFocus(results, () =>
        fill(
          results,
          dataTable({
            caption,
            columns,
            rows: info ? info.items : listItems(response),
            empty: typeof empty === 'function' ? empty(filters) : empty,
          }),
          info
            ? pager({ info, label: caption, onPrevious: () => step(-1, info), onNext: () => step(1, info) })
            : null,
        ),
      );
    } catch (error) {
      redrawKeepingFocus(results, () => fill(results, loadError(error)));
    }
  }

  function step(direction, info) {
    if (direction < 0) {
      offset = Math.max(0, offset - pageSize);
      if (cursors.length > 1) cursors.pop();
    } else {
      offset += pageSize;
      if (info.nextCursor) cursors.push(info.nextCursor);
    }
    reload();
  }

  function firstPage() {
    if (form) filters = formValues(form);
    offset = 0;
    cursors = [null];
    reload();
  }

  /** Runs a change to a listed item, announces `done` and shows the list again; or announces the error. */
  async function change(action, done) {
    try {
      await action();
      notify(done);
      reload();
    } catch (error) {
      notify(error.message, 'error');
    }
  }

  /** The same, once the user has confirmed (dialog: { title, message, confirmLabel }). */
  async function confirmChange(dialog, action, done) {
    if (await confirmDialog(dialog)) await change(action, done);
  }

  return { filter: form, results, reload, firstPage, change, confirmChange };
}

/** A labelled search box for a filter toolbar; the filters here are all numeric (extensions). */
export function filterInput({ id, name, label, placeholder }) {
  return [
    h('label', { for: id }, label),
    h('input', { id, name, type: 'search', inputmode: 'numeric', placeholder }),
  ];
}

function filterForm(label, controls, onApply) {
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

function formValues(form) {
  return Object.fromEntries([...new FormData(form)].map(([name, value]) => [name, String(value).trim()]));
}
