// Editor for a scenario's rules. Any matching rule activates the scenario:
// at a location (optionally only within a time window), chosen explicitly on the phone, or a time window.

import { h, uniqueId } from '../../shared/dom.js';
import type { BodyOf } from '../endpoints.js';

export type Rule = BodyOf<'/api/v1/users/{extension}/scenarios', 'put'>['scenarios'][number]['rules'][number];
type Kind = Rule['kind'];
type TimeWindow = NonNullable<Rule['window']>;
/** What a location rule may name: a shared location or one of the user's own places. */
export interface Place {
  readonly id: string;
  readonly name: string;
}

export interface RuleEditor {
  readonly element: HTMLFieldSetElement;
  /** The rules as the form shows them now, in order. */
  read(): Rule[];
}

interface RuleRow {
  readonly element: HTMLLIElement;
  readonly legend: HTMLLegendElement;
  readonly removeButton: HTMLButtonElement;
  read(): Rule;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const KINDS: readonly { value: Kind; label: string }[] = [
  { value: 'location', label: 'At a location' },
  { value: 'explicit', label: 'Chosen on the phone' },
  { value: 'time_window', label: 'During a time window' },
];

export function ruleEditor({
  rules = [],
  locations,
}: {
  rules?: readonly Rule[];
  locations: readonly Place[];
}): RuleEditor {
  const list = h('ol', { class: 'rule-list' });
  const rows: RuleRow[] = [];
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

  function addRow(rule: Rule = { kind: locations.length ? 'location' : 'explicit' }) {
    const row = ruleRow(rule, locations, () => {
      // focus stays among the rules: the next rule's Remove button, else the previous one's, else Add rule
      const at = rows.indexOf(row);
      const neighbour = rows[at + 1] ?? rows[at - 1];
      rows.splice(at, 1);
      row.element.remove();
      renumber();
      (neighbour?.removeButton ?? addButton).focus();
    });
    rows.push(row);
    list.append(row.element);
    renumber();
  }

  function renumber() {
    rows.forEach((row, index) => {
      row.legend.textContent = `Rule ${index + 1}`;
    });
  }

  for (const rule of rules) addRow(rule);
  return { element: root, read: () => rows.map((row) => row.read()) };
}

function ruleRow(rule: Rule, locations: readonly Place[], onRemove: () => void): RuleRow {
  const kindId = uniqueId('rule-kind');
  const kind = h(
    'select',
    { id: kindId, class: 'rule-kind' },
    KINDS.map((k) => h('option', { value: k.value }, k.label)),
  );
  kind.value = normaliseKind(rule.kind);
  const location = locationField(locations, rule.locationId);
  const windowToggle = windowToggleField(Boolean(rule.window));
  const windowFields = timeWindowFields(rule.window);
  const legend = h('legend', {}, 'Rule');
  const removeButton = h(
    'button',
    { type: 'button', class: 'btn btn-small btn-danger-ghost rule-remove', onclick: onRemove },
    'Remove rule',
  );
  const element = h(
    'li',
    { class: 'rule' },
    h(
      'fieldset',
      {},
      legend,
      h('div', { class: 'field' }, h('label', { for: kindId }, 'When'), kind),
      location.element,
      windowToggle.element,
      windowFields.element,
      removeButton,
    ),
  );
  const windowWanted = (value: Kind) =>
    value === 'time_window' || (value === 'location' && windowToggle.input.checked);
  function refresh() {
    const value = normaliseKind(kind.value);
    location.element.hidden = value !== 'location';
    windowToggle.element.hidden = value !== 'location';
    windowFields.element.hidden = !windowWanted(value);
  }
  element.addEventListener('change', refresh);
  refresh();
  function read(): Rule {
    const value = normaliseKind(kind.value);
    return {
      kind: value,
      ...(value === 'location' ? { locationId: location.select.value } : {}),
      ...(windowWanted(value) ? { window: windowFields.read() } : {}),
    };
  }
  return { element, legend, removeButton, read };
}

function locationField(locations: readonly Place[], locationId: string | undefined) {
  const id = uniqueId('rule-location');
  const select = h(
    'select',
    { id, required: true },
    locations.map((l) => h('option', { value: l.id }, l.name)),
  );
  if (locationId) select.value = locationId;
  const element = h('div', { class: 'field rule-location' }, h('label', { for: id }, 'Location'), select);
  return { element, select };
}

function windowToggleField(checked: boolean) {
  const id = uniqueId('rule-window-on');
  const input = h('input', { id, type: 'checkbox', checked });
  const element = h(
    'div',
    { class: 'field field-check rule-window-toggle' },
    input,
    h('label', { for: id }, 'Only during a time window'),
  );
  return { element, input };
}

function timeWindowFields(tw: TimeWindow | undefined) {
  const ids = { start: uniqueId('tw-start'), end: uniqueId('tw-end'), tz: uniqueId('tw-tz') };
  const weekdays = new Set(tw?.weekdays ?? [1, 2, 3, 4, 5]);
  const start = timeInput(ids.start, 'tw-start', tw?.start ?? '08:00');
  const end = timeInput(ids.end, 'tw-end', tw?.end ?? '18:00');
  const days = WEEKDAYS.map((_, index) =>
    h('input', {
      id: uniqueId(`tw-day-${index}`),
      type: 'checkbox',
      value: String(index),
      checked: weekdays.has(index),
    }),
  );
  const timeZone = h('input', {
    id: ids.tz,
    class: 'tw-tz',
    value: tw?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
  });
  const element = h(
    'div',
    { class: 'time-window' },
    h('div', { class: 'field' }, h('label', { for: ids.start }, 'From'), start),
    h('div', { class: 'field' }, h('label', { for: ids.end }, 'Until'), end),
    h(
      'fieldset',
      { class: 'weekdays' },
      h('legend', {}, 'Days'),
      days.map((input, index) =>
        h('span', { class: 'day' }, input, h('label', { for: input.id }, WEEKDAYS[index])),
      ),
    ),
    h('div', { class: 'field' }, h('label', { for: ids.tz }, 'Time zone'), timeZone),
  );
  const read = (): TimeWindow => ({
    start: start.value || '00:00',
    end: end.value || '00:00',
    weekdays: days.filter((input) => input.checked).map((input) => Number(input.value)),
    timeZone: timeZone.value.trim(),
  });
  return { element, read };
}

function timeInput(id: string, className: string, value: string): HTMLInputElement {
  return h('input', { id, type: 'time', class: className, required: true, value });
}

function normaliseKind(kind: unknown): Kind {
  const text = String(kind ?? '')
    .toLowerCase()
    .replace(/^rule_kind_/, '');
  return KINDS.find((k) => k.value === text)?.value ?? 'explicit';
}

export function describeRule(rule: Rule, locationsById: ReadonlyMap<string, Place>): string {
  const kind = normaliseKind(rule.kind);
  const window = rule.window
    ? ` ${rule.window.start}–${rule.window.end}${weekdayText(rule.window.weekdays)}`
    : '';
  if (kind === 'location')
    return `At ${locationsById.get(rule.locationId ?? '')?.name ?? 'unknown location'}${window}`;
  if (kind === 'time_window') return `During${window}`;
  return 'Chosen on the phone';
}

function weekdayText(days: readonly number[] = []): string {
  if (days.length === 0 || days.length === 7) return '';
  return ` on ${days.map((d) => WEEKDAYS[d]).join(', ')}`;
}
