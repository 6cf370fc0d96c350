// Your scenarios in the order they are tried: your own ones editable, an administrator's locked
// ones read-only. The editor sets the name, the target (the ones your licence allows) and the
// scenario's first rule; further rules a scenario already has are kept as they are.
import { field, formAlert, h, heading, saveCancel } from '../dom.js';

const KINDS = [
  ['location', 'When I am at a place'],
  ['time_window', 'During these hours'],
  ['explicit', 'Only when I choose it'],
  ['none', 'Always (no rule)'],
];

export async function render(root, ctx) {
  const { api } = ctx;
  const [{ items: scenarios }, { items: targets }, { items: places }] = await Promise.all([
    api.scenarios(),
    api.targets(),
    api.places(),
  ]);
  const editorSlot = h('div');
  const open = (scenario) => {
    editorSlot.replaceChildren(editor(ctx, scenario, targets, places, () => editorSlot.replaceChildren()));
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

function describeRule(rule, places) {
  if (rule.kind === 'location')
    return `at ${places.find((p) => p.id === rule.locationId)?.name ?? 'a place'}`;
  if (rule.kind === 'time_window') return `from ${rule.window?.start} to ${rule.window?.end}`;
  return 'when chosen';
}

function item({ api, notify, refresh }, s, places, open) {
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
      : h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { type: 'button', class: 'btn', 'aria-label': `Edit ${s.name}`, onclick: () => open(s) },
            'Edit',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-danger',
              'aria-label': `Delete ${s.name}`,
              onclick: async () => {
                if (!window.confirm(`Delete scenario "${s.name}"?`)) return;
                try {
                  await api.deleteScenario(s.id);
                  notify(`Scenario ${s.name} deleted.`);
                  await refresh();
                } catch (error) {
                  notify(error.message);
                }
              },
            },
            'Delete',
          ),
        ),
  );
}

function editor({ api, notify, refresh }, s, targets, places, close) {
  const first = s?.rules[0];
  const alert = formAlert();
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
  const isDefault = h('input', { type: 'checkbox', id: 'scenario-default', checked: s?.isDefault ?? false });
  const showFor = () => {
    const k = kind.querySelector('select').value;
    place.hidden = k !== 'location';
    start.hidden = end.hidden = k !== 'time_window';
  };
  kind.querySelector('select').addEventListener('change', showFor);
  showFor();
  const form = h(
    'form',
    { class: 'card editor', 'aria-labelledby': 'editor-title', novalidate: true },
    h('h2', { id: 'editor-title' }, s ? `Edit ${s.name}` : 'New scenario'),
    alert,
    name,
    target,
    kind,
    place,
    start,
    end,
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
    const k = kind.querySelector('select').value;
    const rule =
      k === 'location'
        ? { kind: 'location', locationId: place.querySelector('select').value }
        : k === 'time_window'
          ? {
              kind: 'time_window',
              window: { start: start.querySelector('input').value, end: end.querySelector('input').value },
            }
          : k === 'explicit'
            ? { kind: 'explicit' }
            : null;
    const body = {
      name: name.querySelector('input').value.trim(),
      targetId: target.querySelector('select').value,
      rules: [...(rule ? [rule] : []), ...(s?.rules.slice(1) ?? [])],
      isDefault: isDefault.checked,
    };
    try {
      await (s ? api.updateScenario(s.id, body) : api.createScenario(body));
      notify(`Scenario ${body.name} saved.`);
      await refresh();
    } catch (error) {
      alert.textContent = error.message;
    }
  });
  return form;
}
