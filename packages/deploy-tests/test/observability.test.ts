// The Grafana dashboard and docs/operations.md against the metrics the services really define:
// a renamed or new metric fails here until the dashboard and the docs follow.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createMetricsRegistry } from '@sa/platform';
import { deployDir, repoRoot, serviceNames } from './helpers.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'test-support' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Metric names the services register (`name: 'sa_...'` in their sources). */
function serviceMetrics(): Set<string> {
  const names = new Set<string>();
  for (const service of serviceNames) {
    for (const file of sourceFiles(join(repoRoot, 'services', service, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/name:\s*['"`](sa_[a-z0-9_]+)['"`]/g))
        names.add(m[1] as string);
    }
  }
  return names;
}

interface Panel {
  type: string;
  title: string;
  id: number;
  targets?: Array<{ expr: string }>;
}

describe('deploy/grafana and docs/operations.md', () => {
  const dashboard = JSON.parse(
    readFileSync(join(deployDir, 'grafana', 'smartassistant-dashboard.json'), 'utf8'),
  ) as {
    panels: Panel[];
    uid: string;
    __inputs: Array<{ name: string }>;
  };
  const defined = serviceMetrics();

  it('given the services sources, when their metrics are listed, then each one is explained in docs/operations.md', () => {
    assert.ok(defined.size >= 5, `found only ${[...defined].join(', ')}`);
    const docs = readFileSync(join(repoRoot, 'docs', 'operations.md'), 'utf8');
    assert.deepEqual(
      [...defined].filter((name) => !docs.includes(`\`${name}`)),
      [],
      'metrics missing from docs/operations.md',
    );
  });

  it('given the dashboard, when its queries are read, then every metric exists in a service or in the platform registry', async () => {
    const platform = createMetricsRegistry('dashboard-check');
    const platformNames = new Set((await platform.getMetricsAsJSON()).map((m) => m.name));
    platform.clear();
    const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    assert.ok(queries.length >= 10);
    const unknown = queries
      .flatMap((q) => [...q.matchAll(/\bsa_[a-z0-9_]+/g)].map((m) => m[0]))
      .map((name) => name.replace(/_(bucket|sum|count)$/, ''))
      .filter((name) => !defined.has(name) && !platformNames.has(name));
    assert.deepEqual(unknown, [], 'dashboard queries name metrics nobody exports');
  });

  it('given the dashboard, when checked for import, then panel ids are unique and the data source is an input', () => {
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(dashboard.uid, 'smartassistant');
    assert.deepEqual(
      dashboard.__inputs.map((i) => i.name),
      ['DS_PROMETHEUS'],
    );
  });
});
