// Shares identical parts of users' rules: most users have the same locations, generic targets,
// time windows and whole scenarios, so each distinct value is kept once and every user's
// UserRules points at that one frozen copy (the rules mirror shrinks from ~2.3 KB to a few
// hundred bytes per user at 100k users). Values are compared by content; a table slot is keyed
// by a 32-bit hash of that content, and on a hash collision with a different value the new value
// is simply kept unshared (still correct, just not deduplicated).
// Tables only grow; `clear()` followed by re-interning the live rules drops parts no user uses any
// more (KvUserConfigWatcher does that once as many configs were replaced as are live).
import type { LocationDef, RuleDef, ScenarioDef, TargetDef, UserRules, WindowDef } from './types.js';

type Hashed<T> = { readonly value: T; readonly hash: number };

const FNV_OFFSET = 0x811c9dc5;
const mix = (h: number, x: number) => Math.imul(h ^ x, 0x01000193);

function hashString(h: number, s: string): number {
  let x = mix(h, s.length);
  for (let i = 0; i < s.length; i++) x = mix(x, s.charCodeAt(i));
  return x;
}

class Table<T> {
  private readonly slots = new Map<number, T>();

  get size(): number {
    return this.slots.size;
  }

  intern(hash: number, value: T, same: (a: T, b: T) => boolean): T {
    const cur = this.slots.get(hash);
    if (cur === undefined) {
      this.slots.set(hash, Object.freeze(value));
      return value;
    }
    return same(cur, value) ? cur : Object.freeze(value);
  }

  clear(): void {
    this.slots.clear();
  }
}

