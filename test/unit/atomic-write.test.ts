// Atomic writes: old or new text, never a temporary left for good (the next start sweeps what a
// crashed process left, and only that).
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicFiles } from '../../main/host/atomic-write.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let dir: string;
let intents: string;
beforeEach(async () => {
  dir = await makeTempDir('atomic');
  intents = path.join(dir, 'data', 'pending-writes');
});
afterEach(() => removeTempDir(dir));

/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

describe('AtomicFiles', () => {
  it('replaces a file and leaves neither a temporary nor an intent behind', async () => {
    const atomic = new AtomicFiles(intents);
    const file = path.join(dir, 'a.yaml');
    await atomic.write(file, 'one');
    await atomic.write(file, 'two');
    expect(await readFile(file, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['a.yaml', 'data']);
    expect(await readdir(intents)).toEqual([]);
  });

  it('sweeps the temporary of a process that died mid-write, and keeps a live one', async () => {
    const file = path.join(dir, 'a.yaml');
    await writeFile(file, 'old');
    await mkdir(intents, { recursive: true });
    const dead = deadPid();
    const leftover = `${file}.${dead}-0badf00d.tmp`;
    await writeFile(leftover, 'half a ne');
    await writeFile(path.join(intents, `${dead}-0badf00d.json`), JSON.stringify({ temporary: leftover }));
    const inProgress = `${file}.${process.pid}-00c0ffee.tmp`;
    await writeFile(inProgress, 'being written');
    await writeFile(path.join(intents, `${process.pid}-00c0ffee.json`), JSON.stringify({ temporary: inProgress }));
    await writeFile(path.join(intents, `${dead}-0000beef.json`), '{"tempor'); // torn: its write never began

    expect(await new AtomicFiles(intents).sweep()).toEqual([leftover]);
    expect((await readdir(dir)).sort()).toEqual(['a.yaml', path.basename(inProgress), 'data']);
    expect(await readdir(intents)).toEqual([`${process.pid}-00c0ffee.json`]);
    expect(await readFile(file, 'utf8')).toBe('old');
  }, 30_000); // spawns a node process (deadPid): 5 s is too little on a loaded machine
});
