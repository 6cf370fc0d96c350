// Import rules checked by `npm test` (dependency-cruiser): no cycles between source files, and the
// layers point one way (a service's pure domain and routing core never import its adapters).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a cycle makes two modules one: split out what both need (types, a port) instead',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-not-adapters',
      severity: 'error',
      comment:
        "domain/ and router's routing/ are the pure core: adapters implement their ports, never the reverse",
      from: { path: '^services/[^/]+/src/(domain|routing)/' },
      to: { path: '^services/[^/]+/src/adapters/' },
    },
    {
      name: 'no-service-imports-another-service',
      severity: 'error',
      comment: 'services meet on the bus (proto/), not through each other’s source',
      from: { path: '^services/([^/]+)/src/' },
      to: { path: '^services/([^/]+)/src/', pathNot: '^services/$1/src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|gen|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
  },
};
