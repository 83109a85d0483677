// The pure parts of the File and Export UI: names and titles, template pictures, export previews.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../agents/topology/load';
import type { Topology } from '../../agents/topology/schema';
import { exportBaseName, FORMATS, localPreview, suggestedFolder } from '../../renderer/src/export/export-formats';
import { BLANK_TOPOLOGY, baseName, documentName, suggestedFileName, windowTitle } from '../../renderer/src/files/document-name';
import { graphPicture, PICTURE_NODE } from '../../renderer/src/files/graph-picture';
import { recoveryKeyFor } from '../../renderer/src/files/recovery-key';

const template = (name: string) => loadTopology(readFileSync(`templates/${name}.yaml`, 'utf8'), `${name}.yaml`).topology as Topology;

describe('document names and titles', () => {
  it('names a document by its file, else by its topology, else Untitled', () => {
    expect(baseName('/home/me/agents/support.yaml')).toBe('support.yaml');
    expect(baseName('C:\\agents\\support.yaml')).toBe('support.yaml');
    const topology = template('coordinator');
    expect(documentName('/x/support.yaml', topology)).toBe('support.yaml');
    expect(documentName(null, topology)).toBe('coordinator (untitled)');
    expect(documentName(null, null)).toBe('Untitled');
  });

  it('marks unsaved changes in the window title', () => {
    expect(windowTitle(null, false)).toBe('Switchboard');
    expect(windowTitle('support.yaml', false)).toBe('support.yaml — Switchboard');
    expect(windowTitle('support.yaml', true)).toBe('● support.yaml — Switchboard');
  });

  it('suggests a file name from the topology name', () => {
    expect(suggestedFileName(template('seed-000-trio'))).toBe('seed-000-trio.yaml');
    expect(suggestedFileName({ ...template('swarm'), metadata: { name: 'My Swarm!', description: '' } })).toBe('my-swarm.yaml');
    expect(suggestedFileName(null)).toBe('topology.yaml');
  });

  it('starts Blank from a topology that loads without problems', () => {
    const loaded = loadTopology(BLANK_TOPOLOGY, 'untitled.yaml');
    expect(loaded.topology?.spec.agents).toEqual([]);
    expect(loaded.problems).toEqual([]);
  });
});

describe('template pictures', () => {
  it('draws every node of a template where its layout puts it, and its channels', () => {
    const picture = graphPicture(template('coordinator'));
    expect(picture.nodes.map((n) => [n.name, n.kind])).toEqual([
      ['coordinator', 'agent'],
      ['product_agent', 'agent'],
      ['order_agent', 'agent'],
      ['search_catalog', 'tool'],
      ['get_order_status', 'tool'],
    ]);
    expect(picture.nodes[0]).toMatchObject({ x: 80, y: 180 });
    expect(picture.edges.filter((e) => e.kind === 'request').map((e) => `${e.from}>${e.to}`)).toEqual(['coordinator>product_agent', 'coordinator>order_agent']);
    // The agents' tool grants are drawn as "uses" lines.
    expect(picture.edges.filter((e) => e.kind === 'uses').map((e) => e.to).sort()).toEqual(['get_order_status', 'search_catalog']);
    // The view box holds every node.
    const { viewBox: v } = picture;
    for (const n of picture.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(v.x);
      expect(n.y + PICTURE_NODE.height).toBeLessThanOrEqual(v.y + v.height);
    }
  });

  it('places nodes without a position on a grid, and an empty topology still has a view box', () => {
    const topology = template('swarm');
    const picture = graphPicture({ ...topology, layout: { nodes: {} } });
    expect(new Set(picture.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(picture.nodes.length);
    const empty = graphPicture(loadTopology(BLANK_TOPOLOGY).topology!);
    expect(empty.nodes).toEqual([]);
    expect(empty.viewBox.width).toBeGreaterThan(0);
  });
});

describe('export previews', () => {
  it('lists every export format, the keyed ones previewed by the host', () => {
    expect(FORMATS.map((f) => f.format).sort()).toEqual(['compose', 'json', 'mermaid', 'nats-conf', 'yaml']);
    expect(FORMATS.filter((f) => f.viaHost).map((f) => f.format)).toEqual(['nats-conf', 'compose']);
  });

  it('previews yaml, json and mermaid in the renderer, named after the file', () => {
    const topology = template('coordinator');
    expect(localPreview(topology, 'yaml', 'support')).toEqual([{ name: 'support.yaml', content: expect.stringContaining('name: coordinator'), secret: false }]);
    expect(JSON.parse(localPreview(topology, 'json', 'support')[0]!.content!).spec.agents).toHaveLength(3);
    expect(localPreview(topology, 'mermaid', 'support')[0]!.content).toContain('product_agent');
    // Keys are the host's to make: the renderer cannot preview nats-conf.
    expect(() => localPreview(topology, 'nats-conf', 'support')).toThrow(/createUser/);
  });

  it('derives base names and folders the way the host does', () => {
    expect(exportBaseName('/x/support.yaml')).toBe('support');
    expect(exportBaseName('support.JSON')).toBe('support');
    expect(suggestedFolder('/x/y/support.yaml', 'support.yaml', 'nats-conf')).toBe('/x/y/support-nats-conf');
    expect(suggestedFolder(null, 'coordinator.yaml', 'compose')).toBe('coordinator-compose');
  });
});

describe('recovery keys', () => {
  it('keeps short keys and gives long paths that differ only at the end different keys', () => {
    expect(recoveryKeyFor('/home/me/support.yaml')).toBe('/home/me/support.yaml');
    const deep = `/home/me/${'very-long-folder-name/'.repeat(8)}`;
    const a = recoveryKeyFor(`${deep}a.yaml`);
    const b = recoveryKeyFor(`${deep}b.yaml`);
    expect(a).not.toBe(b);
    for (const key of [a, b]) expect(key.length).toBeLessThanOrEqual(100);
    // Stable: the next session finds the same copy.
    expect(recoveryKeyFor(`${deep}a.yaml`)).toBe(a);
    // The host names the copy after the first 120 characters of the key: still distinct.
    expect(a.slice(0, 120)).not.toBe(b.slice(0, 120));
  });
});
