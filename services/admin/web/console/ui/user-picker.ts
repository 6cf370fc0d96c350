// Picks a user (extension) from a list that searches as you type, for thousands of users: each
// search asks the API for the first matches only (GET /extensions?q=…: the extension's first digits
// or a part of the name). A combobox with a listbox (WAI-ARIA pattern): arrows move, Enter or a click
// picks, Escape closes. Returns { element, input, pick(text) }: `pick` resolves a typed extension.

import { fill, h, uniqueId } from '../../shared/dom.js';
import type { AnswerOf, Api } from '../endpoints.js';

const MATCHES = 20;
const DEBOUNCE_MS = 200;

/** A user as GET /extensions lists it. */
export type PickedUser = AnswerOf<'/api/v1/extensions'>['items'][number];

export interface UserPickerOptions {
  readonly api: Api;
  readonly label?: string;
  /** The extension typed in at first. */
  readonly value?: string;
  /** Runs when the user is chosen from the list (or by pick()). */
  readonly onPick: (user: PickedUser) => void;
}

export interface UserPicker {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  /** The user whose extension is exactly `text` (chosen, as if picked from the list), or null. */
  readonly pick: (text: string) => Promise<PickedUser | null>;
}

/** The picker's elements and what it has found so far. */
interface Picker {
  readonly api: Api;
  readonly onPick: (user: PickedUser) => void;
  readonly input: HTMLInputElement;
  readonly list: HTMLUListElement;
  readonly status: HTMLElement;
  readonly listId: string;
  matches: PickedUser[];
  /** The highlighted option's index (-1: none). */
  active: number;
  /** Numbers the searches: only the latest one's answer is shown. */
  asked: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export function userPicker({ api, label = 'User', value = '', onPick }: UserPickerOptions): UserPicker {
  const inputId = uniqueId('user-picker');
  const listId = `${inputId}-list`;
  const statusId = `${inputId}-status`;
  const input = h('input', {
    id: inputId,
    name: 'user',
    type: 'search',
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    'aria-describedby': statusId,
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    placeholder: 'Extension or name',
    value,
  });
  const list = h('ul', {
    id: listId,
    role: 'listbox',
    class: 'picker-list',
    'aria-label': 'Matching users',
    hidden: true,
  });
  const status = h('p', { id: statusId, class: 'picker-status muted', 'aria-live': 'polite' });
  const element = h(
    'div',
    { class: 'user-picker' },
    h('label', { for: inputId, class: 'picker-label' }, label),
    h('div', { class: 'picker-box' }, input, list),
    status,
  );
  const picker: Picker = {
    api,
    onPick,
    input,
    list,
    status,
    listId,
    matches: [],
    active: -1,
    asked: 0,
    timer: undefined,
  };
  listen(picker);
  return { element, input, pick: (text) => pick(picker, text) };
}

function listen(picker: Picker): void {
  const { input } = picker;
  input.addEventListener('input', () => {
    clearTimeout(picker.timer);
    picker.timer = setTimeout(() => search(picker, input.value), DEBOUNCE_MS);
  });
  input.addEventListener('focus', () => {
    if (picker.matches.length === 0) search(picker, input.value);
    else open(picker, true);
  });
  input.addEventListener('blur', () => open(picker, false));
  input.addEventListener('keydown', (event) => onKey(picker, event));
}

function onKey(picker: Picker, event: KeyboardEvent): void {
  const { list, matches } = picker;
  const highlighted = matches[picker.active];
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    if (list.hidden) {
      open(picker, matches.length > 0);
      return;
    }
    if (matches.length === 0) return;
    picker.active = (picker.active + (event.key === 'ArrowDown' ? 1 : -1) + matches.length) % matches.length;
    draw(picker);
    list.children[picker.active]?.scrollIntoView({ block: 'nearest' });
  } else if (event.key === 'Enter' && !list.hidden && highlighted) {
    event.preventDefault();
    choose(picker, highlighted);
  } else if (event.key === 'Escape') {
    open(picker, false);
  }
}

/** The first matches of `q` (digits an extension starts with, or a part of a name). */
function lookUp(api: Api, q: string): ReturnType<Api['extensions']['list']> {
  return api.extensions.list({ limit: MATCHES, offset: 0, ...(q ? { q } : {}) });
}

async function search(picker: Picker, text: string): Promise<PickedUser[] | null> {
  const ticket = ++picker.asked;
  const q = text.trim();
  try {
    const response = await lookUp(picker.api, q);
    if (ticket !== picker.asked) return null;
    picker.matches = response.items;
    picker.active = picker.matches.length ? 0 : -1;
    draw(picker);
    fill(picker.status, statusText(q, picker.matches.length, response.total ?? picker.matches.length));
    return picker.matches;
  } catch {
    if (ticket === picker.asked) fill(picker.status, 'Users could not be loaded.');
    return null;
  }
}

function statusText(q: string, shown: number, total: number): string {
  if (shown === 0) return q ? `No user matches “${q}”.` : 'No users yet.';
  if (total > shown) return `First ${shown} of ${total} users: type more to narrow.`;
  return `${total} ${total === 1 ? 'user' : 'users'}.`;
}

function draw(picker: Picker): void {
  const { input, list, listId, matches, active } = picker;
  fill(
    list,
    matches.map((user, index) => option(picker, user, index)),
  );
  open(picker, matches.length > 0);
  if (active >= 0) input.setAttribute('aria-activedescendant', `${listId}-${active}`);
  else input.removeAttribute('aria-activedescendant');
}

function option(picker: Picker, user: PickedUser, index: number): HTMLLIElement {
  return h(
    'li',
    {
      id: `${picker.listId}-${index}`,
      role: 'option',
      class: 'picker-option',
      'aria-selected': String(index === picker.active),
      onmousedown: (event: MouseEvent) => event.preventDefault(), // keep the focus in the input
      onclick: () => choose(picker, user),
    },
    h('strong', { class: 'mono' }, user.extension),
    user.displayName ? h('span', {}, user.displayName) : null,
    h('small', { class: 'muted' }, `${user.deviceCount} ${user.deviceCount === 1 ? 'device' : 'devices'}`),
  );
}

function open(picker: Picker, yes: boolean): void {
  picker.list.hidden = !yes;
  picker.input.setAttribute('aria-expanded', String(yes));
}

function choose(picker: Picker, user: PickedUser): void {
  picker.input.value = user.extension;
  open(picker, false);
  fill(picker.status, user.displayName ? `${user.extension} · ${user.displayName}` : '');
  picker.onPick(user);
}

/**
 * The user whose extension is exactly `text` (what was typed), or null. Its own lookup, not
 * search(): a search started by typing or focus while this one runs would otherwise supersede it
 * and the button would do nothing. Searches still in flight are dropped once a user is chosen.
 */
async function pick(picker: Picker, text: string): Promise<PickedUser | null> {
  clearTimeout(picker.timer);
  const q = text.trim();
  let response: Awaited<ReturnType<typeof lookUp>>;
  try {
    response = await lookUp(picker.api, q);
  } catch {
    fill(picker.status, 'Users could not be loaded.');
    return null;
  }
  const user = response.items.find((u) => u.extension === q);
  if (user) {
    picker.asked++;
    choose(picker, user);
  }
  return user ?? null;
}
