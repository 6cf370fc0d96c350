// Responsive table: a normal table on wide screens, stacked cards on phones (CSS uses data-label).

import { type Child, h } from '../../shared/dom.js';

/** One column: `label` names the cells (data-label) and, unless `header` is given, heads the column. */
export interface Column<Row> {
  readonly label: string;
  readonly render: (row: Row) => Child;
  readonly className?: string;
  /** A Node (e.g. a "select all" checkbox) that replaces the label in the header row. */
  readonly header?: Node;
}

/** Names a row (data-row), so focus can stay in it when the table is drawn again. */
export type RowKey<Row> = (row: Row) => string | number | null | undefined;

export interface DataTableOptions<Row> {
  /** The table's accessible name (a visually hidden caption). */
  readonly caption: string;
  readonly columns: readonly Column<Row>[];
  readonly rows: readonly Row[];
  /** Shown instead of the table when there are no rows. */
  readonly empty?: Child;
  /** Default: the row's id, deviceId, username or extension; else its index. */
  readonly rowKey?: RowKey<Row>;
}

export function dataTable<Row>({
  caption,
  columns,
  rows,
  empty = 'Nothing here yet.',
  rowKey = defaultRowKey,
}: DataTableOptions<Row>): HTMLElement {
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

/** The badge colours styles.css has (.badge-<tone>). */
export type BadgeTone = 'neutral' | 'muted' | 'success' | 'warning' | 'danger' | 'info' | 'accent';

export function badge(text: Child, tone: BadgeTone = 'neutral'): HTMLElement {
  return h('span', { class: `badge badge-${tone}` }, text);
}

export function actions(...buttons: Child[]): HTMLElement {
  return h('div', { class: 'row-actions' }, buttons);
}

export interface RowButtonOptions {
  /** The accessible name (e.g. "Edit SMART-Desk"). */
  readonly label: string;
  readonly onClick: (event: MouseEvent) => void;
  readonly danger?: boolean;
}

/** A small button for a row's actions. */
export function rowButton(
  text: string,
  { label, onClick, danger = false }: RowButtonOptions,
): HTMLButtonElement {
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

const KEY_FIELDS = ['id', 'deviceId', 'username', 'extension'] as const;

function defaultRowKey(row: unknown): string | number | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  for (const field of KEY_FIELDS) {
    const value = (row as Partial<Record<(typeof KEY_FIELDS)[number], unknown>>)[field];
    if (typeof value === 'string' || typeof value === 'number') return value;
  }
  return undefined;
}
