// The Node.js version is stated once, in package.json "engines"; the README names it, the Dockerfile
// builds and runs on that major, the Node typings match it, npm test checks it (ensure-test-deps), and no
// locked dependency asks for a newer Node (npm ci would warn EBADENGINE).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readDeploy, repoRoot } from './helpers.js';

interface Semver {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string; major: number; minor: number } | null;
}
// semver is not a dependency of this package: take fastify's own (a dependency of @sa/platform).
const fromPlatform = createRequire(join(repoRoot, 'packages', 'platform', 'package.json'));
const semver = createRequire(fromPlatform.resolve('fastify/package.json'))('semver') as Semver;

const rootPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const engines = rootPackage.engines.node;
const minimum = semver.minVersion(engines);

describe('Node.js version, stated in package.json engines', () => {
  it('given engines, when read, then it is a lower bound this Node satisfies', () => {
    assert.ok(minimum, `engines.node ${engines} has no minimum`);
    assert.ok(semver.satisfies(process.versions.node, engines), `${process.versions.node} vs ${engines}`);
  });

  it('given the README, when read, then it names the engines version once and no other Node version', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const named = [...readme.matchAll(/Node(?:\.js)? v?(\d+(?:\.\d+)*)/g)].map((m) => m[1]);
    assert.deepEqual(named, [`${minimum?.major}.${minimum?.minor}`], 'Node versions the README names');
  });

  it('given deploy/Dockerfile, when read, then every stage builds on the engines major', () => {
    const images = [...readDeploy('Dockerfile').matchAll(/^FROM node:(\S+)/gm)].map((m) => m[1] ?? '');
    assert.ok(images.length > 0);
    for (const tag of images) assert.match(tag, new RegExp(`^${minimum?.major}(\\.|-|$)`), `node:${tag}`);
  });

  it('given @types/node, when read, then the typings are those of the engines major', () => {
    const types = semver.minVersion(rootPackage.devDependencies['@types/node'] ?? '');
    assert.equal(types?.major, minimum?.major);
  });

  it('given package-lock.json, when every locked package is checked, then each accepts the engines minimum (npm ci warns of none)', () => {
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
    };
    const refusing = Object.entries(lock.packages)
      .map(([path, p]) => [path, p.version, Array.isArray(p.engines) ? undefined : p.engines?.node] as const)
      .filter(([, , node]) => node && !semver.satisfies(minimum?.version ?? '', node))
      .map(([path, version, node]) => `${path}@${version} wants node ${node}`);
    assert.deepEqual(refusing, [], `packages that refuse node ${minimum?.version}`);
  });
});
