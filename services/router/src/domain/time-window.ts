// Time windows in a time zone: membership ("is it office hours now?") and the next instant the
// answer can change, so the sweep re-evaluates exactly then.
import type { WindowDef } from './types.js';

interface LocalTime {
  readonly minute: number;
  readonly weekday: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(timeZone: string): Intl.DateTimeFormat | null {
  const tz = timeZone || 'UTC';
  let f = formatters.get(tz);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      });
    } catch {
      f = null; // unknown time zone: the window never matches (the reason says so)
    }
    formatters.set(tz, f);
  }
  return f;
}

export function localTime(nowMs: number, timeZone: string): LocalTime | null {
  const f = formatter(timeZone);
  if (!f) return null;
  let hour = 0;
  let minute = 0;
  let weekday = 0;
  for (const part of f.formatToParts(nowMs)) {
    if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
    else if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
  }
  return { minute: hour * 60 + minute, weekday };
}

export function isValidTimeZone(timeZone: string): boolean {
  return formatter(timeZone) !== null;
}

/** Start inclusive, end exclusive; the part after midnight belongs to the previous day's window. */
export function inWindow(w: WindowDef, nowMs: number): boolean {
  const t = localTime(nowMs, w.timeZone);
  if (!t) return false;
  const day = (d: number) => w.weekdays.length === 0 || w.weekdays.includes(d);
  if (w.startMinute === w.endMinute) return day(t.weekday);
  if (w.startMinute < w.endMinute)
    return day(t.weekday) && t.minute >= w.startMinute && t.minute < w.endMinute;
  if (t.minute >= w.startMinute) return day(t.weekday);
  return t.minute < w.endMinute && day((t.weekday + 6) % 7);
}

/** The next start of a minute at which `inWindow` may change (capped at 24 h; DST is re-checked then). */
export function nextWindowBoundaryMs(w: WindowDef, nowMs: number): number {
  const t = localTime(nowMs, w.timeZone);
  const minuteStart = nowMs - (nowMs % 60_000);
  if (!t) return minuteStart + 24 * 3600_000;
  const boundaries = [w.startMinute, w.endMinute];
  if (w.weekdays.length > 0) boundaries.push(0);
  let minutes = 1440;
  for (const b of boundaries) {
    const delta = (b - t.minute + 1440) % 1440;
    if (delta > 0 && delta < minutes) minutes = delta;
  }
  return minuteStart + minutes * 60_000;
}

export function describeWindow(w: WindowDef): string {
  const hhmm = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const days = w.weekdays.length === 0 ? '' : ` ${w.weekdays.map((d) => names[d] ?? String(d)).join(',')}`;
  return `${hhmm(w.startMinute)}-${hhmm(w.endMinute)}${days} ${w.timeZone || 'UTC'}`;
}
