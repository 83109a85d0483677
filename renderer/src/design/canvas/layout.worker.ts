/// <reference lib="webworker" />
/** Runs auto-layout off the main thread: 500 nodes take seconds, and the canvas must stay live. */
import { layoutGraph, type LayoutRequest } from './auto-layout';

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  try {
    self.postMessage({ ok: true, positions: layoutGraph(event.data) });
  } catch (error) {
    self.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
};
