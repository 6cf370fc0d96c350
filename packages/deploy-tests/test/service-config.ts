// What each service's own configuration code accepts: its env schema and loader, from its build
// (services/<name>/dist/config.js, the file `npm start` checks settings with). A deployment's variables
// are checked against the code that reads them, never against a copy of their names.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, type ServiceName } from './helpers.js';

/** Variables a deployment may set for a service besides its schema's: Node.js's own. */
export const runtimeVariables: readonly string[] = ['NODE_OPTIONS'];

const exportsOf: Record<ServiceName, { schema: string; load: string }> = {
  ingest: { schema: 'ingestEnvSchema', load: 'loadIngestConfig' },
  router: { schema: 'routerEnv', load: 'loadRouterConfig' },
  admin: { schema: 'adminEnvSchema', load: 'loadAdminConfig' },
  'ami-bridge': { schema: 'amiBridgeEnv', load: 'loadAmiBridgeConfig' },
};

export interface ServiceConfig {
  /** every variable the service's schema reads (its own and the shared ones it spreads in) */
  readonly names: readonly string[];
  /** the service's loader: the frozen config, or a thrown ConfigError naming each wrong variable */
  load(env: Record<string, string | undefined>): Record<string, unknown>;
}

export async function serviceConfig(service: ServiceName): Promise<ServiceConfig> {
  const file = join(repoRoot, 'services', service, 'dist', 'config.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build first (npx turbo run build)`);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const { schema, load } = exportsOf[service];
  const shape = (module[schema] as { shape?: Record<string, unknown> } | undefined)?.shape;
  if (!shape) throw new Error(`services/${service}/src/config.ts no longer exports ${schema}`);
  return {
    names: Object.keys(shape).sort(),
    load: module[load] as ServiceConfig['load'],
  };
}
