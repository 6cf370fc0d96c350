// Scenarios per user: an ordered list (first match wins) of rules -> destination, plus a default.

import { fill, h } from '../../shared/dom.js';
import type { Api } from '../endpoints.js';
import { badge, rowButton } from '../ui/data-table.js';
import { confirmDialog } from '../ui/dialog.js';
import { redrawKeepingFocus } from '../ui/focus.js';
import { followMeWarnings } from '../ui/followme-warnings.js';
import { checkRequired, clearFormErrors, formAlert, showFormError } from '../ui/form-errors.js';
import { type UserPicker, userPicker } from '../ui/user-picker.js';
import type { Cleanup, Notify, ViewContext } from '../view-context.js';
import type { Destination } from './destination-form.js';
import { loadError, pageFrame, resultsRegion } from './page.js';
import { describeRule, type Place } from './rule-editor.js';
import { openScenarioForm, type Scenario, type ScenarioDraft } from './scenario-form.js';

/** The user shown: kept for the next visit, and set by the Users page's "Scenarios" links. */
const EXTENSION_KEY = 'sa-scenarios-ext';
/** Every destination and location one user's scenarios may name (the API's largest page). */
const ALL = { limit: 500, offset: 0 };

interface State {
  extension: string;
  scenarios: Scenario[];
  destinations: Destination[];
  locations: Place[];
}

/** The page's parts and what it shows now, shared by the helpers below. */
interface Page {
  readonly api: Api;
  readonly notify: Notify;
  readonly state: State;
  readonly addButton: HTMLButtonElement;
  readonly picker: HTMLFormElement;
  readonly followMe: HTMLDivElement;
  readonly results: HTMLElement;
}

export function render(root: HTMLElement, { api, notify }: ViewContext): Cleanup | undefined {
  const state: State = {
    extension: sessionStorage.getItem(EXTENSION_KEY) ?? '',
    scenarios: [],
    destinations: [],
    locations: [],
  };
  const addButton = h(
    'button',
    { type: 'button', class: 'btn btn-primary', disabled: true, onclick: () => edit(page) },
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
    onPick: (user) => show(page, user.extension),
  });
  const picker = h(
    'form',
    { class: 'toolbar picker-toolbar', 'aria-label': 'Choose user', novalidate: true },
    formAlert(),
    users.element,
    h('button', { type: 'submit', class: 'btn' }, 'Show scenarios'),
  );
  const page: Page = {
    api,
    notify,
    state,
    addButton,
    picker,
    followMe: h('div', {}),
    results: resultsRegion(),
  };
  picker.addEventListener('submit', (event) => {
    submitPicker(page, users, event);
  });
  body.append(picker, page.followMe, page.results);
  load(page);
  return undefined;
}

/** Typed rather than picked: the user whose extension is exactly the text. */
async function submitPicker(page: Page, users: UserPicker, event: SubmitEvent): Promise<void> {
  event.preventDefault();
  if (!checkRequired(page.picker)) return;
  const text = users.input.value.trim();
  if (text === page.state.extension) return load(page);
  const user = await users.pick(text);
  if (!user)
    showFormError(page.picker, {
      message: `No user has the extension “${text}”: pick one from the list.`,
      details: { field: 'user' },
    });
}

function show(page: Page, extension: string): void {
  clearFormErrors(page.picker);
  page.state.extension = extension;
  sessionStorage.setItem(EXTENSION_KEY, extension);
  load(page);
}

async function loadFollowMe({ api, state, followMe }: Page, extension: string): Promise<void> {
  fill(followMe);
  const problems = (await api.followMe.problems().catch(() => null))?.items ?? [];
  if (extension === state.extension)
    fill(followMe, followMeWarnings(problems.filter((p) => p.extension === extension)));
}

async function load(page: Page): Promise<void> {
  const { state, results, addButton } = page;
  if (!state.extension) {
    fill(page.followMe);
    fill(results, h('p', { class: 'empty' }, 'Pick a user to see their scenarios.'));
    return;
  }
  loadFollowMe(page, state.extension);
  try {
    Object.assign(state, await fetchScenarios(page.api, state.extension));
    addButton.disabled = false;
    draw(page);
  } catch (error) {
    addButton.disabled = true;
    fill(results, loadError(error));
  }
}

/** The user's scenarios in order, the destinations they may use, and the places rules may name. */
async function fetchScenarios(
  api: Api,
  extension: string,
): Promise<Pick<State, 'scenarios' | 'destinations' | 'locations'>> {
  const [scenarios, destinations, locations, places] = await Promise.all([
    api.scenarios.list(extension),
    api.destinations.list({ extension, ...ALL }),
    api.locations.list(ALL),
    api.scenarios.places(extension),
  ]);
  return {
    scenarios: [...scenarios.items].sort((a, b) => a.position - b.position),
    destinations: destinations.items.filter((d) => d.scope === 'generic' || d.extension === extension),
    // the user's own places (from their phone or page) next to the shared locations
    locations: [
      ...locations.items,
      ...places.items.map((p) => ({ ...p, name: `${p.name} (${extension}'s place)` })),
    ],
  };
}

