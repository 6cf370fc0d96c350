// Picks a user (extension) from a list that searches as you type, for thousands of users: each
// search asks the API for the first matches only (GET /extensions?q=…: the extension's first digits
// or a part of the name). A combobox with a listbox (WAI-ARIA pattern): arrows move, Enter or a click
// picks, Escape closes. Returns { element, input, pick(text) }: `pick` resolves a typed extension.

import { fill, h, uniqueId } from '../dom.js';
import { listItems } from './pager.js';

const MATCHES = 20;
const DEBOUNCE_MS = 200;

export function userPicker({ api, label = 'User', value = '', onPick }) {
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

  let matches = [];
  let active = -1;
  let asked = 0;
  let timer = null;

  async function search(text) {
    const ticket = ++asked;
    const q = text.trim();
    try {
      const response = await api.extensions.list({ limit: MATCHES, ...(q ? { q } : {}) });
      if (ticket !== asked) return null;
      matches = listItems(response);
      const total = response?.total ?? matches.length;
      active = matches.length ? 0 : -1;
      draw();
      fill(
        status,
        matches.length === 0
          ? q
            ? `No user matches “${q}”.`
            : 'No users yet.'
          : total > matches.length
            ? `First ${matches.length} of ${total} users: type more to narrow.`
            : `${total} ${total === 1 ? 'user' : 'users'}.`,
      );
      return matches;
    } catch {
      if (ticket === asked) fill(status, 'Users could not be loaded.');
      return null;
    }
  }

  function draw() {
    fill(
      list,
      matches.map((user, index) =>
        h(
          'li',
          {
            id: `${listId}-${index}`,
            role: 'option',
            class: 'picker-option',
            'aria-selected': String(index === active),
            onmousedown: (event) => event.preventDefault(), // keep the focus in the input
            onclick: () => choose(user),
          },
          h('strong', { class: 'mono' }, user.extension),
          user.displayName ? h('span', {}, user.displayName) : null,
          h(
            'small',
            { class: 'muted' },
            `${user.deviceCount ?? 0} ${user.deviceCount === 1 ? 'device' : 'devices'}`,
          ),
        ),
      ),
    );
    open(matches.length > 0);
    if (active >= 0) input.setAttribute('aria-activedescendant', `${listId}-${active}`);
    else input.removeAttribute('aria-activedescendant');
  }

  function open(yes) {
    list.hidden = !yes;
    input.setAttribute('aria-expanded', String(yes));
  }

  function choose(user) {
    input.value = user.extension;
    open(false);
    fill(status, user.displayName ? `${user.extension} · ${user.displayName}` : '');
    onPick(user);
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value), DEBOUNCE_MS);
  });
  input.addEventListener('focus', () => {
    if (matches.length === 0) search(input.value);
    else open(true);
  });
  input.addEventListener('blur', () => open(false));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (list.hidden) return open(matches.length > 0);
      if (matches.length === 0) return;
      active = (active + (event.key === 'ArrowDown' ? 1 : -1) + matches.length) % matches.length;
      draw();
      list.children[active]?.scrollIntoView({ block: 'nearest' });
    } else if (event.key === 'Enter' && !list.hidden && matches[active]) {
      event.preventDefault();
      choose(matches[active]);
    } else if (event.key === 'Escape') {
      open(false);
    }
  });

  /**
   * The user whose extension is exactly `text` (what was typed), or null. Its own lookup, not
   * search(): a search started by typing or focus while this one runs would otherwise supersede it
   * and the button would do nothing. Searches still in flight are dropped once a user is chosen.
   */
  async function pick(text) {
    clearTimeout(timer);
    const q = text.trim();
    let response;
    try {
      response = await api.extensions.list({ limit: MATCHES, ...(q ? { q } : {}) });
    } catch {
      fill(status, 'Users could not be loaded.');
      return null;
    }
    const user = listItems(response).find((u) => u.extension === q);
    if (user) {
      asked++;
      choose(user);
    }
    return user ?? null;
  }

  return { element, input, pick };
}
