// Audit log: every change, who made it, and the before/after values (newest first).

import { formatDateTime, h } from '../../shared/dom.js';
import type { AnswerOf } from '../endpoints.js';
import { type BadgeTone, badge } from '../ui/data-table.js';
import { listView } from '../ui/list-view.js';
import type { Cleanup, ViewContext } from '../view-context.js';
import { pageFrame } from './page.js';

type Entry = AnswerOf<'/api/v1/audit'>['items'][number];

const PAGE_SIZE = 50;
const ENTITIES: readonly (readonly [value: string, label: string])[] = [
  ['', 'All'],
  ['device', 'Devices'],
  ['extension', 'Extensions'],
  ['destination', 'Destinations'],
  ['location', 'Locations'],
  ['scenarios', 'Scenarios'],
  ['server_key', 'Server keys'],
  ['api_token', 'API tokens'],
  ['admin_account', 'Admin accounts'],
  ['presence_history', 'Presence history (views, deletions)'],
  ['settings', 'Settings'],
];

export function render(root: HTMLElement, { api }: ViewContext): Cleanup | undefined {
  const body = pageFrame(root, {
    title: 'Audit log',
    description: 'Every change, append-only: who, what, before and after.',
  });
  const list = listView({
    filter: {
      label: 'Filter audit log',
      controls: [
        h('label', { for: 'audit-entity' }, 'Entity'),
        h(
          'select',
          { id: 'audit-entity', name: 'entity' },
          ENTITIES.map(([value, label]) => h('option', { value }, label)),
        ),
      ],
    },
    pageSize: PAGE_SIZE,
    fetchPage: ({ limit, cursor, filters }) => api.audit.list({ entity: filters.entity, limit, cursor }),
    caption: 'Audit log',
    empty: 'No changes recorded.',
    columns: [
      { label: 'When', render: (e) => formatDateTime(e.at) },
      { label: 'Who', render: (e) => e.actor },
      { label: 'Action', render: (e) => badge(e.action, actionTone(e.action)) },
      { label: 'What', render: whatCell },
      { label: 'Change', render: changeCell },
    ],
  });
  body.append(list.filter, list.results);
  list.reload();
  return undefined;
}

function actionTone(action: string): BadgeTone {
  if (/delete|remove|retire/i.test(action)) return 'danger';
  if (/create|add|insert/i.test(action)) return 'success';
  return 'info';
}

/** The `name` in a before/after snapshot (the API keeps them as they were: any JSON). */
function nameIn(snapshot: unknown): unknown {
  return typeof snapshot === 'object' && snapshot !== null && 'name' in snapshot ? snapshot.name : undefined;
}

function whatCell(entry: Entry): HTMLElement {
  const name = nameIn(entry.after) ?? nameIn(entry.before);
  const entity = entry.entity.replace(/_/g, ' ');
  if (typeof name !== 'string' || name === entry.entityId) {
    return h('span', {}, `${entity} `, h('code', {}, entry.entityId ?? ''));
  }
  return h(
    'span',
    { class: 'stack' },
    h('span', {}, `${entity} `, h('strong', {}, name)),
    h('small', { class: 'muted mono' }, entry.entityId),
  );
}

function snapshot(title: string, value: unknown): HTMLElement {
  return h('div', {}, h('h3', {}, title), h('pre', {}, value ? JSON.stringify(value, null, 2) : '—'));
}

function changeCell(entry: Entry): HTMLElement {
  if (!entry.before && !entry.after) return h('span', { class: 'muted' }, '—');
  return h(
    'details',
    { class: 'diff' },
    h('summary', {}, 'Before / after'),
    h('div', { class: 'diff-grid' }, snapshot('Before', entry.before), snapshot('After', entry.after)),
  );
}
