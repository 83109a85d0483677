/**
 * How components reach the app's stores: main.tsx creates them once (`createStores(client)`) and
 * provides them here; each store file exports its `use…Store` hook made by {@link storeHook}.
 * Code outside components (commands, actions, autosave) is handed the stores it uses.
 */
import { createContext, createElement, useContext, type ReactNode } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { Stores } from './stores';

const StoresContext = createContext<Stores | null>(null);

/** Provides the app's stores to everything below it. */
export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  // Plain createElement: this file is also type-checked (through the test hook) where JSX is off.
  return createElement(StoresContext.Provider, { value: stores }, children);
}

/** The app's stores (for `getState()` in event handlers and for passing to actions). */
export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('No stores: render inside <StoresProvider> (main.tsx creates them).');
  return stores;
}

/** The state one of the app's stores holds. */
type StateOf<K extends keyof Stores> = Stores[K] extends StoreApi<infer S> ? S : never;

/** A store's React hook: the whole state, or a slice by selector (re-renders when it changes). */
export interface StoreHook<S> {
  (): S;
  <T>(selector: (state: S) => T): T;
}

/** Makes the `use…Store` hook of the store provided under `key`. */
export function storeHook<K extends keyof Stores>(key: K): StoreHook<StateOf<K>> {
  function useProvidedStore<T>(selector?: (state: StateOf<K>) => T) {
    // zustand's useStore returns the whole state when the selector is undefined.
    const store: StoreApi<StateOf<K>> = useStores()[key] as never;
    return useStore<StoreApi<StateOf<K>>, T>(store, selector as (state: StateOf<K>) => T);
  }
  return useProvidedStore as StoreHook<StateOf<K>>;
}
