import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { natsFlagSpecs } from '../../main/commands/nats-flags.js';
import { EventBus } from '../../main/host/event-bus.js';
import { fileFromArgv, OpenRequests } from '../../main/host/open-request.js';

const cwd = path.resolve('/home/me/agents');
const packaged = { skip: 1, cwd, flags: natsFlagSpecs };

describe('fileFromArgv', () => {
  it('takes a topology file after the executable, resolved against the launch directory', () => {
    expect(fileFromArgv(['/opt/Switchboard/switchboard', 'support.switchboard'], packaged)).toBe(path.join(cwd, 'support.switchboard'));
    expect(fileFromArgv(['/opt/Switchboard/switchboard', '/tmp/a.yaml'], packaged)).toBe(path.resolve('/tmp/a.yaml'));
    for (const name of ['a.yml', 'a.JSON', 'run.ndjson', 'run.jsonl']) expect(fileFromArgv(['app', name], packaged)).toBe(path.join(cwd, name));
  });

  it('skips the app path of `electron .` (dev) but not a file in the same place when packaged', () => {
    expect(fileFromArgv(['electron', 'x.yaml'], { ...packaged, skip: 2 })).toBeNull();
    expect(fileFromArgv(['electron', '.', 'x.yaml'], { ...packaged, skip: 2 })).toBe(path.join(cwd, 'x.yaml'));
    expect(fileFromArgv(['app', 'x.yaml'], packaged)).toBe(path.join(cwd, 'x.yaml'));
  });

  it('ignores Chromium and Electron switches, macOS process serial numbers and the values of its own flags', () => {
    const argv = ['app', '--enable-logging', '--original-process-start-time=13380000000000000', '-psn_0_12345', '--nats', 'nats://h:4222/x.json', '--creds', 'user.json', 'flow.yaml', '--no-sandbox'];
    expect(fileFromArgv(argv, packaged)).toBe(path.join(cwd, 'flow.yaml'));
    // Without the flag specs, the values look like files: that is why the shell passes them.
    expect(fileFromArgv(['app', '--creds', 'user.json'], { skip: 1, cwd })).toBe(path.join(cwd, 'user.json'));
    expect(fileFromArgv(['app', '--creds', 'user.json'], packaged)).toBeNull();
  });

  it('takes the last file when several are given, and a file after --', () => {
    expect(fileFromArgv(['app', 'a.yaml', 'b.switchboard'], packaged)).toBe(path.join(cwd, 'b.switchboard'));
    expect(fileFromArgv(['app', '--', '--odd-name.yaml'], packaged)).toBe(path.join(cwd, '--odd-name.yaml'));
  });

  it('reads file:// URLs (desktop entries pass %U) and refuses other URLs', () => {
    const file = path.resolve('/tmp/with space/t.switchboard');
    expect(fileFromArgv(['app', pathToFileURL(file).href], packaged)).toBe(file);
    expect(fileFromArgv(['app', 'https://example.com/t.yaml'], packaged)).toBeNull();
  });

  it('returns null for no file, or for files the app does not open', () => {
    expect(fileFromArgv(['app'], packaged)).toBeNull();
    expect(fileFromArgv(['app', 'notes.txt', 'folder'], packaged)).toBeNull();
    expect(fileFromArgv([], packaged)).toBeNull();
  });
});

describe('OpenRequests', () => {
  it('tells the page at once and hands the file over exactly once', () => {
    const events = new EventBus();
    const seen: string[] = [];
    events.on('file.openRequested', ({ path: file }) => seen.push(file));
    const requests = new OpenRequests(events);
    expect(requests.take()).toBeNull();
    requests.request('/a.yaml');
    expect(seen).toEqual(['/a.yaml']);
    expect(requests.take()).toBe('/a.yaml');
    expect(requests.take()).toBeNull(); // a reload or a second tab does not reopen it
  });

  it('keeps a request made before any page listens, and only the latest of several', () => {
    const requests = new OpenRequests(new EventBus());
    requests.request('/first.yaml');
    requests.request('/second.yaml');
    expect(requests.take()).toBe('/second.yaml');
    expect(requests.take()).toBeNull();
  });
});
