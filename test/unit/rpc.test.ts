import { describe, expect, it, vi } from 'vitest';
import { createRpcDispatcher } from '../../main/bridge/rpc.js';
import { RpcError, type ServerStatus } from '../../preload/contract.js';
import { fakeHandlers, sampleStatus } from '../helpers/host-fixtures.js';

const status = sampleStatus();

// Lookup, input validation, error mapping and output validation of the shared RPC layer.
describe('createRpcDispatcher', () => {
  it('returns the handler value for a valid call and passes it the parsed input', async () => {
    const handlers = fakeHandlers();
    const dispatch = createRpcDispatcher(handlers, { validateOutputs: true });
    const result = await dispatch('server.getLogs', { afterSeq: 3, limit: 10 });
    expect(result).toEqual({ ok: true, value: { lines: [expect.objectContaining({ seq: 4, text: 'hello' })] } });
    expect(handlers['server.getLogs']).toHaveBeenCalledWith({ afterSeq: 3, limit: 10 });
    expect(await dispatch('server.getStatus', undefined)).toEqual({ ok: true, value: status });
  });

  it.each(['nope', 'server.Status', 'constructor', '__proto__', 'toString'])('answers unknown_call for %j', async (method) => {
    const result = await createRpcDispatcher(fakeHandlers())(method, undefined);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('unknown_call');
  });

  it.each([
    ['server.getLogs', { afterSeq: -1 }],
    ['server.getLogs', { bogus: 1 }],
    ['server.getLogs', { limit: 0 }],
    ['server.getLogs', 'all'],
    ['host.getInfo', { anything: true }],
  ] as const)('answers invalid_input for %s %j without calling the handler', async (method, input) => {
    const handlers = fakeHandlers();
    const result = await createRpcDispatcher(handlers)(method, input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_input');
      expect(result.error.message).toContain(method);
    }
    expect(handlers[method]).not.toHaveBeenCalled();
  });

  it('passes an RpcError thrown by a handler through with its code and message', async () => {
    const handlers = fakeHandlers();
    handlers['server.restart'].mockRejectedValueOnce(new RpcError('failed', 'port 4222 is taken'));
    const onInternalError = vi.fn();
    const result = await createRpcDispatcher(handlers, { onInternalError })('server.restart', undefined);
    expect(result).toEqual({ ok: false, error: { code: 'failed', message: 'port 4222 is taken' } });
    expect(onInternalError).not.toHaveBeenCalled();
  });

  it('turns a plain Error into internal and reports it', async () => {
    const handlers = fakeHandlers();
    const boom = new Error('boom');
    handlers['host.getInfo'].mockRejectedValueOnce(boom);
    const onInternalError = vi.fn();
    const result = await createRpcDispatcher(handlers, { onInternalError })('host.getInfo', undefined);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('internal');
      expect(result.error.message).toContain('boom');
    }
    expect(onInternalError).toHaveBeenCalledWith('host.getInfo', boom);
  });

  it('reports an invalid handler output as internal only when validateOutputs is on', async () => {
    const handlers = fakeHandlers();
    const bad = { ...status, state: 'sleeping' } as unknown as ServerStatus;
    handlers['server.getStatus'].mockResolvedValue(bad);
    const onInternalError = vi.fn();

    const checked = await createRpcDispatcher(handlers, { validateOutputs: true, onInternalError })('server.getStatus', undefined);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.error.code).toBe('internal');
      expect(checked.error.message).toContain('server.getStatus');
    }
    expect(onInternalError).toHaveBeenCalledTimes(1);

    const unchecked = await createRpcDispatcher(handlers)('server.getStatus', undefined);
    expect(unchecked).toEqual({ ok: true, value: bad });
  });
});
