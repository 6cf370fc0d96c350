// Every Redis key the router uses is built here. Per-user keys share the hash tag
// `{sa:<prefix>:<ext>}` so one user's keys live in one Redis Cluster slot (the commit script
// touches only the state key); per-partition keys share `{sa:<prefix>:p<n>}`.

export interface RouterKeys {
  readonly prefix: string;
  /** STRING "<rev>:<epoch>:<json>": devices, choice and decision of one user */
  userState(extension: string): string;
  /** LIST of the most recent call decisions (newest first), capped */
  callLog(extension: string): string;
  /** ZSET extension -> next instant the user must be re-evaluated without new events */
  due(partition: number): string;
  /** ZSET extension -> decision version committed but not yet confirmed written to AstDB */
  unpushed(partition: number): string;
  /** STRING owner id of a partition, with a TTL (the lease) */
  lease(partition: number): string;
  /** counter bumped by every new owner: the fencing token of its commits */
  epoch(partition: number): string;
  /** ZSET instance id -> last heartbeat (ms) */
  readonly instances: string;
  /** pattern matching every key above (tests and tooling clean up with it) */
  readonly all: string;
}

export function routerKeys(prefix: string): RouterKeys {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(prefix)) throw new Error(`bad Redis key prefix "${prefix}"`);
  const user = (ext: string) => `{sa:${prefix}:${ext}}`;
  const part = (p: number) => `{sa:${prefix}:p${p}}`;
  return {
    prefix,
    userState: (ext) => `${user(ext)}:st`,
    callLog: (ext) => `${user(ext)}:calls`,
    due: (p) => `${part(p)}:due`,
    unpushed: (p) => `${part(p)}:unpushed`,
    lease: (p) => `${part(p)}:lease`,
    epoch: (p) => `${part(p)}:epoch`,
    instances: `{sa:${prefix}}:instances`,
    all: `{sa:${prefix}:*`,
  };
}
