// Your last calls: where each went and why.
import { h, heading, when } from '../dom.js';

export async function render(root, { api }) {
  let items;
  try {
    ({ items } = await api.calls());
  } catch (error) {
    if (error.code !== 'ADMIN_HISTORY_UNAVAILABLE') throw error;
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
        items.map((c) =>
          h(
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
                c.fallback
                  ? 'your extension (the PBX decided)'
                  : c.targetName || c.targetDial || 'your extension',
              ),
            ),
            h('p', { class: 'muted' }, c.scenarioName ? `Scenario ${c.scenarioName}: ${c.reason}` : c.reason),
          ),
        ),
      )
    : h('p', { class: 'muted' }, 'No calls yet.');
  root.replaceChildren(heading('Last calls'), list);
}
