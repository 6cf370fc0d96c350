// Short confirmations ("Device saved") in a polite live region; they fade after a few seconds.

import { h } from '../dom.js';

const MAX_VISIBLE = 3;

export function createNotifier(region) {
  return function notify(message, tone = 'success') {
    const toast = h('div', { class: `toast toast-${tone}` }, message);
    region.append(toast);
    while (region.children.length > MAX_VISIBLE) region.firstElementChild.remove();
    setTimeout(() => toast.remove(), 4000);
  };
}
