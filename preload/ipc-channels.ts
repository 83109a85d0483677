/**
 * IPC channel names shared by main/bridge/ipc.ts and the preload script. A file of its own so the
 * sandboxed preload bundle stays free of zod and the contract's schemas.
 */
export const IPC_CHANNELS = {
  call: 'switchboard:call',
  event: 'switchboard:event',
  subscribe: 'switchboard:subscribe',
} as const;
