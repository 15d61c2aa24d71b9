import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootDir } from '../database/paths.ts';

// The layer check (.dependency-cruiser.cjs) is the source of the layers; the
// architecture page draws them. These keep the two equal and every folder of
// server/ in a layer.

const require = createRequire(import.meta.url);
const config = require(path.join(rootDir, '.dependency-cruiser.cjs')) as { forbidden: { name: string; from: { pathNot?: string[] } }[] };
const domainOrder = config.forbidden.filter((rule) => rule.name.startsWith('domain-order-')).map((rule) => rule.name.slice('domain-order-'.length));

describe('the layers', () => {
  it('draws the domains in docs/architecture.md in the order the layer check enforces', () => {
    const page = readFileSync(path.join(rootDir, 'docs/architecture.md'), 'utf8');
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
    const drawn = [...diagram.matchAll(/d\d+\["([a-z-]+)"\]/g)].map((match) => match[1]);
    // The highest domain has no rule of its own (nothing is above it); every other one has.
    expect(drawn.slice(1)).toEqual(domainOrder);
    expect(drawn).toHaveLength(domainOrder.length + 1);
  });

  it('puts every folder of server/ in a layer of the check', () => {
    const layered = config.forbidden.find((rule) => rule.name === 'every-server-module-in-a-layer');
    const folders = readdirSync(path.join(rootDir, 'server'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules')
      .map((entry) => entry.name);
    const allowed = new RegExp(layered?.from.pathNot?.[0] ?? 'no rule');
    for (const folder of folders) expect(`server/${folder}/x.ts`, folder).toMatch(allowed);
  });
});
