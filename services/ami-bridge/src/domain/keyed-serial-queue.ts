// Runs tasks one after another per key (a user's commands keep their order) and concurrently across
// keys. An empty key means "no ordering". Finished chains are forgotten, so memory follows load.
export class KeyedSerialQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (key === '') return task();
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const next = prev.then(task, task);
    const tail = next.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }

  get activeKeys(): number {
    return this.#tails.size;
  }
}
