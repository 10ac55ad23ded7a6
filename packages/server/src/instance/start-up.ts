// An instance's start: what it has opened so far, closed again when a later step fails.

export interface StartUp {
  /** True once createGatehouse has returned (the database's time bound applies from then on). */
  readonly started: boolean;
  /** Something opened that a failed start must close (closed in reverse order). */
  onFailure(close: () => unknown): void;
  /** Closes what was opened and rethrows `error`: a pool or a Redis socket would keep the process alive. */
  fail(error: unknown): Promise<never>;
  /** The start has finished. */
  finish(): void;
}

export function createStartUp(): StartUp {
  const opened: (() => unknown)[] = [];
  let started = false;
  return {
    get started() {
      return started;
    },
    onFailure(close) {
      opened.push(close);
    },
    fail: async (error) => {
      for (const close of opened.reverse()) await close();
      throw error;
    },
    finish() {
      started = true;
    },
  };
}
