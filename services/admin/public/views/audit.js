// Audit log: every change, who made it, and the before/after values (newest first).

import { fill, formatDateTime, h } from '../dom.js';
import { badge, dataTable } from '../ui/data-table.js';
import { pageInfo, pager } from '../ui/pager.js';
import { loadError, pageFrame, resultsRegion } from './page.js';

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
];

export function render(root, { api }) {
  const state = { offset: 0, entity: '', cursors: [null] };
  const body = pageFrame(root, {
    title: 'Audit log',
    description: 'Every change, append-only: who, what, before and after.',
  });
  const filter = h(
    'form',
    { class: 'toolbar', role: 'search', 'aria-label': 'Filter audit log' },
    h('label', { for: 'audit-entity' }, 'Entity'),
    h(
      'select',
      { id: 'audit-entity', name: 'entity' },
      ENTITIES.map(([value, label]) => h('option', { value }, label)),
    ),
    h('button', { type: 'submit', class: 'btn' }, 'Apply'),
  );
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    state.entity = String(new FormData(filter).get('entity'));
    state.offset = 0;
    state.cursors = [null];
    load();
  });
  const results = resultsRegion();
  body.append(filter, results);

  async function load() {
    const cursor = state.cursors[state.cursors.length - 1];
    try {
      const response = await api.audit.list({
        entity: state.entity,
        limit: PAGE_SIZE,
        cursor: cursor ?? undefined,
      });
      const info = pageInfo(response, state.offset, PAGE_SIZE);
      fill(
        results,
        dataTable({
          caption: 'Audit log',
          rows: info.items,
          empty: 'No changes recorded.',
          columns: [
            { label: 'When', render: (e) => formatDateTime(e.at) },
            { label: 'Who', render: (e) => e.actor },
            { label: 'Action', render: (e) => badge(e.action, actionTone(e.action)) },
            { label: 'What', render: whatCell },
            { label: 'Change', render: changeCell },
          ],
        }),
        pager({
          info,
          label: 'Audit log',
          onPrevious: () => {
            state.offset = Math.max(0, state.offset - PAGE_SIZE);
            if (state.cursors.length > 1) state.cursors.pop();
            load();
          },
          onNext: () => {
            state.offset += PAGE_SIZE;
            if (info.nextCursor) state.cursors.push(info.nextCursor);
            load();
          },
        }),
      );
    } catch (error) {
      fill(results, loadError(error));
    }
  }

  load();
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
