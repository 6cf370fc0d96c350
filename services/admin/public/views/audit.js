// Audit log: every change, who made it, and the before/after values (newest first).

import { formatDateTime, h } from '../dom.js';
import { badge } from '../ui/data-table.js';
import { listView } from '../ui/list-view.js';
import { pageFrame } from './page.js';

const PAGE_SIZE = 50;
const ENTITIES = [
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

export function render(root, { api }) {
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
    fetchPage: ({ limit, cursor, filters }) => api.audit.list({ ...filters, limit, cursor }),
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
}

function actionTone(action) {
  if (/delete|remove|retire/i.test(action)) return 'danger';
  if (/create|add|insert/i.test(action)) return 'success';
  return 'info';
}

function whatCell(entry) {
  const name = entry.after?.name ?? entry.before?.name;
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

function changeCell(entry) {
  if (!entry.before && !entry.after) return h('span', { class: 'muted' }, '—');
  return h(
    'details',
    { class: 'diff' },
    h('summary', {}, 'Before / after'),
    h(
      'div',
      { class: 'diff-grid' },
      h(
        'div',
        {},
        h('h3', {}, 'Before'),
        h('pre', {}, entry.before ? JSON.stringify(entry.before, null, 2) : '—'),
      ),
      h(
        'div',
        {},
        h('h3', {}, 'After'),
        h('pre', {}, entry.after ? JSON.stringify(entry.after, null, 2) : '—'),
      ),
    ),
  );
}
