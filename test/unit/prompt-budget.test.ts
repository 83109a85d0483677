// Prompt templates and the budget tracker.
import { describe, expect, it } from 'vitest';
import { BudgetExceededError, BudgetTracker } from '../../agents/runtime/budget.js';
import { renderTemplate, templateVariables } from '../../agents/topology/prompt-template.js';

describe('prompt templates', () => {
  it('lists variables in order of first use', () => {
    expect(templateVariables('You are {{agent_name}}. {{ input }} {{agent_name}} {{peers}}')).toEqual(['agent_name', 'input', 'peers']);
  });
  it('fills what it has and lists what is missing', () => {
    expect(renderTemplate('Hi {{name}}, {{unknown}}!', { name: 'Ada' })).toEqual({ text: 'Hi Ada, !', missing: ['unknown'] });
  });
});

describe('BudgetTracker', () => {
  it('counts turns and tokens against their limits', () => {
    const t = new BudgetTracker({ maxTurns: 2, maxTokens: 100 });
    t.startTurn();
    t.startTurn();
    expect(() => t.startTurn()).toThrow(BudgetExceededError);
    t.addTokens(100);
    expect(() => t.addTokens(1)).toThrow(/max_tokens \(limit 100, used 101\)/);
  });
  it('does not count time spent paused', async () => {
    const t = new BudgetTracker({ timeoutMs: 60 });
    t.pauseClock();
    await new Promise((r) => setTimeout(r, 100));
    expect(() => t.checkTime()).not.toThrow();
    t.resumeClock();
    expect(t.remainingMs()).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 80));
    expect(() => t.checkTime()).toThrow(/timeout/);
  });
  it('is unlimited without limits', () => {
    const t = new BudgetTracker({});
    for (let i = 0; i < 100; i++) t.startTurn();
    expect(t.remainingMs()).toBe(Infinity);
  });
});
