// "Now": where calls go now and why, the paused-location banner with pause/resume, and choosing one
// of your scenarios for the next hours (or clearing that choice).
import { h } from '../../shared/dom.js';
import { type Item, type MeApi, type MeContext, messageOf } from '../api.js';
import { field, formAlert, heading, when } from '../dom.js';

type Me = Awaited<ReturnType<MeApi['me']>>;

const SOURCE_NOTE: Record<Me['routing']['source'], string | null> = {
  router: null,
  'last-announced':
    'The routing service did not answer just now: this is where your calls went as last announced.',
  none: 'Nothing is known yet about where your calls go: your phone has not reported, or no scenario applies.',
};

export async function render(root: HTMLElement, ctx: MeContext): Promise<void> {
  const [me, { items: scenarios }] = await Promise.all([ctx.api.me(), ctx.api.scenarios()]);
  root.replaceChildren(heading('Now'), routingCard(me), locationCard(me, ctx), choiceForm(scenarios, ctx));
}

function routingCard(me: Me): HTMLElement {
  const r = me.routing;
  const target = r.targetDial
    ? `${r.targetName || r.targetDial} (${r.targetDial})`
    : 'your extension as usual';
  const note = SOURCE_NOTE[r.source];
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'now-title' },
    h('h2', { id: 'now-title' }, 'Where your calls go'),
    h('p', { class: 'big', 'data-testid': 'target' }, target),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Scenario'),
      h('dd', { 'data-testid': 'scenario' }, r.scenarioName || '—'),
      h('dt', {}, 'Why'),
      h('dd', { 'data-testid': 'reason' }, r.reason || '—'),
      h('dt', {}, 'Decided'),
      h('dd', {}, when(r.decidedAt)),
    ),
    note ? h('p', { class: 'notice', 'data-testid': 'source-note' }, note) : null,
  );
}

function locationCard(me: Me, { api, notify, refresh }: MeContext): HTMLElement {
  const paused = me.locationPausedAt !== null;
  const pauseButton = h(
    'button',
    {
      type: 'button',
      class: paused ? 'btn btn-primary' : 'btn',
      onclick: async () => {
        await (paused ? api.resume() : api.pause());
        notify(paused ? 'Location resumed.' : 'Location paused.');
        await refresh();
      },
    },
    paused ? 'Resume location' : 'Pause location',
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'location-title' },
    h('h2', { id: 'location-title' }, 'Location'),
    paused
      ? h(
          'p',
          { class: 'banner', 'data-testid': 'paused-banner' },
          `Location paused since ${when(me.locationPausedAt)}: where you are is ignored and not kept. Time rules and your choice still apply.`,
        )
      : h(
          'p',
          { class: 'muted' },
          'Your phone tells the PBX which Wi-Fi it sees; your scenarios decide from that.',
        ),
    pauseButton,
  );
}

function choiceForm(scenarios: Item<'scenarios'>[], { api, notify, refresh }: MeContext): HTMLFormElement {
  const alert = formAlert();
  const scenario = field(
    'Scenario',
    { name: 'scenario' },
    scenarios.map((s) => h('option', { value: s.id }, s.name)),
  );
  const hours = field('For how many hours', {
    name: 'hours',
    type: 'number',
    min: '1',
    max: '168',
    value: '2',
    inputmode: 'numeric',
  });
  const clear = async (): Promise<void> => {
    await api.clearChoice();
    notify('Choice cleared.');
    await refresh();
  };
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'choice-title', novalidate: true },
    h('h2', { id: 'choice-title' }, 'Choose a scenario for a while'),
    h('p', { class: 'muted' }, 'Your choice wins over every other rule until it runs out or you clear it.'),
    alert,
    scenario.element,
    hours.element,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Choose'),
      h('button', { type: 'button', class: 'btn', onclick: clear }, 'Clear choice'),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const n = Number(hours.control.value);
    if (!Number.isInteger(n) || n < 1 || n > 168) {
      alert.textContent = 'Hours: a whole number from 1 to 168.';
      return;
    }
    try {
      const chosen = await api.choose(scenario.control.value, n);
      notify(`Chosen until ${new Date(chosen.expiresAt ?? 0).toLocaleString()}.`);
      await refresh();
    } catch (error) {
      alert.textContent = messageOf(error);
    }
  });
  return form;
}
