// "Who is where": each user's current scenario and target, and every device that reported with its
// last report (network, when, online or not, and router's reason), kept live by the API's event
// stream; a warning for each user whose FreePBX Follow Me ignores Smart Assistant (GET /followme-status).

import { fill, formatDateTime, h } from '../../shared/dom.js';
import type { AnswerOf, Api } from '../endpoints.js';
import { openEventStream, type StreamStatus } from '../live-events.js';
import { badge, dataTable } from '../ui/data-table.js';
import { followMeLabel, followMeWarnings } from '../ui/followme-warnings.js';
import type { Cleanup, ViewContext } from '../view-context.js';
import { loadError, pageFrame, resultsRegion } from './page.js';

/** One user's line: GET /presence's items, and each `presence` event of the stream. */
type PresenceEntry = AnswerOf<'/api/v1/presence'>['items'][number];
type FollowMeProblem = AnswerOf<'/api/v1/followme-status'>['items'][number];

const STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Stopped',
};
const STATUS_TONE = {
  connecting: 'muted',
  live: 'success',
  reconnecting: 'warning',
  closed: 'muted',
} as const;
/** Follow-Me problems change when someone edits FreePBX (router checks every few seconds): polled. */
const FOLLOW_ME_POLL_MS = 30_000;
/** Phones report all the time: redraw at most this often; and again so online turns offline on time. */
const DRAW_MS = 250;
const CLOCK_MS = 10_000;

/** What the board shows, by extension; `flashed` is the user whose line changed last. */
interface Board {
  readonly results: HTMLElement;
  readonly followMe: HTMLDivElement;
  readonly users: Map<string, PresenceEntry>;
  flashed: string;
  followMeProblems: Map<string, FollowMeProblem>;
}

export function render(root: HTMLElement, { api }: ViewContext): Cleanup | undefined {
  const status = h('span', { class: 'live-status', role: 'status', 'aria-live': 'polite' });
  const body = pageFrame(root, {
    title: 'Who is where',
    description:
      'The scenario each user is in right now, where their calls go, and each phone’s last report. Updates by itself.',
    actions: [status],
  });
  const board: Board = {
    results: resultsRegion(),
    followMe: h('div', {}),
    users: new Map(),
    flashed: '',
    followMeProblems: new Map(),
  };
  body.append(board.followMe, board.results);
  const redraw = throttle(() => draw(board), DRAW_MS);

  const poll = () => loadFollowMe(api, board);
  poll();
  const followMeTimer = setInterval(poll, FOLLOW_ME_POLL_MS);
  const clockTimer = setInterval(() => {
    if (board.users.size) redraw.soon();
  }, CLOCK_MS);

  const setStatus = (value: StreamStatus) => fill(status, badge(STATUS_TEXT[value], STATUS_TONE[value]));
  setStatus('connecting');
  api.board
    .current()
    .then((response) => {
      for (const entry of response.items) board.users.set(entry.extension, entry);
      draw(board);
    })
    .catch((error: unknown) => fill(board.results, loadError(error)));

  const stream = openEventStream({
    url: api.board.streamUrl(),
    type: 'presence',
    onStatus: setStatus,
    onEvent: (data) => {
      const entry = parseEntry(data);
      if (entry && apply(board, entry)) redraw.soon();
    },
  });
  return () => {
    clearInterval(followMeTimer);
    clearInterval(clockTimer);
    redraw.cancel();
    stream.close();
  };
}

/** Runs `action` once, `ms` after the first of any number of calls to soon(). */
function throttle(action: () => void, ms: number): { soon(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    soon() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        action();
      }, ms);
    },
    cancel: () => clearTimeout(timer),
  };
}

/** The stream's event as an entry; keep-alives and malformed events are not. */
function parseEntry(data: string): PresenceEntry | null {
  try {
    const value: unknown = JSON.parse(data);
    return isPresenceEntry(value) ? value : null;
  } catch {
    return null;
  }
}

