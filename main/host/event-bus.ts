/** The host's event bus: producers emit contract events, transports forward them. */
import { TypedEmitter } from '../../agents/protocol/typed-emitter.js';
import type { EventName, EventPayload } from '../../preload/contract.js';

/** The contract's events: name → payload. */
export type ContractEvents = { [E in EventName]: EventPayload<E> };

/** Receives one event's payload. */
export type EventListener<E extends EventName> = (payload: ContractEvents[E]) => void;

/** Typed publish/subscribe over the contract's events (the one typed emitter, over the contract's map). */
export class EventBus extends TypedEmitter<ContractEvents> {}
