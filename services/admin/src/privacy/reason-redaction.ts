// Router's reasons name the network a phone was on when no location knows it ("connected to unknown
// network "HomeWifi" (aa:bb:..)"): a user's home network, which the call history must not keep.
// Networks that a location lists (the administrator's own) stay: they explain the decision.
const UNKNOWN_NETWORK = /unknown network ".*?" \((?:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})?\)/g;

export function withoutUnknownNetworks(reason: string): string {
  return reason.replace(UNKNOWN_NETWORK, 'an unknown network');
}
