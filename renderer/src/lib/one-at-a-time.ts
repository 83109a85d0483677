/**
 * One host request at a time, for a store's `refresh`: a call while one runs gets that one's
 * promise instead of a second request; with `again`, it also asks once more when that one ends (the
 * range or selection moved meanwhile, so its answer is already old).
 */
export function oneAtATime(work: () => Promise<void>, options: { again: boolean }): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const call = (): Promise<void> => {
    if (running) {
      again = options.again;
      return running;
    }
    running = (async () => {
      try {
        await work();
      } finally {
        running = null;
        if (again) {
          again = false;
          void call();
        }
      }
    })();
    return running;
  };
  return call;
}