const sameArray = <T>(a: readonly T[], b: readonly T[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export class RulesInterner {
  private readonly strings = new Map<string, string>();
  private readonly stringLists = new Table<readonly string[]>();
  private readonly numberLists = new Table<readonly number[]>();
  private readonly windows = new Table<WindowDef>();
  private readonly targets = new Table<TargetDef>();
  private readonly rules = new Table<RuleDef>();
  private readonly ruleLists = new Table<readonly RuleDef[]>();
  private readonly locations = new Table<LocationDef>();
  private readonly locationLists = new Table<readonly LocationDef[]>();
  private readonly scenarios = new Table<ScenarioDef>();
  private readonly scenarioLists = new Table<readonly ScenarioDef[]>();

  /** Number of distinct values held (strings included). */
  get size(): number {
    return (
      this.strings.size +
      this.stringLists.size +
      this.numberLists.size +
      this.windows.size +
      this.targets.size +
      this.rules.size +
      this.ruleLists.size +
      this.locations.size +
      this.locationLists.size +
      this.scenarios.size +
      this.scenarioLists.size
    );
  }

  /** Forgets every shared value (values already handed out stay valid and frozen). */
  clear(): void {
    this.strings.clear();
    for (const t of [
      this.stringLists,
      this.numberLists,
      this.windows,
      this.targets,
      this.rules,
      this.ruleLists,
      this.locations,
      this.locationLists,
      this.scenarios,
      this.scenarioLists,
    ])
      t.clear();
  }

  /** A frozen UserRules equal to `r` whose parts are shared with every other interned user. */
  intern(r: UserRules): UserRules {
    return Object.freeze({
      extension: this.str(r.extension),
      revision: r.revision,
      ...(r.locationPaused ? { locationPaused: true } : {}),
      locations: this.locationList(r.locations).value,
      scenarios: this.scenarioList(r.scenarios).value,
    });
  }

  private str(s: string): string {
    const cur = this.strings.get(s);
    if (cur !== undefined) return cur;
    this.strings.set(s, s);
    return s;
  }

  private strList(xs: readonly string[]): Hashed<readonly string[]> {
    let h = mix(FNV_OFFSET, 1);
    const value = xs.map((x) => {
      h = hashString(h, x);
      return this.str(x);
    });
    return { value: this.stringLists.intern(h, value, sameArray), hash: h };
  }

  private window(w: WindowDef | null): Hashed<WindowDef | null> {
    if (!w) return { value: null, hash: 0 };
    let dh = mix(FNV_OFFSET, 2);
    for (const d of w.weekdays) dh = mix(dh, d);
    const weekdays = this.numberLists.intern(dh, [...w.weekdays], sameArray);
    const h = hashString(mix(mix(dh, w.startMinute), w.endMinute), w.timeZone);
    const value = {
      startMinute: w.startMinute,
      endMinute: w.endMinute,
      weekdays,
      timeZone: this.str(w.timeZone),
    };
    const same = (a: WindowDef, b: WindowDef) =>
      a.startMinute === b.startMinute &&
      a.endMinute === b.endMinute &&
      a.weekdays === b.weekdays &&
      a.timeZone === b.timeZone;
    return { value: this.windows.intern(h, value, same), hash: h };
  }

  private target(t: TargetDef | null): Hashed<TargetDef | null> {
    if (!t) return { value: null, hash: 0 };
    const h = hashString(hashString(hashString(mix(FNV_OFFSET, 3), t.id), t.name), t.dial);
    const value = { id: this.str(t.id), name: this.str(t.name), dial: this.str(t.dial) };
    const same = (a: TargetDef, b: TargetDef) => a.id === b.id && a.name === b.name && a.dial === b.dial;
    return { value: this.targets.intern(h, value, same), hash: h };
  }

  private ruleList(rs: readonly RuleDef[]): Hashed<readonly RuleDef[]> {
    let h = mix(FNV_OFFSET, 4);
    const value = rs.map((r) => {
      const w = this.window(r.window);
      const rh = mix(hashString(hashString(mix(FNV_OFFSET, 5), r.kind), r.locationId), w.hash);
      h = mix(h, rh);
      const rule = { kind: r.kind, locationId: this.str(r.locationId), window: w.value };
      const same = (a: RuleDef, b: RuleDef) =>
        a.kind === b.kind && a.locationId === b.locationId && a.window === b.window;
      return this.rules.intern(rh, rule, same);
    });
    return { value: this.ruleLists.intern(h, value, sameArray), hash: h };
  }

  private locationList(ls: readonly LocationDef[]): Hashed<readonly LocationDef[]> {
    let h = mix(FNV_OFFSET, 6);
    const value = ls.map((l) => {
      const ssids = this.strList(l.ssids);
      const bssids = this.strList(l.bssids);
      const lh = mix(mix(hashString(hashString(mix(FNV_OFFSET, 7), l.id), l.name), ssids.hash), bssids.hash);
      h = mix(h, lh);
      const loc = { id: this.str(l.id), name: this.str(l.name), ssids: ssids.value, bssids: bssids.value };
      const same = (a: LocationDef, b: LocationDef) =>
        a.id === b.id && a.name === b.name && a.ssids === b.ssids && a.bssids === b.bssids;
      return this.locations.intern(lh, loc, same);
    });
    return { value: this.locationLists.intern(h, value, sameArray), hash: h };
  }

  private scenarioList(ss: readonly ScenarioDef[]): Hashed<readonly ScenarioDef[]> {
    let h = mix(FNV_OFFSET, 8);
    const value = ss.map((s) => {
      const rules = this.ruleList(s.rules);
      const target = this.target(s.target);
      let sh = hashString(hashString(mix(FNV_OFFSET, 9), s.id), s.name);
      sh = mix(mix(mix(mix(sh, s.priority), s.isDefault ? 1 : 0), rules.hash), target.hash);
      h = mix(h, sh);
      const scenario = {
        id: this.str(s.id),
        name: this.str(s.name),
        priority: s.priority,
        isDefault: s.isDefault,
        rules: rules.value,
        target: target.value,
      };
      const same = (a: ScenarioDef, b: ScenarioDef) =>
        a.id === b.id &&
        a.name === b.name &&
        a.priority === b.priority &&
        a.isDefault === b.isDefault &&
        a.rules === b.rules &&
        a.target === b.target;
      return this.scenarios.intern(sh, scenario, same);
    });
    return { value: this.scenarioLists.intern(h, value, sameArray), hash: h };
  }
}