interface Lookups {
  readonly locations: ReadonlyMap<string, Place>;
  readonly destinations: ReadonlyMap<string, Destination>;
}

function draw(page: Page): void {
  const { state, results } = page;
  if (state.scenarios.length === 0) {
    redrawKeepingFocus(results, () =>
      fill(results, h('p', { class: 'empty' }, `Extension ${state.extension} has no scenarios yet.`)),
    );
    return;
  }
  const lookups: Lookups = {
    locations: new Map(state.locations.map((l) => [l.id, l])),
    destinations: new Map(state.destinations.map((d) => [d.id, d])),
  };
  redrawKeepingFocus(results, () =>
    fill(
      results,
      h(
        'ol',
        { class: 'scenario-list', 'aria-label': `Scenarios of ${state.extension}` },
        state.scenarios.map((s, index) => scenarioCard(page, s, index, lookups)),
      ),
    ),
  );
}

function scenarioCard(page: Page, s: Scenario, index: number, lookups: Lookups): HTMLLIElement {
  return h(
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
        lookups.destinations.get(s.destinationId)?.name ?? s.destinationName ?? 'unknown destination',
      ),
    ),
    s.rules?.length
      ? h(
          'ul',
          { class: 'rule-summary' },
          s.rules.map((r) => h('li', {}, describeRule(r, lookups.locations))),
        )
      : h(
          'p',
          { class: 'muted' },
          s.isDefault ? 'Applies when nothing else matches.' : 'No rules: never active.',
        ),
    h(
      'div',
      { class: 'row-actions' },
      moveButton(s.name, 'up', index === 0, () => move(page, index, -1)),
      moveButton(s.name, 'down', index === page.state.scenarios.length - 1, () => move(page, index, 1)),
      rowButton('Edit', { label: `Edit ${s.name}`, onClick: () => edit(page, s) }),
      rowButton('Delete', { label: `Delete ${s.name}`, onClick: () => remove(page, s), danger: true }),
    ),
  );
}

/** "Move up" / "Move down", named after the scenario for screen readers. */
function moveButton(name: string, direction: 'up' | 'down', disabled: boolean, onclick: () => void) {
  return h(
    'button',
    { type: 'button', class: 'btn btn-small', disabled, onclick },
    'Move ',
    h('span', { class: 'visually-hidden' }, `${name} `),
    direction,
  );
}

/** Saves the user's whole list (its order is the evaluation order) and shows it again. */
async function save(page: Page, next: readonly ScenarioDraft[], message: string): Promise<void> {
  const body = next.map((s, position) => ({
    ...(s.id ? { id: s.id } : {}),
    name: s.name,
    destinationId: s.destinationId,
    isDefault: Boolean(s.isDefault),
    locked: Boolean(s.locked),
    rules: s.rules ?? [],
    position,
  }));
  await page.api.scenarios.replace(page.state.extension, body);
  page.notify(message);
  await load(page);
}

/** The same from the list's buttons: an error is shown in the picker's alert box. */
async function saveFromList(page: Page, next: readonly ScenarioDraft[], message: string): Promise<void> {
  try {
    await save(page, next, message);
  } catch (error) {
    showFormError(page.picker, error);
  }
}

function edit(page: Page, scenario?: Scenario): void {
  const { state } = page;
  openScenarioForm({
    extension: state.extension,
    scenario,
    destinations: state.destinations,
    locations: state.locations,
    onSubmit: (value) => {
      const next = scenario
        ? state.scenarios.map<ScenarioDraft>((s) => (s === scenario ? value : s))
        : [...state.scenarios, value];
      return save(page, next, `Scenario ${value.name} saved`);
    },
  });
}

async function move(page: Page, index: number, delta: number): Promise<void> {
  const next = [...page.state.scenarios];
  const [item] = next.splice(index, 1);
  if (!item) return;
  next.splice(index + delta, 0, item);
  await saveFromList(page, next, `Moved ${item.name}`);
}

async function remove(page: Page, scenario: Scenario): Promise<void> {
  const confirmed = await confirmDialog({
    title: 'Delete scenario?',
    message: `${scenario.name} will be removed from ${page.state.extension}.`,
    confirmLabel: 'Delete scenario',
  });
  if (!confirmed) return;
  await saveFromList(
    page,
    page.state.scenarios.filter((s) => s !== scenario),
    `Scenario ${scenario.name} deleted`,
  );
}
