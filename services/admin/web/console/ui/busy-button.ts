// A submit button while its request runs: marked aria-disabled rather than disabled, because a
// disabled button drops keyboard focus to <body> for the length of the request (screen readers then
// announce the page, and Tab starts again from the top). A second submit meanwhile is ignored.

/** Runs `request` unless one from `button` is already running. */
export async function whileBusy(button: HTMLButtonElement, request: () => Promise<void>): Promise<void> {
  if (isBusy(button)) return;
  button.setAttribute('aria-disabled', 'true');
  try {
    await request();
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

/** A request from `button` is running. */
export function isBusy(button: HTMLButtonElement): boolean {
  return button.getAttribute('aria-disabled') === 'true';
}
