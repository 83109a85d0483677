import { describe, expect, it } from 'vitest';
import { luhnValid, stripPii, type PiiRules } from '../../agents/interop/gateway/pii.js';

const all: PiiRules = { emails: true, phones: true, cards: true, fields: [] };
const text = (input: string, rules: PiiRules = all) => stripPii(input, rules, 'text');

describe('protocol gateway: PII stripping', () => {
  it('removes e-mail addresses, also inside URLs and URL-encoded, and says how many', () => {
    const r = text('Write to alice.smith+news@example.co.uk or see https://crm.example.com/u?email=bob%40example.org&x=1 and mailto:carol@mail.example.com.');
    expect(r.value).toBe('Write to [email removed] or see https://crm.example.com/u?email=[email removed]&x=1 and mailto:[email removed].');
    expect(r.stripped).toEqual([{ kind: 'email', path: 'text', count: 3 }]);
  });

  it('leaves things that only look like addresses: a handle, a decorator, a domain', () => {
    const input = 'ping @alice, use @Component, visit example.com, version 1.2.3@beta';
    expect(text(input).value).toBe(input);
  });

  it('removes phone numbers in international and national formats', () => {
    const numbers = ['+44 20 7946 0958', '+1 (555) 123-4567', '(555) 123-4567', '555-123-4567', '555.123.4567', '+49 30 1234567', '+33 1 23 45 67 89', '0044 20 7946 0958', '020 7946 0958', '030-1234567', '+81-3-1234-5678'];
    for (const n of numbers) {
      const r = text(`call ${n} today`);
      expect(r.value, n).toBe('call [phone removed] today');
      expect(r.stripped, n).toEqual([{ kind: 'phone', path: 'text', count: 1 }]);
    }
  });

  it('keeps dates, times, versions, prices, IP addresses and order numbers', () => {
    const input = 'On 2024-01-15 at 10:30 (15.01.2024, 01.02.2024) v1.2.3 cost 1,234.56 from 192.168.100.200, order ORD-2024-0012345678, ticket #123456, id 12345678, year 2026';
    const r = text(input);
    expect(r.value).toBe(input);
    expect(r.stripped).toEqual([]);
  });

  it('removes Luhn-valid card numbers (plain, spaced, dashed) and keeps 16-digit numbers that fail Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    const r = text('visa 4111 1111 1111 1111, mc 5500-0000-0000-0004, amex 378282246310005, order 4111111111111112, ref 0123 4567 8901 2345');
    expect(r.value).toBe('visa [card removed], mc [card removed], amex [card removed], order 4111111111111112, ref 0123 4567 8901 2345');
    expect(r.stripped).toEqual([{ kind: 'card', path: 'text', count: 3 }]);
  });

  it('walks JSON at any depth, nested arrays included, and reports each path', () => {
    const data = { customer: { name: 'Ann', contacts: [['ann@example.com', { phone: '+1 555 123 4567' }]] }, items: [{ sku: 'A-1', qty: 2 }], card: '4111111111111111' };
    const r = stripPii(data, all, 'data');
    expect(r.value).toEqual({ customer: { name: 'Ann', contacts: [['[email removed]', { phone: '[phone removed]' }]] }, items: [{ sku: 'A-1', qty: 2 }], card: '[card removed]' });
    expect(r.stripped).toEqual([
      { kind: 'email', path: 'data.customer.contacts[0][0]', count: 1 },
      { kind: 'phone', path: 'data.customer.contacts[0][1].phone', count: 1 },
      { kind: 'card', path: 'data.card', count: 1 },
    ]);
    expect(data.customer.contacts[0]![0]).toBe('ann@example.com'); // the input is not changed
  });

  it('removes named fields whole, case-insensitively, wherever they are; also in text that is JSON', () => {
    const rules = { ...all, fields: ['ssn', 'dateOfBirth'] };
    const r = stripPii({ people: [{ SSN: '078-05-1120', dateofbirth: { y: 1980 } }, { ssn: null }], note: 'ok', "odd key": { ssn: 1 } }, rules, 'data');
    expect(r.value).toEqual({ people: [{ SSN: '[removed]', dateofbirth: '[removed]' }, { ssn: '[removed]' }], note: 'ok', 'odd key': { ssn: '[removed]' } });
    expect(r.stripped.map((s) => s.path)).toEqual(['data.people[0].SSN', 'data.people[0].dateofbirth', 'data.people[1].ssn', 'data["odd key"].ssn']);
    const t = stripPii('{"ssn":"078-05-1120","mail":"x@example.com"}', rules, 'text');
    expect(JSON.parse(t.value)).toEqual({ ssn: '[removed]', mail: '[email removed]' });
  });

  it('applies only the rules that are on', () => {
    const input = 'a@example.com +44 20 7946 0958 4111111111111111';
    expect(text(input, { emails: false, phones: false, cards: false, fields: [] }).value).toBe(input);
    expect(text(input, { emails: true, phones: false, cards: false, fields: [] }).value).toBe('[email removed] +44 20 7946 0958 4111111111111111');
  });

  it('sums per kind at the root once there are more than MAX_STRIPPED_ENTRIES paths', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ email: `u${i}@example.com`, ssn: 'x' }));
    const r = stripPii(many, { ...all, fields: ['ssn'] }, 'data');
    expect(r.stripped).toEqual([
      { kind: 'email', path: 'data', count: 150 },
      { kind: 'field', path: 'data', count: 150 },
    ]);
    expect(r.value[149]).toEqual({ email: '[email removed]', ssn: '[removed]' });
  });

  it('removes addresses with non-ASCII letters or an apostrophe whole (nothing of them is left)', () => {
    for (const address of ['josé@example.com', 'alice@bücher.de', "o'brien@example.com", 'Zoë.Ünal@mail.example.org']) {
      expect(text(`to ${address}.`).value, address).toBe('to [email removed].');
    }
    expect(text("'alice@example.com'").value).toBe("'[email removed]'");
  });

  it('removes a NANP number written with its leading 1', () => {
    for (const n of ['1-800-555-1234', '1 (555) 123-4567', '1.555.123.4567']) expect(text(`call ${n} now`).value, n).toBe('call [phone removed] now');
  });

  it('keeps millisecond timestamps and a date followed by a time (they are neither cards nor phones)', () => {
    const input = 'at 1733500000000 (1733500000001, 1733500000002, 1733500000003, 1733500000004, 1733500000005, 1733500000006, 1733500000007, 1733500000008, 1733500000009); meeting 01-02-2024 10:30';
    const r = text(input);
    expect(r.value).toBe(input);
    expect(r.stripped).toEqual([]);
  });

  it('removes a card number given as a JSON number', () => {
    const r = stripPii({ card: 4111111111111111, qty: 3, ts: 1733500000000 }, all, 'data');
    expect(r.value).toEqual({ card: '[card removed]', qty: 3, ts: 1733500000000 });
    expect(r.stripped).toEqual([{ kind: 'card', path: 'data.card', count: 1 }]);
  });

  it('strips keys too (a map keyed by address or phone), and reports paths with the cleaned key', () => {
    const r = stripPii({ scores: { 'ann@example.com': 3, '+44 20 7946 0958': { note: 'ok' }, plain: 1 } }, all, 'data');
    expect(r.value).toEqual({ scores: { '[email removed]': 3, '[phone removed]': { note: 'ok' }, plain: 1 } });
    expect(r.stripped).toEqual([
      { kind: 'email', path: 'data.scores["[email removed]"]', count: 1 },
      { kind: 'phone', path: 'data.scores["[phone removed]"]', count: 1 },
    ]);
    expect(JSON.stringify(r)).not.toContain('ann@example.com');
    // Two keys that clean to the same text stay two entries.
    const two = stripPii({ 'a@example.com': 1, 'b@example.com': 2 }, all, 'data');
    expect(Object.values(two.value)).toEqual([1, 2]);
    // A "__proto__" key (JSON.parse makes it an own key) stays a key, its value stripped, nothing set as prototype.
    const proto = stripPii(JSON.parse('{"__proto__":{"to":"c@example.com"}}') as Record<string, unknown>, all, 'data');
    expect(JSON.stringify(proto.value)).toBe('{"__proto__":{"to":"[email removed]"}}');
  });

  it('never puts a removed value in what it reports', () => {
    const r = stripPii({ a: 'secret.person@example.com', ssn: 'X-SECRET-9' }, { ...all, fields: ['ssn'] }, 'data');
    const report = JSON.stringify(r.stripped);
    expect(report).not.toContain('secret.person');
    expect(report).not.toContain('X-SECRET-9');
  });
});
