// The console's accessibility (issue 19, item 6) in headless Chromium against the real admin service,
// Postgres and NATS, with a device, users, a destination, a location and scenarios so no table is empty:
// axe-core (WCAG 2.0/2.1 A and AA) finds no violation on the sign-in page and on every page of the hash
// router (ROUTES in web/console/app.ts) at 1280 and 375 px; and a walk with the keyboard alone (Tab, Enter,
// Space, Escape) finds focus where the user acted: after sign-in, after row actions (move, enable or
// disable, delete, remove rule), on a page's heading after a page change (with the page's title), back on
// the opening control when a dialog closes; the skip link moves focus without changing the page; the
// focus ring measures at least 3:1; the phone-width menu closes on Escape and tabs into its links first;
// an import error does not widen the page at 375 px.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@sa/platform';
import { repoRoot, type ServiceProcess, uniqueName, waitFor } from '@sa/testkit';
import type { Browser, Page } from 'playwright-core';
import * as session from './browser-session.js';

const PASSWORD = `a11y-${randomBytes(6).toString('hex')}`;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const EXTENSION = '250';
const DEVICES = ['A11YPHONE0001', 'A11YPHONE0002'] as const;
const SCENARIOS = ['Morning', 'Office', 'Away'] as const;
const WIDTHS = [1280, 375] as const;

/** The console's pages, read from the router's table, so a new page is checked without editing this test. */
function consoleRoutes(): string[] {
  const app = readFileSync(join(repoRoot, 'services', 'admin', 'web', 'console', 'app.ts'), 'utf8');
  const table = /const ROUTES[^{]*\{([^}]*)\}/.exec(app)?.[1];
  assert.ok(table, 'app.ts declares its ROUTES table');
  return table
    .split(',')
    .map((entry) => entry.split(':')[0]!.trim().replace(/'/g, ''))
    .filter(Boolean);
}

const logger = createLogger('console-a11y-test', 'warn');
const prefix = uniqueName('a11y');

let admin: ServiceProcess;
let browser: Browser;
let baseUrl: string;
let api: session.ApiCall;

async function json<T>(res: Promise<Response>): Promise<T> {
  const r = await res;
  const body = await r.text();
  assert.ok(r.ok, `${r.status} ${body}`);
  return (body ? JSON.parse(body) : {}) as T;
}

async function provision(): Promise<void> {
  await json(api('POST', '/extensions', { extension: EXTENSION, displayName: 'Ann Access' }));
  for (const deviceId of DEVICES)
    await json(api('POST', '/devices', { deviceId, extension: EXTENSION, keyMode: 'server_key' }));
  const desk = await json<{ id: string }>(api('POST', '/destinations', { name: 'SMART-Desk', dial: '100' }));
  const office = await json<{ id: string }>(
    api('POST', '/locations', { name: 'Office', ssids: ['CorpNet'], bssids: [] }),
  );
  const home = await json<{ id: string }>(
    api('POST', '/locations', { name: 'Home', ssids: ['AnnHome'], bssids: [] }),
  );
  const at = (id: string) => ({ kind: 'location', locationId: id });
  await json(
    api('PUT', `/users/${EXTENSION}/scenarios`, {
      scenarios: [
        { name: SCENARIOS[0], destinationId: desk.id, rules: [at(home.id)] },
        { name: SCENARIOS[1], destinationId: desk.id, rules: [at(office.id), at(home.id)] },
        { name: SCENARIOS[2], destinationId: desk.id, rules: [], isDefault: true },
      ],
    }),
  );
}

async function openPage(width: number): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { page, problems: session.collectScriptProblems(page) };
}

/** axe-core with the WCAG 2.0/2.1 A and AA rules: the violations as "rule: targets". */
async function axeViolations(page: Page): Promise<string[]> {
  // evaluated through the DevTools protocol, which the page's CSP does not govern; once per document
  if (!(await page.evaluate('Boolean(window.axe)'))) await page.evaluate(`${AXE};0`);
  const result = (await page.evaluate(
    "axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })",
  )) as { violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> };
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The focused element's accessible name as the console gives it: aria-label, else its label's or its own text. */
async function focusedName(page: Page): Promise<string> {
  return String(
    await page.evaluate(
      "(() => { const el = document.activeElement; if (!el || el === document.body) return '<body>'; return el.getAttribute('aria-label') ?? (el.labels?.[0] ?? el).textContent.trim(); })()",
    ),
  );
}

/**
 * Records every focus change from now on (what lost and what got focus, when, and whether a dialog
 * was open). Once in many runs focus was on <body> after a scenario was saved; the record tells how.
 */
async function recordFocusMoves(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const t0 = performance.now();
    const name = (el) => !el || el === document.body ? '<body>'
      : el.getAttribute?.('aria-label') ?? el.tagName + ':' + (el.textContent ?? '').trim().slice(0, 20);
    window.__focusMoves = [];
    for (const type of ['focusin', 'focusout'])
      document.addEventListener(type, (e) => window.__focusMoves.push(
        Math.round(performance.now() - t0) + 'ms ' + type + ' ' + name(e.target)
        + ' -> ' + name(e.relatedTarget)
        + (document.querySelector('dialog[open]') ? ' [dialog open]' : '')), true);
  })()`);
}

async function focusMoves(page: Page): Promise<string> {
  return String(await page.evaluate("(window.__focusMoves ?? []).join('; ')"));
}

/** Presses Tab (Shift+Tab: `backwards`), at most 300 times, until the focused control is called `name`. */
async function tabTo(page: Page, name: string | RegExp, backwards = false): Promise<void> {
  const matches = (text: string) => (typeof name === 'string' ? text === name : name.test(text));
  for (let i = 0; i < 300; i += 1) {
    if (matches(await focusedName(page))) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  assert.fail(`Tab never reached "${name}"`);
}

/** Signs in with the keyboard: the form focuses its first field; Tab, type, Enter. */
async function signInByKeyboard(page: Page): Promise<void> {
  await page.goto(baseUrl);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 30_000 });
  assert.equal(await page.title(), 'Sign in – Smart Assistant');
  await tabTo(page, 'Password');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
}

/** Polls `expression` in the page until it is true (page.waitForFunction would eval, which the CSP refuses). */
async function until(page: Page, expression: string): Promise<void> {
  await waitFor(async () => (await page.evaluate(`Boolean(${expression})`)) || undefined, {
    timeoutMs: 15_000,
    intervalMs: 50,
    what: expression,
  });
}

/** Waits for a page of the console to be drawn: its heading, no "Loading…" left. */
async function pageSettled(page: Page): Promise<void> {
  await until(
    page,
    "document.querySelector('main h1') && !document.querySelector('main .loading') && !document.querySelector('main [aria-busy=true]')",
  );
}

async function pageHeading(page: Page): Promise<string> {
  return String(await page.evaluate("document.querySelector('main h1')?.textContent ?? ''"));
}

/** Goes to `#/<route>` through the hash router and waits for the page. */
async function visit(page: Page, route: string): Promise<void> {
  await page.evaluate(`location.hash = '#/${route}'`);
  await until(page, `location.hash === '#/${route}'`);
  await pageSettled(page);
}

type Rgb = [number, number, number, number];

function parseColour(text: string): Rgb {
  const parts = /rgba?\(([^)]+)\)/
    .exec(text)?.[1]
    ?.split(/[\s,/]+/)
    .filter(Boolean)
    .map(Number);
  assert.ok(parts && parts.length >= 3, `a colour: ${text}`);
  return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
}

