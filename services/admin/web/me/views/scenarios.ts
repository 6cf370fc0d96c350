// Your scenarios in the order they are tried: your own ones editable, an administrator's locked
// ones read-only. The editor sets the name, the target (the ones your licence allows) and the
// scenario's first rule; further rules a scenario already has are kept as they are.
import { h } from '../../shared/dom.js';
import { type Item, type MeContext, messageOf, type ScenarioBody } from '../api.js';
import { editDelete, field, formAlert, heading, saveCancel } from '../dom.js';

type Scenario = Item<'scenarios'>;
type Place = Item<'places'>;
type Target = Pick<Item<'targets'>, 'id' | 'name' | 'dial'>;
type Rule = ScenarioBody['rules'][number];

const KINDS: readonly (readonly [Rule['kind'] | 'none', string])[] = [
  ['location', 'When I am at a place'],
  ['time_window', 'During these hours'],
  ['explicit', 'Only when I choose it'],
  ['none', 'Always (no rule)'],
];

export async function render(root: HTMLElement, ctx: MeContext): Promise<void> {
  const { api } = ctx;
  const [{ items: scenarios }, { items: targets }, { items: places }] = await Promise.all([
    api.scenarios(),
    api.targets(),
    api.places(),
  ]);
  const editorSlot = h('div');
  const open = (scenario: Scenario | null): void => {
    const close = (): void => editorSlot.replaceChildren();
    editorSlot.replaceChildren(editor(ctx, { scenario, targets, places }, close));
    editorSlot.querySelector('input')?.focus();
  };
  const list = scenarios.length
    ? h(
        'ol',
        { class: 'list' },
        scenarios.map((s) => item(ctx, s, places, open)),
      )
    : h('p', { class: 'muted' }, 'No scenarios yet.');
  root.replaceChildren(
    heading('My scenarios'),
    h(
      'p',
      { class: 'muted' },
      'The first scenario whose rule matches decides where your calls go; otherwise the default one.',
    ),
    h('button', { type: 'button', class: 'btn btn-primary', onclick: () => open(null) }, 'New scenario'),
    editorSlot,
    list,
  );
}

function describeRule(rule: Rule, places: readonly Place[]): string {
  if (rule.kind === 'location')
    return `at ${places.find((p) => p.id === rule.locationId)?.name ?? 'a place'}`;
  if (rule.kind === 'time_window') return `from ${rule.window?.start} to ${rule.window?.end}`;
  return 'when chosen';
}

function item(
  ctx: MeContext,
  s: Scenario,
  places: readonly Place[],
  open: (s: Scenario) => void,
): HTMLLIElement {
  const rules = s.rules.length ? s.rules.map((r) => describeRule(r, places)).join(', or ') : 'no rule';
  return h(
    'li',
    { class: 'card' },
    h('h2', { class: 'item-title' }, s.name, s.isDefault ? h('span', { class: 'badge' }, 'default') : null),
    h('p', {}, `Calls go to ${s.targetName} (${s.dial}) · ${rules}`),
    s.locked
      ? h(
          'p',
          { class: 'lock-note' },
          h('span', { 'aria-hidden': 'true' }, '🔒 '),
          'Locked by your administrator: you cannot change it.',
        )
      : editDelete(ctx, {
          noun: 'scenario',
          name: s.name,
          edit: () => open(s),
          remove: () => ctx.api.deleteScenario(s.id),
        }),
  );
}

/** The "When" select and the fields of the chosen kind of rule (the others hidden). */
function ruleFields(first: Rule | undefined, places: readonly Place[]) {
  const kind = field(
    'When',
    { name: 'kind' },
    KINDS.map(([v, text]) => h('option', { value: v, selected: (first?.kind ?? 'none') === v }, text)),
  );
  const place = field(
    'Place',
    { name: 'place' },
    places.map((p) =>
      h(
        'option',
        { value: p.id, selected: p.id === first?.locationId },
        p.shared ? `${p.name} (shared)` : p.name,
      ),
    ),
  );
  const start = field('From', { name: 'start', type: 'time', value: first?.window?.start ?? '08:00' });
  const end = field('Until', { name: 'end', type: 'time', value: first?.window?.end ?? '17:00' });
  const showFor = (): void => {
    const k = kind.control.value;
    place.element.hidden = k !== 'location';
    start.element.hidden = end.element.hidden = k !== 'time_window';
  };
  kind.control.addEventListener('change', showFor);
  showFor();
  /** The rule the fields describe; null for "Always (no rule)". */
  const rule = (): Rule | null => {
    const k = kind.control.value;
    if (k === 'location') return { kind: 'location', locationId: place.control.value };
    if (k === 'time_window')
      return { kind: 'time_window', window: { start: start.control.value, end: end.control.value } };
    return k === 'explicit' ? { kind: 'explicit' } : null;
  };
  return { elements: [kind.element, place.element, start.element, end.element], rule };
}

interface EditorData {
  /** null: a new scenario */
  readonly scenario: Scenario | null;
  readonly targets: readonly Target[];
  readonly places: readonly Place[];
}

function editor(
  ctx: MeContext,
  { scenario: s, targets, places }: EditorData,
  close: () => void,
): HTMLFormElement {
  const alert = formAlert();
  // a target the licence no longer allows stays selectable for the scenario that has it
  const choices =
    s && !targets.some((t) => t.id === s.targetId)
      ? [...targets, { id: s.targetId, name: s.targetName, dial: s.dial }]
      : targets;
  const name = field('Name', { name: 'name', required: true, value: s?.name ?? '', maxlength: '64' });
  const target = field(
    'Send calls to',
    { name: 'target' },
    choices.map((t) => h('option', { value: t.id, selected: t.id === s?.targetId }, `${t.name} (${t.dial})`)),
  );
  const rule = ruleFields(s?.rules[0], places);
  const isDefault = h('input', { type: 'checkbox', id: 'scenario-default', checked: s?.isDefault ?? false });
  const form = h(
    'form',
    { class: 'card editor', 'aria-labelledby': 'editor-title', novalidate: true },
    h('h2', { id: 'editor-title' }, s ? `Edit ${s.name}` : 'New scenario'),
    alert,
    name.element,
    target.element,
    rule.elements,
    s && s.rules.length > 1
      ? h(
          'p',
          { class: 'muted' },
          `${s.rules.length - 1} more rule(s) of this scenario are kept as they are.`,
        )
      : null,
    h(
      'div',
      { class: 'check' },
      isDefault,
      h('label', { for: 'scenario-default' }, 'Default: used when no other scenario applies'),
    ),
    saveCancel(close),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const first = rule.rule();
    const body: ScenarioBody = {
      name: name.control.value.trim(),
      targetId: target.control.value,
      rules: [...(first ? [first] : []), ...(s?.rules.slice(1) ?? [])],
      isDefault: isDefault.checked,
    };
    await save(ctx, s, body, alert);
  });
  return form;
}

async function save(
  { api, notify, refresh }: MeContext,
  s: Scenario | null,
  body: ScenarioBody,
  alert: HTMLElement,
): Promise<void> {
  try {
    await (s ? api.updateScenario(s.id, body) : api.createScenario(body));
    notify(`Scenario ${body.name} saved.`);
    await refresh();
  } catch (error) {
    alert.textContent = messageOf(error);
  }
}
