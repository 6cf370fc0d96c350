// Common page frame: title, short description, primary actions, and a body that views fill. The title
// names the browser tab too; the heading takes focus from script (tabindex=-1) when the page changes.

import { type Child, h } from '../../shared/dom.js';

export interface PageFrameOptions {
  readonly title: string;
  readonly description?: Child;
  /** Buttons next to the heading (e.g. "Add device"). */
  readonly actions?: readonly Child[];
}

/** Adds the frame to `root` and returns its body, which the view fills. */
export function pageFrame(
  root: HTMLElement,
  { title, description, actions = [] }: PageFrameOptions,
): HTMLDivElement {
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

/** "Could not load: <message>" for a request that failed (`error` is what it threw). */
export function loadError(error: unknown): HTMLElement {
  const message = typeof error === 'object' && error !== null && 'message' in error ? error.message : error;
  return h('p', { class: 'form-alert', role: 'alert' }, `Could not load: ${String(message)}`);
}

/** The area a view fills with its list; shows "Loading…" until the first answer arrives. */
export function resultsRegion(): HTMLDivElement {
  return h(
    'div',
    { class: 'results', 'aria-live': 'polite' },
    h('p', { class: 'loading muted' }, 'Loading…'),
  );
}
