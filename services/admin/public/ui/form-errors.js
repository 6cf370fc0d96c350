// Shows API errors inside a form: the message in the form's alert box and, when the error
// details name a field, next to that field (aria-invalid + aria-describedby for screen readers).

import { fill, h } from '../dom.js';

export function clearFormErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
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
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', id);
    const wrapper = input.closest('.field') ?? input.parentElement;
    wrapper.append(h('p', { class: 'field-error', id }, message));
  }
  const alert = form.querySelector('.form-alert');
  if (alert) {
    fill(
      alert,
      h('strong', {}, error?.message ?? 'Something went wrong.'),
      error?.code ? h('span', { class: 'error-code' }, ` (${error.code})`) : null,
    );
    alert.hidden = false;
  }
  if (placed > 0) form.querySelector('[aria-invalid="true"]')?.focus();
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
