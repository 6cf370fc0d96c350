// Short confirmations ("Device saved") in a polite live region; they fade after a few seconds.

import { h } from '../dom.js';

export function createNotifier(region) {
  return function notify(message, tone = 'success') {
    const toast = h('div', { class: `toast toast-${tone}` }, message);
    region.append(toast);
    setTimeout(() => toast.remove(), 4000);
  };
}
