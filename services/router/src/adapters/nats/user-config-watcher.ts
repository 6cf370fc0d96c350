// Mirrors admin's users KV bucket (key = extension, value = UserConfig) into memory, and reports
// every change after the initial snapshot so the owner of that user re-evaluates it.
import type { KV } from '@nats-io/kv';
import type { Logger } from '@sa/platform';
import { decodeMessage, v1 } from '@sa/proto';
import type { UserRules } from '../../domain/types.js';
import type { RulesSource } from '../../routing/ports.js';
import { toUserRules } from './proto-mapping.js';

export class KvUserConfigWatcher implements RulesSource {
  private readonly rules = new Map<string, UserRules>();
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
        if (e.operation !== 'PUT') this.rules.delete(ext);
        else {
          try {
            const cfg = decodeMessage(v1.UserConfig, e.value, 'UserConfig');
            if (cfg.deleted) this.rules.delete(ext);
            else this.rules.set(ext, toUserRules(cfg));
          } catch (err) {
            this.logger.warn({ extension: ext, err: String(err) }, 'undecodable UserConfig ignored');
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

  stop(): void {
    this.stopWatch?.();
  }
}
