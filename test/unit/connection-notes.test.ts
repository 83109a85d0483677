// switchboard run's lines about its agents' connections: one per lost server and one when the last
// of its connections is back, however many agents were on it; silent for a stop's closes.
import { describe, expect, it } from 'vitest';
import { ConnectionNotes } from '../../main/commands/connection-notes.js';

function notes() {
  const lines: string[] = [];
  let now = 1000;
  const n = new ConnectionNotes((line) => lines.push(line), () => now);
  return { n, lines, at: (ms: number) => (now = ms) };
}

describe('ConnectionNotes', () => {
  it('says a loss once for all the agents on the server, and the reconnect once the last is back', () => {
    const { n, lines, at } = notes();
    const [a, b, c] = [{}, {}, {}];
    n.note(a, { type: 'disconnect', server: '127.0.0.1:4223' });
    n.note(b, { type: 'disconnect', server: '127.0.0.1:4223' });
    n.note(a, { type: 'disconnect', server: '127.0.0.1:4223' }); // a failed attempt: still the same loss
    expect(lines).toEqual(['nats: lost nats://127.0.0.1:4223; its connections reconnect to the other servers…']);
    at(1200);
    n.note(a, { type: 'reconnect', server: '127.0.0.1:4224' });
    expect(lines).toHaveLength(1);
    at(1312);
    n.note(b, { type: 'reconnect', server: '127.0.0.1:4224' });
    n.note(c, { type: 'reconnect', server: '127.0.0.1:4225' }); // never lost: nothing to say
    expect(lines[1]).toBe('nats: lost nats://127.0.0.1:4223; reconnected to nats://127.0.0.1:4224 after 312 ms (2 connections)');
    expect(lines).toHaveLength(2);
    // A second loss of the same server is a new line.
    n.note(a, { type: 'disconnect', server: 'nats://127.0.0.1:4224' });
    n.note(a, { type: 'reconnect', server: '127.0.0.1:4225' });
    expect(lines.slice(2)).toEqual(['nats: lost nats://127.0.0.1:4224; its connections reconnect to the other servers…', 'nats: lost nats://127.0.0.1:4224; reconnected to nats://127.0.0.1:4225 after 0 ms (1 connection)']);
  });

  it('says nothing more when the connections still down are closed (the run stops)', () => {
    const { n, lines } = notes();
    const [a, b] = [{}, {}];
    n.note(a, { type: 'disconnect', server: '127.0.0.1:4223' });
    n.note(b, { type: 'disconnect', server: '127.0.0.1:4223' });
    n.note(a, { type: 'close' });
    n.note(b, { type: 'close' });
    expect(lines).toEqual(['nats: lost nats://127.0.0.1:4223; its connections reconnect to the other servers…']);
  });
});
