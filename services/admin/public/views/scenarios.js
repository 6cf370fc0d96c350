// Scenarios per user: an ordered list (first match wins) of rules -> destination, plus a default.

import { fill, h } from '../dom.js';
import { badge, rowButton } from '../ui/data-table.js';
import { confirmDialog } from '../ui/dialog.js';
import { redrawKeepingFocus } from '../ui/focus.js';
import { followMeWarnings } from '../ui/followme-warnings.js';
import { checkRequired, clearFormErrors, formAlert, showFormError } from '../ui/form-errors.js';
import { listItems } from '../ui/pager.js';
import { userPicker } from '../ui/user-picker.js';
import { loadError, pageFrame, resultsRegion } from './page.js';
import { describeRule } from './rule-editor.js';
import { openScenarioForm } from './scenario-form.js';

export function render(root, { api, notify }) {
  const state = {
    extension: sessionStorage.getItem('sa-scenarios-ext') ?? '',
    scenarios: [],
    destinations: [],
    locations: [],
  };
  const addButton = h(
    'button',
    { type: 'button', class: 'btn btn-primary', disabled: true, onclick: () => edit() },
    'Add scenario',
  );
  const body = pageFrame(root, {
    title: 'Scenarios',
    description:
      'Per user: which destination calls go to, depending on where the phone is and the time. Evaluated top to bottom.',
    actions: [addButton],
  });
  // the user is picked from a list that searches as you type (thousands of users)
  const users = userPicker({
    api,
    value: state.extension,
    onPick: (user) => show(user.extension),
  });
  const picker = h(
    'form',
    { class: 'toolbar picker-toolbar', 'aria-label': 'Choose user', novalidate: true },
    formAlert(),
    users.element,
    h('button', { type: 'submit', class: 'btn' }, 'Show scenarios'),
  );
  // typed rather than picked: the user whose extension is exactly the text
  picker.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!checkRequired(picker)) return;
    const text = users.input.value.trim();
    if (text === state.extension) return load();
    const user = await users.pick(text);
    if (!user)
      showFormError(picker, {
        message: `No user has the extension “${text}”: pick one from the list.`,
        details: { field: 'user' },
      });
  });
  function show(extension) {
    clearFormErrors(picker);
    state.extension = extension;
    sessionStorage.setItem('sa-scenarios-ext', extension);
    load();
  }
  const results = resultsRegion();
  const followMe = h('div', {});
  body.append(picker, followMe, results);

  async function loadFollowMe(extension) {
    fill(followMe);
    const problems = listItems(await api.followMe.problems().catch(() => null));
    if (extension === state.extension)
      fill(followMe, followMeWarnings(problems.filter((p) => p.extension === extension)));
  }

  async function load() {
    if (!state.extension) {
      fill(followMe);
      fill(results, h('p', { class: 'empty' }, 'Pick a user to see their scenarios.'));
      return;
    }
    loadFollowMe(state.extension);
    try {
      const [scenarios, destinations, locations, places] = await Promise.all([
        api.scenarios.list(state.extension),
        api.destinations.list({ extension: state.extension, limit: 500 }),
        api.locations.list({ limit: 500 }),
        api.scenarios.places(state.extension),
      ]);
      state.scenarios = listItems(scenarios).sort(
        (a, b) => (a.position ?? a.priority ?? 0) - (b.position ?? b.priority ?? 0),
      );
      state.destinations = listItems(destinations).filter(
        (d) => d.scope === 'generic' || d.extension === state.extension,
      );
      // the user's own places (from their phone or page) next to the shared locations
      state.locations = [
        ...listItems(locations),
        ...listItems(places).map((p) => ({ ...p, name: `${p.name} (${state.extension}'s place)` })),
      ];
      addButton.disabled = false;
      draw();
    } catch (error) {
      addButton.disabled = true;
      fill(results, loadError(error));
    }
  }

  function draw() {
    const locationsById = new Map(state.locations.map((l) => [l.id, l]));
    const destinationsById = new Map(state.destinations.map((d) => [d.id, d]));
    if (state.scenarios.length === 0) {
      redrawKeepingFocus(results, () =>
        fill(results, h('p', { class: 'empty' }, `Extension ${state.extension} has no scenarios yet.`)),
      );
      return;
    }
    redrawKeepingFocus(results, () => drawList(locationsById, destinationsById));
  }

  function drawList(locationsById, destinationsById) {
    fill(
      results,
      h(
        'ol',
        { class: 'scenario-list', 'aria-label': `Scenarios of ${state.extension}` },
        state.scenarios.map((s, index) =>
          h(
            'li',
            { class: 'card scenario', 'data-row': s.id ?? s.name },
            h(
              'div',
              { class: 'scenario-head' },
              h('span', { class: 'scenario-order', 'aria-hidden': 'true' }, String(index + 1)),
              h('h2', {}, s.name),
              s.isDefault ? badge('Default', 'accent') : null,
              s.locked ? badge('Locked', 'neutral') : null,
              s.owner === 'user' ? badge('Made by the user', 'neutral') : null,
            ),
            h(
              'p',
              {},
              'Calls go to ',
              h(
                'strong',
                {},
                destinationsById.get(s.destinationId)?.name ?? s.destinationName ?? 'unknown destination',
              ),
            ),
            s.rules?.length
              ? h(
                  'ul',
                  { class: 'rule-summary' },
                  s.rules.map((r) => h('li', {}, describeRule(r, locationsById))),
                )
              : h(
                  'p',
                  { class: 'muted' },
                  s.isDefault ? 'Applies when nothing else matches.' : 'No rules: never active.',
                ),
            h(
              'div',
              { class: 'row-actions' },
              h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-small',
                  disabled: index === 0,
                  onclick: () => move(index, -1),
                },
                'Move ',
                h('span', { class: 'visually-hidden' }, `${s.name} `),
                'up',
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-small',
                  disabled: index === state.scenarios.length - 1,
                  onclick: () => move(index, 1),
                },
                'Move ',
                h('span', { class: 'visually-hidden' }, `${s.name} `),
                'down',
              ),
              rowButton('Edit', { label: `Edit ${s.name}`, onClick: () => edit(s) }),
              rowButton('Delete', { label: `Delete ${s.name}`, onClick: () => remove(s), danger: true }),
            ),
          ),
        ),
      ),
    );
  }

  async function save(next, message) {
    const body = next.map((s, position) => ({
      ...(s.id ? { id: s.id } : {}),
      name: s.name,
      destinationId: s.destinationId,
      isDefault: Boolean(s.isDefault),
      locked: Boolean(s.locked),
      rules: s.rules ?? [],
      position,
    }));
    await api.scenarios.replace(state.extension, body);
    notify(message);
    await load();
  }

  function edit(scenario) {
    openScenarioForm({
      extension: state.extension,
      scenario,
      destinations: state.destinations,
      locations: state.locations,
      onSubmit: (value) => {
        const next = scenario
          ? state.scenarios.map((s) => (s === scenario ? value : s))
          : [...state.scenarios, value];
        return save(next, `Scenario ${value.name} saved`);
      },
    });
  }

  async function move(index, delta) {
    const next = [...state.scenarios];
    const [item] = next.splice(index, 1);
    next.splice(index + delta, 0, item);
    try {
      await save(next, `Moved ${item.name}`);
    } catch (error) {
      showFormError(picker, error);
    }
  }

  async function remove(scenario) {
    const confirmed = await confirmDialog({
      title: 'Delete scenario?',
      message: `${scenario.name} will be removed from ${state.extension}.`,
      confirmLabel: 'Delete scenario',
    });
    if (!confirmed) return;
    try {
      await save(
        state.scenarios.filter((s) => s !== scenario),
        `Scenario ${scenario.name} deleted`,
      );
    } catch (error) {
      showFormError(picker, error);
    }
  }

  load();
}
