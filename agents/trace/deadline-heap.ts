/**
 * A binary min-heap of items by deadline (ties by insertion order), for the correlator's pending
 * requests: requests carry their own timeouts, so arrival order is not deadline order (a 3 s request
 * behind a 30 s one must expire at 3 s). Parallel arrays, no per-item allocation. Isomorphic.
 */

/** Items ordered by a numeric deadline; `peekDeadline` is O(1), `push` and `pop` O(log n). */
export class DeadlineHeap<T> {
  private readonly items: T[] = [];
  private readonly deadlines: number[] = [];
  /** Insertion counter per slot: equal deadlines leave in the order they came. */
  private readonly order: number[] = [];
  private next = 0;

  /** How many items are held. */
  get size(): number {
    return this.items.length;
  }

  /** The earliest deadline, or Infinity when empty. */
  peekDeadline(): number {
    return this.items.length > 0 ? this.deadlines[0]! : Infinity;
  }

  /** Adds `item` due at `deadline`. */
  push(item: T, deadline: number): void {
    let i = this.items.length;
    const order = this.next++;
    this.items.push(item);
    this.deadlines.push(deadline);
    this.order.push(order);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(deadline, order, this.deadlines[parent]!, this.order[parent]!)) break;
      this.move(parent, i);
      i = parent;
    }
    this.set(i, item, deadline, order);
  }

  /** Removes and returns the item with the earliest deadline. */
  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0]!;
    const lastItem = this.items.pop()!;
    const lastDeadline = this.deadlines.pop()!;
    const lastOrder = this.order.pop()!;
    const size = n - 1;
    if (size === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && earlier(this.deadlines[child + 1]!, this.order[child + 1]!, this.deadlines[child]!, this.order[child]!)) child++;
      // The earlier child moves up while it comes before the last item, which settles in the hole.
      if (!earlier(this.deadlines[child]!, this.order[child]!, lastDeadline, lastOrder)) break;
      this.move(child, i);
      i = child;
    }
    this.set(i, lastItem, lastDeadline, lastOrder);
    return top;
  }

  /** Every item held, in no particular order. */
  values(): readonly T[] {
    return this.items;
  }

  /** Drops every item. */
  clear(): void {
    this.items.length = 0;
    this.deadlines.length = 0;
    this.order.length = 0;
  }

  private move(from: number, to: number): void {
    this.set(to, this.items[from]!, this.deadlines[from]!, this.order[from]!);
  }

  private set(slot: number, item: T, deadline: number, order: number): void {
    this.items[slot] = item;
    this.deadlines[slot] = deadline;
    this.order[slot] = order;
  }
}

/** True when (deadline a, order a) leaves before (deadline b, order b). */
function earlier(deadlineA: number, orderA: number, deadlineB: number, orderB: number): boolean {
  return deadlineA < deadlineB || (deadlineA === deadlineB && orderA < orderB);
}
