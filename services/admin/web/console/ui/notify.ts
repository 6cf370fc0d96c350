// Short confirmations ("Device saved") in a polite live region; they fade after a few seconds.

import { h } from '../../shared/dom.js';
import type { Notify, Tone } from '../view-context.js';

export type { Notify, Tone };

const MAX_VISIBLE = 3;

export function createNotifier(region: HTMLElement): Notify {
  return function notify(message: string, tone: Tone = 'success'): void {
    const toast = h('div', { class: `toast toast-${tone}` }, message);
    region.append(toast);
    while (region.children.length > MAX_VISIBLE) region.firstElementChild?.remove();
    setTimeout(() => toast.remove(), 4000);
  };
}
