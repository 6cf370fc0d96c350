// Your last calls: where each went and why.
import { h } from '../../shared/dom.js';
import { hasCode, type Item, type MeContext } from '../api.js';
import { heading, when } from '../dom.js';

export async function render(root: HTMLElement, { api }: MeContext): Promise<void> {
  let items: Item<'calls'>[];
  try {
    ({ items } = await api.calls());
  } catch (error) {
    if (!hasCode(error, 'ADMIN_HISTORY_UNAVAILABLE')) throw error;
    root.replaceChildren(
      heading('Last calls'),
      h('p', { class: 'notice' }, 'This server keeps no call history.'),
    );
    return;
  }
  const list = items.length
    ? h(
        'ol',
        { class: 'list' },
        items.map((c) => callCard(c)),
      )
    : h('p', { class: 'muted' }, 'No calls yet.');
  root.replaceChildren(heading('Last calls'), list);
}

function callCard(c: Item<'calls'>): HTMLLIElement {
  return h(
    'li',
    { class: 'card' },
    h('p', { class: 'item-title' }, `${c.callerIdNum || 'Unknown caller'} · ${when(c.at)}`),
    h(
      'p',
      {},
      'Went to ',
      h(
        'strong',
        {},
        c.fallback ? 'your extension (the PBX decided)' : c.targetName || c.targetDial || 'your extension',
      ),
    ),
    h('p', { class: 'muted' }, c.scenarioName ? `Scenario ${c.scenarioName}: ${c.reason}` : c.reason),
  );
}
