// Subject templates, tokens, patterns and NATS wildcard matching.
import { describe, expect, it } from 'vitest';
import { isSubject, isSubjectPattern, isSubjectToken, renderSubject, SEED_000_PROFILE, subjectMatches } from '../../agents/protocol/subjects.js';

describe('renderSubject', () => {
  it('fills seed 000 templates', () => {
    expect(renderSubject(SEED_000_PROFILE.request, { agent: 'weather_bot' })).toBe('agents.request.weather_bot');
    expect(renderSubject(SEED_000_PROFILE.handoff!, { from: 'coordinator', to: 'specialist' })).toBe('agents.handoff.coordinator.to.specialist');
    expect(renderSubject(SEED_000_PROFILE.response!, { agent: 'weather_bot', message_id: 'uuid-1234-5678' })).toBe('agents.response.weather_bot.uuid-1234-5678');
  });
  it.each(['weather.bot', 'a b', 'x*', '>', ''])('refuses %j as a token', (value) => {
    expect(() => renderSubject('agents.request.{agent}', { agent: value })).toThrow(/cannot stand in a subject/);
  });
  it('names a missing placeholder', () => {
    expect(() => renderSubject('agents.handoff.{from}.to.{to}', { from: 'a' })).toThrow('needs {to}');
  });
});

describe('tokens, subjects and patterns', () => {
  it('tells tokens from non-tokens', () => {
    expect(isSubjectToken('Task-Coordinator_1')).toBe(true);
    expect(isSubjectToken('a.b')).toBe(false);
  });
  it('validates concrete subjects', () => {
    expect(isSubject('agents.all')).toBe(true);
    expect(isSubject('agents..all')).toBe(false);
    expect(isSubject('agents.*')).toBe(false);
  });
  it('validates patterns: * anywhere, > only last', () => {
    expect(isSubjectPattern('agents.*.weather_bot')).toBe(true);
    expect(isSubjectPattern('agents.>')).toBe(true);
    expect(isSubjectPattern('agents.>.x')).toBe(false);
    expect(isSubjectPattern('agents.')).toBe(false);
  });
});

describe('subjectMatches', () => {
  it.each([
    ['agents.*', 'agents.all', true],
    ['agents.*', 'agents.request.x', false],
    ['agents.>', 'agents.request.x', true],
    ['agents.>', 'agents', false],
    ['agents.request.*', 'agents.request.weather_bot', true],
    ['*.request.*', 'agents.request.weather_bot', true],
    ['agents.all', 'agents.all', true],
    ['agents.all', 'agents.all.x', false],
    ['>', 'anything.at.all', true],
  ])('%s ~ %s is %s', (pattern, subject, expected) => expect(subjectMatches(pattern, subject)).toBe(expected));
});