function luminance([r, g, b]: Rgb): number {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG contrast of `fg` (blended over `bg` when translucent) against `bg`. */
function contrast(fg: Rgb, bg: Rgb): number {
  const a = fg[3];
  const blended: Rgb = [0, 1, 2].map((i) => fg[i]! * a + bg[i]! * (1 - a)) as unknown as Rgb;
  const [hi, lo] = [luminance(blended), luminance(bg)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The focused element's outline colour and the first opaque background behind it (its parents'). */
async function focusRingContrast(page: Page): Promise<{ ratio: number; what: string }> {
  const colours = (await page.evaluate(`(() => {
    const el = document.activeElement;
    const outline = getComputedStyle(el).outlineColor;
    const style = getComputedStyle(el).outlineStyle;
    let node = el.parentElement;
    let background = 'rgb(255, 255, 255)';
    while (node) {
      const bg = getComputedStyle(node).backgroundColor;
      if (bg && bg !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(bg)) { background = bg; break; }
      node = node.parentElement;
    }
    return { outline, style, background, name: el.getAttribute('aria-label') ?? el.textContent.trim() };
  })()`)) as { outline: string; style: string; background: string; name: string };
  assert.notEqual(colours.style, 'none', `${colours.name} shows a focus outline`);
  const ratio = contrast(parseColour(colours.outline), parseColour(colours.background));
  return { ratio, what: `${colours.name}: ${colours.outline} on ${colours.background}` };
}

async function expectFocusRing(page: Page): Promise<void> {
  const { ratio, what } = await focusRingContrast(page);
  assert.ok(ratio >= 3, `focus ring ${ratio.toFixed(2)}:1 (needs ≥ 3:1) for ${what}`);
}

describe('console accessibility and keyboard use in headless Chromium (issue 19)', () => {
  before(async () => {
    session.requireChromium();
    admin = await session.startAdminForBrowser(prefix, PASSWORD);
    baseUrl = admin.addresses.http!;
    api = await session.adminApi(baseUrl, PASSWORD);
    await provision();
    browser = await session.launchChromium();
  });

  after(async () => {
    await browser?.close();
    await admin?.stop();
    await session.dropAdminState(prefix, logger, 'console-a11y-cleanup');
  });

  for (const width of WIDTHS) {
    it(`given some data, when every console page is opened at ${width} px, then axe-core finds no WCAG 2.1 AA violation, each page sets its title and focuses its heading`, async () => {
      const { page, problems } = await openPage(width);
      await page.goto(baseUrl);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 30_000 });
      assert.deepEqual(await axeViolations(page), [], `sign-in page at ${width} px`);
      await signInByKeyboard(page);
      await page.evaluate(`sessionStorage.setItem('sa-scenarios-ext', '${EXTENSION}')`);
      const found: string[] = [];
      for (const route of consoleRoutes()) {
        await visit(page, route).catch(async (err) => {
          await session.shot(page, `a11y-${route}-${width}`);
          throw new Error(`#/${route} at ${width} px did not settle`, { cause: err });
        });
        const heading = await pageHeading(page);
        assert.equal(await page.title(), `${heading} – Smart Assistant`, `the title of #/${route}`);
        assert.equal(await focusedName(page), heading, `#/${route} focuses its heading`);
        for (const violation of await axeViolations(page))
          found.push(`#/${route} at ${width} px: ${violation}`);
        if (width === 375) {
          const overflow = await page.evaluate('document.documentElement.scrollWidth');
          assert.ok(Number(overflow) <= 375, `#/${route} is ${overflow} px wide at 375 px`);
        }
      }
      assert.deepEqual(found, []);
      assert.deepEqual(problems, []);
      await page.context().close();
    });
  }

  it('given the keyboard alone at 1280 px, when signing in, following the skip link and acting on devices, then focus stays where the user acted and the focus ring measures ≥ 3:1', async () => {
    const { page, problems } = await openPage(1280);
    await signInByKeyboard(page);
    assert.equal(await focusedName(page), 'Devices', 'after sign-in, focus is on the Devices heading');
    assert.equal(await page.title(), 'Devices – Smart Assistant');
    await pageSettled(page);

    // the skip link: focus to <main>, the page stays
    await visit(page, 'users');
    await tabTo(page, 'Skip to content', true);
    await expectFocusRing(page);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate('document.activeElement.id'), 'main');
    assert.equal(await page.evaluate('location.hash'), '#/users');
    assert.equal(await pageHeading(page), 'Users');

    // a page change by keyboard: the navigation link, Enter, the heading has focus
    await tabTo(page, 'Devices');
    await expectFocusRing(page); // on the dark side navigation
    await page.keyboard.press('Enter');
    await until(page, "location.hash === '#/devices'");
    await pageSettled(page);
    assert.equal(await focusedName(page), 'Devices');

    const [first, second] = DEVICES;
    await tabTo(page, `Disable ${first}`);
    await expectFocusRing(page); // a row button on the white table
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: `Enable ${first}` }).waitFor();
    assert.equal(await focusedName(page), `Enable ${first}`, 'focus stays on the toggled device');
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: `Disable ${first}` }).waitFor();
    assert.equal(await focusedName(page), `Disable ${first}`);

    // a dialog closed by Escape, then by Cancel, then after its submit: focus back on the opener
    await tabTo(page, `Edit ${second}`);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.equal(await focusedName(page), `Edit ${second}`, 'Escape returns focus to the opener');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Cancel');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.equal(await focusedName(page), `Edit ${second}`, 'Cancel returns focus to the opener');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Save device');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await pageSettled(page);
    assert.equal(await focusedName(page), `Edit ${second}`, 'after a submit, focus is back on the opener');

    // delete: the confirmation, then focus on the remaining row's same control
    await tabTo(page, `Delete ${first}`);
    await page.keyboard.press('Enter');
    await tabTo(page, 'Delete device');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: `Delete ${first}` }).waitFor({ state: 'detached' });
    await pageSettled(page);
    assert.equal(await focusedName(page), `Delete ${second}`, 'focus moves to the next row');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('given the keyboard alone, when moving, editing and deleting scenarios, then focus stays in the scenario acted on or next to it', async () => {
    const { page, problems } = await openPage(1280);
    await signInByKeyboard(page);
    await page.evaluate(`sessionStorage.setItem('sa-scenarios-ext', '${EXTENSION}')`);
    await visit(page, 'scenarios');
    const [morning, office] = SCENARIOS;
    const order = () =>
      page.evaluate("[...document.querySelectorAll('.scenario h2')].map((h) => h.textContent).join(',')");

    await tabTo(page, `Move ${office} up`);
    await page.keyboard.press('Enter');
    await until(page, `document.querySelector('.scenario h2')?.textContent === '${office}'`);
    assert.equal(await order(), 'Office,Morning,Away');
    // "Move up" is disabled at the top: focus moves to a control of the same scenario
    assert.match(await focusedName(page), new RegExp(`^(Move|Edit|Delete) ${office}`));

    await tabTo(page, `Move ${office} down`);
    await page.keyboard.press('Enter');
    await until(page, `document.querySelector('.scenario h2')?.textContent === '${morning}'`);
    assert.equal(await focusedName(page), `Move ${office} down`, 'focus stays on the same button');

    // remove a rule inside the edit dialog: focus on the next rule's button, not on <body>
    await tabTo(page, `Edit ${office}`);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await tabTo(page, 'Remove rule');
    await page.keyboard.press('Enter');
    assert.match(await focusedName(page), /^(Remove rule|Add rule)/, 'focus stays among the rules');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.equal(await focusedName(page), `Edit ${office}`);
    // saving redraws the list before the dialog closes: focus goes to the new Edit button
    await page.keyboard.press('Enter');
    await tabTo(page, 'Save scenario');
    await recordFocusMoves(page);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const moves = await focusMoves(page);
    assert.equal(
      await focusedName(page),
      `Edit ${office}`,
      `after a submit, focus is back on Edit (${moves})`,
    );
    assert.doesNotMatch(
      moves,
      /-> <body> \[dialog open\]/,
      'while the scenario is saved, the busy Save button keeps focus',
    );

    await tabTo(page, `Delete ${office}`);
    await page.keyboard.press('Enter');
    await tabTo(page, 'Delete scenario');
    await page.keyboard.press('Enter');
    await until(page, `!document.querySelector('[aria-label="Delete ${office}"]')`);
    assert.match(
      await focusedName(page),
      /^Delete (Morning|Away)$/,
      'focus moves to a neighbouring scenario',
    );
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('given 375 px, when the menu is opened by keyboard, then Tab goes to the first link, Escape closes it and focus returns to the menu button', async () => {
    const { page, problems } = await openPage(375);
    await signInByKeyboard(page);
    await tabTo(page, '☰Menu');
    await expectFocusRing(page); // on the dark top bar
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#menu-toggle', 'aria-expanded'), 'true');
    await page.keyboard.press('Tab');
    assert.equal(await focusedName(page), 'Devices', 'the first Tab in the opened menu');
    await page.keyboard.press('Escape');
    assert.equal(await page.getAttribute('#menu-toggle', 'aria-expanded'), 'false');
    assert.equal(await focusedName(page), '☰Menu');
    assert.equal(await page.locator('#main-nav').isVisible(), false);

    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await tabTo(page, 'Import and export');
    await page.keyboard.press('Enter');
    await pageSettled(page);
    assert.equal(await focusedName(page), 'Import and export');
    // a value the server quotes back in its problem: long, without a place to break the line
    const badFile = [
      `deviceId,extension,label,enabled,${'wifiMacAddressesOfThePhone'.repeat(2)}`,
      'A11YBULK0001,,Lobby,true,',
      `A11YBULK0002,${EXTENSION},Desk,${'X'.repeat(60)},`,
    ].join('\n');
    await page.getByLabel('What the file holds').selectOption('devices');
    await page.getByLabel(/^CSV file/).setInputFiles({
      name: `${'devices_export_of_the_whole_office_'.repeat(2)}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(badFile),
    });
    await tabTo(page, 'Check file');
    await page.keyboard.press('Enter');
    await page.locator('[data-result=problems]').waitFor();
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(width <= 375, `the page is ${width} px wide at 375 px`);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
