// Editor for a scenario's rules. Any matching rule activates the scenario:
// at a location (optionally only within a time window), chosen explicitly on the phone, or a time window.

import { h, uniqueId } from '../dom.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const KINDS = [
  { value: 'location', label: 'At a location' },
  { value: 'explicit', label: 'Chosen on the phone' },
  { value: 'time_window', label: 'During a time window' },
];

export function ruleEditor({ rules = [], locations }) {
  const list = h('ol', { class: 'rule-list' });
  const addButton = h(
    'button',
    { type: 'button', class: 'btn btn-small', onclick: () => addRow() },
    'Add rule',
  );
  const root = h(
    'fieldset',
    { class: 'field rules' },
    h('legend', {}, 'Rules'),
    h('p', { class: 'hint' }, 'The scenario becomes active when any rule matches.'),
    list,
    addButton,
  );

  function addRow(rule = { kind: locations.length ? 'location' : 'explicit' }) {
    const row = ruleRow(rule, locations, () => {
      // focus stays among the rules: the next rule's Remove button, else the previous one's, else Add rule
      const neighbour = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      renumber();
      (neighbour?.querySelector('.rule-remove') ?? addButton).focus();
    });
    list.append(row);
    renumber();
  }

  function renumber() {
    [...list.children].forEach((row, index) => {
      row.querySelector('legend').textContent = `Rule ${index + 1}`;
    });
  }

  for (const rule of rules) addRow(rule);
  return { element: root, read: () => [...list.children].map(readRow) };
}

function ruleRow(rule, locations, onRemove) {
  const kindId = uniqueId('rule-kind');
  const kind = h(
    'select',
    { id: kindId, class: 'rule-kind' },
    KINDS.map((k) => h('option', { value: k.value }, k.label)),
  );
  kind.value = normaliseKind(rule.kind);
  const locationId = uniqueId('rule-location');
  const location = h(
    'div',
    { class: 'field rule-location' },
    h('label', { for: locationId }, 'Location'),
    h(
      'select',
      { id: locationId, required: true },
      locations.map((l) => h('option', { value: l.id }, l.name)),
    ),
  );
  if (rule.locationId) location.querySelector('select').value = rule.locationId;
  const windowToggleId = uniqueId('rule-window-on');
  const windowToggle = h(
    'div',
    { class: 'field field-check rule-window-toggle' },
    h('input', { id: windowToggleId, type: 'checkbox', checked: Boolean(rule.window) }),
    h('label', { for: windowToggleId }, 'Only during a time window'),
  );
  const windowFields = timeWindowFields(rule.window);
  const row = h(
    'li',
    { class: 'rule' },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Rule'),
      h('div', { class: 'field' }, h('label', { for: kindId }, 'When'), kind),
      location,
      windowToggle,
      windowFields,
      h(
        'button',
        { type: 'button', class: 'btn btn-small btn-danger-ghost rule-remove', onclick: onRemove },
        'Remove rule',
      ),
    ),
  );
  function refresh() {
    const value = kind.value;
    location.hidden = value !== 'location';
    windowToggle.hidden = value !== 'location';
    windowFields.hidden = !(
      value === 'time_window' ||
      (value === 'location' && windowToggle.querySelector('input').checked)
    );
  }
  row.addEventListener('change', refresh);
  refresh();
  return row;
}

function timeWindowFields(window) {
  const ids = { start: uniqueId('tw-start'), end: uniqueId('tw-end'), tz: uniqueId('tw-tz') };
  const weekdays = new Set(window?.weekdays ?? [1, 2, 3, 4, 5]);
  return h(
    'div',
    { class: 'time-window' },
    h(
      'div',
      { class: 'field' },
      h('label', { for: ids.start }, 'From'),
      h('input', {
        id: ids.start,
        type: 'time',
        class: 'tw-start',
        required: true,
        value: window?.start ?? '08:00',
      }),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: ids.end }, 'Until'),
      h('input', {
        id: ids.end,
        type: 'time',
        class: 'tw-end',
        required: true,
        value: window?.end ?? '18:00',
      }),
    ),
    h(
      'fieldset',
      { class: 'weekdays' },
      h('legend', {}, 'Days'),
      WEEKDAYS.map((day, index) => {
        const id = uniqueId(`tw-day-${index}`);
        return h(
          'span',
          { class: 'day' },
          h('input', { id, type: 'checkbox', value: String(index), checked: weekdays.has(index) }),
          h('label', { for: id }, day),
        );
      }),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: ids.tz }, 'Time zone'),
      h('input', {
        id: ids.tz,
        class: 'tw-tz',
        value: window?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
      }),
    ),
  );
}

function readRow(row) {
  const kind = row.querySelector('.rule-kind').value;
  const rule = { kind };
  if (kind === 'location') rule.locationId = row.querySelector('.rule-location select').value;
  const windowWanted =
    kind === 'time_window' || (kind === 'location' && row.querySelector('.rule-window-toggle input').checked);
  if (windowWanted) {
    rule.window = {
      start: row.querySelector('.tw-start').value || '00:00',
      end: row.querySelector('.tw-end').value || '00:00',
      weekdays: [...row.querySelectorAll('.weekdays input:checked')].map((input) => Number(input.value)),
      timeZone: row.querySelector('.tw-tz').value.trim(),
    };
  }
  return rule;
}

function normaliseKind(kind) {
  const text = String(kind ?? '')
    .toLowerCase()
    .replace(/^rule_kind_/, '');
  return KINDS.some((k) => k.value === text) ? text : 'explicit';
}

export function describeRule(rule, locationsById) {
  const kind = normaliseKind(rule.kind);
  const window = rule.window
    ? ` ${rule.window.start}–${rule.window.end}${weekdayText(rule.window.weekdays)}`
    : '';
  if (kind === 'location')
    return `At ${locationsById.get(rule.locationId)?.name ?? 'unknown location'}${window}`;
  if (kind === 'time_window') return `During${window}`;
  return 'Chosen on the phone';
}

function weekdayText(days = []) {
  if (days.length === 0 || days.length === 7) return '';
  return ` on ${days.map((d) => WEEKDAYS[d]).join(', ')}`;
}
