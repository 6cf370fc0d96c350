// Container images for test servers, pinned in one place (used only when no local server runs).
export const TEST_IMAGES = {
  nats: 'nats:2.10.22-alpine',
  redis: 'redis:7.2.5-alpine',
  postgres: 'postgres:16.4-alpine',
} as const;
