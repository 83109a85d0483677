// The contract's surface as a reviewed file: any change to a call, an event or a schema shows up
// as a diff of __snapshots__/contract-surface.json in review.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { calls, events } from '../../preload/contract.js';

const schema = (type: z.ZodType) => z.toJSONSchema(type, { unrepresentable: 'any', io: 'input' });

describe('the contract surface', () => {
  it('matches the reviewed snapshot', async () => {
    const surface = {
      calls: Object.fromEntries(
        Object.entries(calls).map(([name, c]) => [name, { summary: c.summary, input: schema(c.input), output: schema(c.output) }]),
      ),
      events: Object.fromEntries(Object.entries(events).map(([name, e]) => [name, { summary: e.summary, payload: schema(e.payload) }])),
    };
    await expect(JSON.stringify(surface, null, 2) + '\n').toMatchFileSnapshot('./__snapshots__/contract-surface.json');
  });

  it('names calls noun.verb and events noun.pastTense', () => {
    for (const name of Object.keys(calls)) expect(name).toMatch(/^[a-z]+\.[a-z][A-Za-z]*$/);
    for (const name of Object.keys(events)) expect(name).toMatch(/^[a-z]+\.[a-z][A-Za-z]*(ed|Appended|Changed)$/);
  });
});
