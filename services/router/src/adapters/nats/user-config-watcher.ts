// Mirrors admin's users KV bucket (key = extension, value = UserConfig) into memory, and reports
// every change after the initial snapshot so the owner of that user re-evaluates it.
import type { KV } from '@nats-io/kv';
import type { Logger } from '@sa/platform';
import { decodeMessage, v1 } from '@sa/proto';
import { RulesInterner } from '../../domain/rules-interner.js';
import type { UserRules } from '../../domain/types.js';
import type { RulesSource } from '../../routing/ports.js';
import { toUserRules } from './proto-mapping.js';

export class KvUserConfigWatcher implements RulesSource {
  private readonly rules = new Map<string, UserRules>();
  /** shares identical locations/targets/scenarios between users (see rules-interner.ts) */
  private readonly interner = new RulesInterner();
  /** configs replaced or deleted since the interner was last rebuilt */
  private replaced = 0;
  private stopWatch: (() => void) | null = null;

  constructor(
    private readonly bucket: KV,
    private readonly logger: Logger,
    private readonly onChange: (extension: string) => void,
  ) {}

  get(extension: string): UserRules | null {
    return this.rules.get(extension) ?? null;
  }

  extensions(): Iterable<string> {
    return this.rules.keys();
  }

  get size(): number {
    return this.rules.size;
  }

  /** Resolves once the initial snapshot is loaded. */
  async start(): Promise<void> {
    const initial = (await this.bucket.status()).values;
    const watch = await this.bucket.watch();
    this.stopWatch = () => watch.stop();
    let resolveReady!: () => void;
    const ready = new Promise<void>((r) => {
      resolveReady = r;
    });
    // isUpdate is not reliable for the snapshot's last entry; delta (entries still pending in
    // the snapshot) is: 0 marks the end of the initial state.
    let loaded = initial === 0;
    if (loaded) resolveReady();
    void (async () => {
      for await (const e of watch) {
        const ext = e.key;
        if (e.operation !== 'PUT') this.remove(ext);
        else {
          try {
            const cfg = decodeMessage(v1.UserConfig, e.value, 'UserConfig');
            if (cfg.deleted) this.remove(ext);
            else this.put(ext, toUserRules(cfg));
          } catch (err) {
            this.logger.warn({ extension: ext, err }, 'undecodable UserConfig ignored');
          }
        }
        if (loaded) this.onChange(ext);
        else if ((e.delta ?? 0) === 0) {
          loaded = true;
          resolveReady();
        }
      }
    })();
    await ready;
  }

  /** Stores the compiled rules only (the decoded UserConfig is garbage after this). */
  put(extension: string, rules: UserRules): void {
    if (this.rules.has(extension)) this.replaced++;
    this.rules.set(extension, this.interner.intern(rules));
    this.compactInterner();
  }

  remove(extension: string): void {
    if (this.rules.delete(extension)) this.replaced++;
    this.compactInterner();
  }

  /**
   * Once as many configs were replaced as are live, the interner may hold mostly parts nobody
   * uses: rebuild it from the live rules (the first user holding a part becomes its new shared copy).
   */
  private compactInterner(): void {
    if (this.replaced <= Math.max(1024, this.rules.size)) return;
    this.replaced = 0;
    this.interner.clear();
    for (const [ext, r] of this.rules) this.rules.set(ext, this.interner.intern(r));
  }

  stop(): void {
    this.stopWatch?.();
  }
}
