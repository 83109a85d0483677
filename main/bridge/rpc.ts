/**
 * The generic RPC layer both transports share: look up the call, validate its input against the
 * contract, run the handler, and turn whatever happens into a `{ code, message }` result.
 */
import { z } from 'zod';
import { calls, isCallName, RpcError, type CallHandlers, type RpcResult } from '../../preload/contract.js';

/** Runs calls by name with contract validation; the one entry point for every transport. */
export type RpcDispatcher = (method: string, input: unknown) => Promise<RpcResult>;

/** Options for {@link createRpcDispatcher}. */
export interface RpcOptions {
  /** Check handler outputs too. On in tests and dev: an invalid output is a host bug. */
  validateOutputs?: boolean;
  /** Where internal errors are reported (they are also returned to the caller). */
  onInternalError?: (method: string, error: unknown) => void;
}

/** Builds the dispatcher over a full set of handlers. */
export function createRpcDispatcher(handlers: CallHandlers, options: RpcOptions = {}): RpcDispatcher {
  return async (method, input) => {
    if (!isCallName(method)) {
      return failure('unknown_call', `No call named "${method}".`);
    }
    const spec = calls[method];
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) {
      return failure('invalid_input', `Invalid input for ${method}: ${z.prettifyError(parsed.error)}`);
    }
    try {
      // The map above pairs each name with its own schema; TypeScript cannot follow that through
      // an indexed union, so the handler is called through a widened signature.
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      if (options.validateOutputs) {
        const checked = spec.output.safeParse(value);
        if (!checked.success) {
          options.onInternalError?.(method, checked.error);
          return failure('internal', `The host returned an invalid result for ${method}: ${z.prettifyError(checked.error)}`);
        }
      }
      return { ok: true, value };
    } catch (error) {
      if (error instanceof RpcError) return failure(error.code, error.message);
      options.onInternalError?.(method, error);
      return failure('internal', `${method} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

function failure(code: RpcError['code'], message: string): RpcResult {
  return { ok: false, error: { code, message } };
}
