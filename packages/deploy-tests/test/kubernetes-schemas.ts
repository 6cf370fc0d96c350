// Offline schema validation of Kubernetes objects: kubernetes-models ships validators compiled from the
// Kubernetes OpenAPI schemas (ajv), so no cluster and no network are needed.
import assert from 'node:assert/strict';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';

const validators: Record<string, (doc: object) => void> = {
  'apps/v1/Deployment': (d) => new Deployment(d as never).validate(),
  'apps/v1/StatefulSet': (d) => new StatefulSet(d as never).validate(),
  'policy/v1/PodDisruptionBudget': (d) => new PodDisruptionBudget(d as never).validate(),
  'v1/Service': (d) => new Service(d as never).validate(),
  'v1/ConfigMap': (d) => new ConfigMap(d as never).validate(),
  'v1/Secret': (d) => new Secret(d as never).validate(),
  'v1/Namespace': (d) => new Namespace(d as never).validate(),
};

/** Throws when `m` breaks its kind's schema, or is of a kind no validator is known for. */
export function validate(m: { apiVersion: string; kind: string; [field: string]: unknown }): void {
  const validator = validators[`${m.apiVersion}/${m.kind}`];
  assert.ok(validator, `no schema validator for ${m.apiVersion} ${m.kind}`);
  validator(m);
}
