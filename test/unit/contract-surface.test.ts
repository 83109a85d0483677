// The contract's surface as a reviewed file: any change to a call, an event or a schema shows up
// as a diff of __snapshots__/contract-surface.json in review.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { calls, events } from '../../preload/contract.js';

const schema = (type: z.ZodType) => z.toJSONSchema(type, { unrepresentable: 'any', io: 'input' });

/**
 * What a caller may pass, judged by what the schema accepts: JSON Schema has no word for "nothing"
 * (z.undefined() and an optional object both print as an object or as `{}`), so it is said here.
 */
const inputKind = (input: z.ZodType): 'none' | 'optional' | 'required' => {
  if (!input.safeParse(undefined).success) return 'required';
  return input.safeParse({}).success ? 'optional' : 'none';
};

// First words of a call's verb part: imperatives. A new call with a new verb adds it here, in review.
const VERBS = new Set(['get', 'list', 'start', 'stop', 'restart', 'send', 'open', 'save', 'autosave', 'discard', 'export', 'import', 'query', 'count', 'set', 'pause', 'resume', 'delete', 'check', 'republish', 'cancel', 'compare', 'continue', 'replay', 'take']);
// Past participles that do not end in -ed.
const IRREGULAR_PAST = new Set(['sent', 'begun', 'done', 'run', 'written', 'lost', 'found', 'made', 'built', 'read', 'left', 'held', 'shut', 'chosen', 'broken']);

/** `noun.verb`: a lower-case noun, then a lower-camel verb phrase starting with an imperative. */
const isCallName = (name: string) => {
  const match = /^[a-z]+\.([a-z]+)(?:[A-Z][a-zA-Z]*)?$/.exec(name);
  return !!match && VERBS.has(match[1]!);
};

/** `noun.pastTense`: a lower-case noun, then a lower-camel phrase whose last word is a past participle. */
const isEventName = (name: string) => {
  if (!/^[a-z]+\.[a-z][a-zA-Z]*$/.test(name)) return false;
  const last = name.split('.')[1]!.split(/(?=[A-Z])/).at(-1)!.toLowerCase();
  return last.endsWith('ed') || IRREGULAR_PAST.has(last);
};

describe('the contract surface', () => {
  it('matches the reviewed snapshot', async () => {
    const surface = {
      calls: Object.fromEntries(
        Object.entries(calls).map(([name, c]) => {
          const kind = inputKind(c.input);
          const input = kind === 'none' ? {} : { input: schema(c.input) };
          return [name, { summary: c.summary, inputKind: kind, ...input, output: schema(c.output) }];
        }),
      ),
      events: Object.fromEntries(Object.entries(events).map(([name, e]) => [name, { summary: e.summary, payload: schema(e.payload) }])),
    };
    await expect(JSON.stringify(surface, null, 2) + '\n').toMatchFileSnapshot('./__snapshots__/contract-surface.json');
  });

  it('tells no input, optional input and required input apart', () => {
    expect(inputKind(z.undefined())).toBe('none');
    expect(inputKind(z.object({ a: z.string().optional() }).strict().optional())).toBe('optional');
    expect(inputKind(z.object({ a: z.string() }).strict())).toBe('required');
    expect(inputKind(calls['server.getStatus'].input)).toBe('none');
    expect(inputKind(calls['server.getLogs'].input)).toBe('optional');
    expect(inputKind(calls['file.open'].input)).toBe('required');
  });

  it('names every call noun.verb', () => {
    expect(Object.keys(calls).filter((name) => !isCallName(name))).toEqual([]);
  });

  it('names every event noun.pastTense', () => {
    expect(Object.keys(events).filter((name) => !isEventName(name))).toEqual([]);
  });

  it('refuses the names the rules are there to catch', () => {
    for (const bad of ['ooda.paused', 'server.status', 'trace.runs', 'host.info', 'file.Open', 'file', 'file.open.now', 'fileOpen.get'])
      expect(isCallName(bad), bad).toBe(false);
    for (const good of ['ooda.listPaused', 'ooda.setBreakpoints', 'file.open', 'trace.count']) expect(isCallName(good), good).toBe(true);
    for (const bad of ['trace.append', 'run.status', 'server.changeStatus', 'ooda.pausing', 'Run.started', 'run.started.now'])
      expect(isEventName(bad), bad).toBe(false);
    for (const good of ['trace.appended', 'run.statusChanged', 'message.sent', 'stream.begun']) expect(isEventName(good), good).toBe(true);
  });
});
