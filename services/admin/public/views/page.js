// Common page frame: title, short description, primary actions, and a body that views fill. The title
// names the browser tab too; the heading takes focus from script (tabindex=-1) when the page changes.

import { h } from '../dom.js';

export function pageFrame(root, { title, description, actions = [] }) {
  const body = h('div', { class: 'page-body' });
  document.title = `${title} – Smart Assistant`;
  root.append(
    h(
      'section',
      { class: 'page', 'aria-labelledby': 'page-title' },
      h(
        'header',
        { class: 'page-header' },
        h(
          'div',
          {},
          h('h1', { id: 'page-title', tabindex: '-1' }, title),
          description ? h('p', { class: 'muted' }, description) : null,
        ),
        actions.length ? h('div', { class: 'page-actions' }, actions) : null,
      ),
      body,
    ),
  );
  return body;
}

export function loadError(error) {
  return h('p', { class: 'form-alert', role: 'alert' }, `Could not load: ${error.message}`);
}

/** The area a view fills with its list; shows "Loading…" until the first answer arrives. */
export function resultsRegion() {
  return h(
    'div',
    { class: 'results', 'aria-live': 'polite' },
    h('p', { class: 'loading muted' }, 'Loading…'),
  );
}
