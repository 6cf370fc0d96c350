/** Resolves when `idle` does or after `ms`, whichever comes first (a bounded wait on stop). */
export function untilIdle(idle: Promise<unknown> | undefined, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([idle ?? Promise.resolve(), deadline]).finally(() => clearTimeout(timer));
}