/** The server sends its own entries (the schema of GET /presence's items): the extension tells them. */
function isPresenceEntry(value: unknown): value is PresenceEntry {
  return (
    typeof value === 'object' &&
    value !== null &&
    'extension' in value &&
    typeof value.extension === 'string' &&
    value.extension !== ''
  );
}

/** Takes in a change unless an older one arrives late; true when the board changed. */
function apply(board: Board, entry: PresenceEntry): boolean {
  const current = board.users.get(entry.extension);
  if (current?.version && entry.version && entry.version < current.version) return false;
  board.users.set(entry.extension, { ...current, ...entry });
  board.flashed = entry.extension;
  return true;
}

async function loadFollowMe(api: Api, board: Board): Promise<void> {
  try {
    const problems = (await api.followMe.problems()).items;
    const next = new Map(problems.map((p) => [p.extension, p]));
    if (JSON.stringify([...next]) === JSON.stringify([...board.followMeProblems])) return;
    board.followMeProblems = next;
    fill(board.followMe, followMeWarnings(problems));
    if (board.users.size) draw(board);
  } catch {
    // the board itself still works; the next poll tries again
  }
}

function draw(board: Board): void {
  const rows = [...board.users.values()].sort((a, b) =>
    String(a.extension).localeCompare(String(b.extension)),
  );
  fill(
    board.results,
    dataTable({
      caption: 'Current scenario per user',
      rows,
      empty: 'No user has reported a position yet.',
      columns: [
        { label: 'Extension', render: (u: PresenceEntry) => extensionCell(board, u) },
        {
          label: 'Scenario',
          render: (u: PresenceEntry) => u.scenarioName || h('span', { class: 'muted' }, '—'),
        },
        { label: 'Calls go to', render: targetCell },
        { label: 'Why', render: (u: PresenceEntry) => u.reason || h('span', { class: 'muted' }, '—') },
        { label: 'Since', render: (u: PresenceEntry) => formatDateTime(u.decidedAt) },
        { label: 'Phones (last report)', render: devicesCell },
      ],
    }),
  );
}

/** The extension, highlighted when it just changed, and its Follow-Me problem if any. */
function extensionCell(board: Board, user: PresenceEntry) {
  const problem = board.followMeProblems.get(user.extension);
  return [
    h('strong', { class: user.extension === board.flashed ? 'flash' : undefined }, user.extension),
    problem ? [' ', badge(followMeLabel(problem), 'warning')] : null,
  ];
}

/** Each phone of the user: online or offline, the network it reported, where that is, and when. */
function devicesCell(user: PresenceEntry): HTMLElement {
  const devices = user.devices ?? [];
  if (devices.length === 0) return h('span', { class: 'muted' }, 'none since the console started');
  const now = Date.now();
  return h(
    'ul',
    { class: 'device-reports', 'aria-label': `Phones of ${user.extension}` },
    devices.map((d) => {
      const online = new Date(d.onlineUntil).getTime() > now;
      const net = d.network;
      return h(
        'li',
        {},
        badge(online ? 'Online' : 'Offline', online ? 'success' : 'muted'),
        h('span', { class: 'mono' }, d.deviceId),
        net
          ? h(
              'span',
              {},
              net.ssid ? `Wi-Fi “${net.ssid}”` : 'Wi-Fi',
              net.bssid ? h('small', { class: 'mono muted' }, ` ${net.bssid}`) : null,
            )
          : h('span', {}, 'no Wi-Fi'),
        d.location ? h('span', {}, `at ${d.location}`) : net ? badge('unknown network', 'warning') : null,
        h('small', { class: 'muted' }, `reported ${formatDateTime(d.reportedAt)}`),
        d.reason && d.reason !== user.reason
          ? h('small', { class: 'muted stack' }, `then: ${d.scenarioName || 'no scenario'} — ${d.reason}`)
          : null,
      );
    }),
  );
}

function targetCell(user: PresenceEntry): HTMLElement {
  const name = user.targetName;
  const dial = user.targetDial;
  if (!name && !dial) return h('span', { class: 'muted' }, '—');
  return h(
    'span',
    { class: 'stack' },
    name || dial,
    name && dial ? h('small', { class: 'muted mono' }, dial) : null,
  );
}
