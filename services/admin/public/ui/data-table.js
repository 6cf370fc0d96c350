// Responsive table: a normal table on wide screens, stacked cards on phones (CSS uses data-label).

import { h } from '../dom.js';

/**
 * columns: [{ label, render(row) -> Node|string, className?, header? }]: `header` (a Node, e.g. a
 * "select all" checkbox) replaces the label in the header row; the label still names the cells.
 * rowKey(row) names a row (data-row), so focus can stay in it when the table is drawn again.
 */
export function dataTable({ caption, columns, rows, empty = 'Nothing here yet.', rowKey = defaultRowKey }) {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table' },
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((col) => h('th', { scope: 'col' }, col.header ?? col.label)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row, index) =>
          h(
            'tr',
            { 'data-row': rowKey(row) ?? index },
            columns.map((col) => h('td', { 'data-label': col.label, class: col.className }, col.render(row))),
          ),
        ),
      ),
    ),
  );
}

export function badge(text, tone = 'neutral') {
  return h('span', { class: `badge badge-${tone}` }, text);
}

export function actions(...buttons) {
  return h('div', { class: 'row-actions' }, buttons);
}

/** A small button for a row's actions; `label` is the accessible name (e.g. "Edit SMART-Desk"). */
export function rowButton(text, { label, onClick, danger = false }) {
  return h(
    'button',
    {
      type: 'button',
      class: danger ? 'btn btn-small btn-danger-ghost' : 'btn btn-small',
      'aria-label': label,
      onclick: onClick,
    },
    text,
  );
}

function defaultRowKey(row) {
  return row.id ?? row.deviceId ?? row.username ?? row.extension;
}
