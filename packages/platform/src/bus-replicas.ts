// Replicas of the JetStream streams and KV buckets (NATS_REPLICAS). NATS stores a stream's messages
// on `num_replicas` servers of a cluster and lets a stream update change that number in place (2.9+:
// the new peers catch up from the leader while the stream keeps serving). So a stream or bucket
// found with fewer replicas than configured is raised; one with more is left alone.
import type { JetStreamManager } from '@nats-io/jetstream';
import { BusReplicasError } from './errors.js';
import type { Logger } from './logger.js';

export interface BusOptions {
  /** replicas of the stream or bucket (NATS_REPLICAS, default 1); an existing one with fewer is raised */
  readonly replicas?: number;
  /** where a raise, or one the bus user may not make, is reported */
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
  /** How long to wait for the owner to create it when this user may not (default CREATE_WAIT_MS). */
  readonly createWaitMs?: number;
}

export function isPermissionViolation(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause)
    if (e.name === 'PermissionViolationError' || /permissions violation/i.test(e.message)) return true;
  return false;
}

/** Replica counts the server refuses (more than it has JetStream peers, or no cluster at all). */
function isReplicasRefusal(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause)
    if (/replicas|insufficient resources|no suitable peers/i.test(e.message)) return true;
  return false;
}

/** Runs `open`, turning a refusal of the replica count into a BusReplicasError that names NATS_REPLICAS. */
export async function withReplicasError<T>(stream: string, options: BusOptions, open: () => Promise<T>) {
  try {
    return await open();
  } catch (err) {
    const replicas = options.replicas ?? 1;
    if (replicas > 1 && isReplicasRefusal(err)) throw new BusReplicasError(stream, replicas, { cause: err });
    throw err;
  }
}

/**
 * Raises `stream` to `options.replicas` when it has fewer. A bus user without the right to update
 * streams (deploy/nats/smartassistant-auth.conf grants it to nobody) leaves it as it is, with a
 * warning naming the command an operator runs instead.
 */
export async function raiseReplicas(
  jsm: JetStreamManager,
  stream: string,
  options: BusOptions,
): Promise<void> {
  const wanted = options.replicas ?? 1;
  if (wanted <= 1) return;
  const have = (await jsm.streams.info(stream)).config.num_replicas || 1;
  if (have >= wanted) return;
  try {
    await withReplicasError(stream, options, () => jsm.streams.update(stream, { num_replicas: wanted }));
    options.logger?.info({ stream, from: have, to: wanted }, `raised the replicas of ${stream} to ${wanted}`);
  } catch (err) {
    if (!isPermissionViolation(err)) throw err;
    options.logger?.warn(
      { stream, have, wanted, err },
      `this bus user may not raise the replicas of ${stream}: run \`nats stream edit ${stream} --replicas ${wanted}\``,
    );
  }
}
