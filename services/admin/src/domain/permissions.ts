// Licence tier -> what a device may do. free: generic destinations; standard: also specific ones;
// premium: may also create targets from the app, only if the administrator allowed it.

export type Tier = 'free' | 'standard' | 'premium';
export const TIERS: readonly Tier[] = ['free', 'standard', 'premium'];

export interface DevicePermissions {
  readonly genericDestinations: boolean;
  readonly specificDestinations: boolean;
  readonly createTargets: boolean;
}

export interface LicenceState {
  readonly tier: Tier;
  readonly expiresAtMs: number;
}

/** A missing or expired licence counts as free. */
export function effectiveTier(licence: LicenceState | null, nowMs: number): Tier {
  if (!licence || licence.expiresAtMs < nowMs) return 'free';
  return licence.tier;
}

export function permissionsFor(tier: Tier, allowCreateTargets: boolean): DevicePermissions {
  return {
    genericDestinations: true,
    specificDestinations: tier === 'standard' || tier === 'premium',
    createTargets: tier === 'premium' && allowCreateTargets,
  };
}
