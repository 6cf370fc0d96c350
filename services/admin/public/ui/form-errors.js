// Shows API errors inside a form: the message in the form's alert box and, when the error
// details name a field, next to that field (aria-invalid + aria-describedby for screen readers).

import { fill, h } from '../dom.js';

export function clearFormErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) {
    el.removeAttribute('aria-invalid');
    if (el.dataset.describedBy) el.setAttribute('aria-describedby', el.dataset.describedBy);
    else el.removeAttribute('aria-describedby');
  }
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  const alert = form.querySelector('.form-alert');
  if (alert) {
    alert.hidden = true;
    alert.replaceChildren();
  }
}

export function showFormError(form, error) {
  clearFormErrors(form);
  const fieldErrors = fieldErrorsOf(error);
  let placed = 0;
  for (const { field, message } of fieldErrors) {
    const input = findInput(form, field);
    if (!input) continue;
    placed += 1;
    const id = `${input.id || input.name}-error`;
    const hints = input.getAttribute('aria-describedby') ?? '';
    input.dataset.describedBy = hints;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${id} ${hints}`.trim());
    const wrapper = input.closest('.field') ?? input.parentElement;
    wrapper.append(h('p', { class: 'field-error', id }, humanise(message)));
  }
  const alert = form.querySelector('.form-alert');
  if (alert) {
    const summary =
      placed > 0 ? (error?.summary ?? 'Please correct the highlighted field.') : humanise(error?.message);
    fill(
      alert,
      h('strong', {}, summary || 'Something went wrong.'),
      error?.code ? h('span', { class: 'error-code' }, ` (${error.code})`) : null,
    );
    alert.hidden = false;
  }
  if (placed > 0) form.querySelector('[aria-invalid="true"]')?.focus();
}

/** "body.name: must match pattern "^…$"" -> "Name contains characters that are not allowed." */
export function humanise(message) {
  if (typeof message !== 'string') return message;
  const match = /^(?:(?:body|query|params)\.)?([\w.[\]/]+): (.*)$/s.exec(message);
  if (!match) return message;
  const field = match[1]
    .split(/[./]/)
    .pop()
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  let text = match[2];
  if (/^must match pattern/.test(text)) text = 'contains characters that are not allowed here';
  else if (/^must match format "uuid"/.test(text)) text = 'must be chosen from the list';
  const sentence = /^(must|is|are|has|have|should|contains)\b/.test(text) ? `${field} ${text}` : text;
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}${/[.!?]$/.test(sentence) ? '' : '.'}`;
}

export function formAlert() {
  return h('div', { class: 'form-alert', role: 'alert', hidden: true });
}

function fieldErrorsOf(error) {
  const details = error?.details;
  if (!details) return [];
  if (Array.isArray(details)) {
    return details
      .map((item) => ({
        field: fieldName(item.field ?? item.path ?? item.instancePath ?? item.name ?? item.param),
        message: item.message ?? error.message,
      }))
      .filter((item) => item.field);
  }
  if (typeof details === 'object') {
    if (typeof details.field === 'string')
      return [{ field: fieldName(details.field), message: error.message }];
    return Object.entries(details)
      .filter(([, value]) => typeof value === 'string')
      .map(([field, message]) => ({ field: fieldName(field), message }));
  }
  return [];
}

function fieldName(path) {
  if (typeof path !== 'string' || path === '') return '';
  const parts = path
    .replace(/^(body|query|params)[./]/, '')
    .split(/[./[\]]/)
    .filter(Boolean);
  return parts[0] ?? '';
}

function findInput(form, field) {
  const snake = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const camel = field.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  for (const name of [field, camel, snake]) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (input) return input;
  }
  for (const input of form.querySelectorAll('[data-error-for]')) {
    if (input.dataset.errorFor.split(' ').includes(field)) return input;
  }
  return null;
}
