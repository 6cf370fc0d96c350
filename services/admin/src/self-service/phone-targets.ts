// The targets the self-service page lists: the same destinations a phone of the user sees
// (PhoneRepo.targets), as plain values.
import type { PhoneRepo } from '../adapters/pg/phone-repo.js';
import type { TargetSource } from './self-service-deps.js';

export function phoneTargets(repo: Pick<PhoneRepo, 'targets'>): TargetSource {
  return {
    async targets(extension, permissions) {
      return (await repo.targets(extension, permissions)).map((t) => ({
        id: t.id,
        name: t.name,
        dial: t.dial,
        scope: t.generic ? ('generic' as const) : ('specific' as const),
      }));
    },
  };
}
