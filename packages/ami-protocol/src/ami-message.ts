// One AMI message (response, event or action): an ordered multimap of headers with
// case-insensitive lookup. The first occurrence of a repeated header wins for get().

export type AmiHeaders = readonly (readonly [string, string])[];

export class AmiMessage {
  readonly names: readonly string[];
  readonly values: readonly string[];
  /** Raw lines of a legacy `Response: Follows` command output (without `--END COMMAND--`). */
  readonly output: readonly string[] | undefined;
  #lower: string[] | undefined;

  constructor(names: readonly string[], values: readonly string[], output?: readonly string[]) {
    this.names = names;
    this.values = values;
    this.output = output;
  }

  static of(headers: AmiHeaders | Readonly<Record<string, string>>): AmiMessage {
    const entries = Array.isArray(headers) ? headers : Object.entries(headers);
    return new AmiMessage(
      entries.map(([n]) => n),
      entries.map(([, v]) => v),
    );
  }

  #lowerNames(): string[] {
    if (this.#lower === undefined) this.#lower = this.names.map((n) => n.toLowerCase());
    return this.#lower;
  }

  /** First value of a header, case-insensitive (the first occurrence wins). */
  get(name: string): string | undefined {
    const names = this.names;
    let lower: string | undefined;
    for (let i = 0; i < names.length; i++) {
      const n = names[i] as string;
      if (n === name) return this.values[i];
      if (n.length === name.length) {
        lower ??= name.toLowerCase();
        if (n.toLowerCase() === lower) return this.values[i];
      }
    }
    return undefined;
  }

  /** Every value of a repeated header (e.g. Variable, Output), in order. */
  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    const lowered = this.#lowerNames();
    const out: string[] = [];
    for (let i = 0; i < lowered.length; i++) if (lowered[i] === lower) out.push(this.values[i] as string);
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get event(): string | undefined {
    return this.get('Event');
  }

  get response(): string | undefined {
    return this.get('Response');
  }

  get actionId(): string | undefined {
    return this.get('ActionID');
  }

  headers(): [string, string][] {
    return this.names.map((n, i) => [n, this.values[i] as string]);
  }

  /** Header map with first-wins semantics, keyed by the spelling Asterisk used. */
  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this.names.length; i++) {
      const n = this.names[i] as string;
      if (!(n in out)) out[n] = this.values[i] as string;
    }
    return out;
  }
}
