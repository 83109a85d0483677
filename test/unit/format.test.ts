// Display formatting of uptime, sizes and counts.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatUptime } from '../../renderer/src/lib/format.js';

describe('formatUptime', () => {
  it.each([
    [0, '0s'],
    [12_400, '12s'],
    [249_000, '4m 09s'],
    [7_500_000, '2h 05m'],
    [273_600_000, '3d 4h'],
    [-5, '0s'],
  ])('%d ms is %s', (ms, text) => expect(formatUptime(ms)).toBe(text));
});

describe('formatBytes', () => {
  it.each([
    [512, '512 B'],
    [1536, '1.5 KiB'],
    [12 * 1024 * 1024, '12.0 MiB'],
  ])('%d is %s', (n, text) => expect(formatBytes(n)).toBe(text));
});

describe('formatCount', () => {
  it.each([
    [999, '999'],
    [1234, '1.23k'],
    [12_345, '12.3k'],
    [4_560_000, '4.56M'],
  ])('%d is %s', (n, text) => expect(formatCount(n)).toBe(text));
});
