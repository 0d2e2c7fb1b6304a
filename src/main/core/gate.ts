/**
 * Shared/exclusive access to the core. Every contract call and upload runs shared (any number at once);
 * a restore of the database runs exclusive: it waits until the calls in flight are done, and calls that
 * arrive meanwhile wait until it is over, so none of them reads or writes across the swap.
 */
export class AccessGate {
  private running = 0;
  private exclusiveTurn: Promise<void> | null = null;
  private drained: (() => void)[] = [];

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    while (this.exclusiveTurn) await this.exclusiveTurn;
    this.running++;
    try {
      return await fn();
    } finally {
      if (--this.running === 0) for (const w of this.drained.splice(0)) w();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.exclusiveTurn) await this.exclusiveTurn;
    let done!: () => void;
    this.exclusiveTurn = new Promise<void>((r) => (done = r));
    try {
      if (this.running > 0) await new Promise<void>((r) => this.drained.push(r));
      return await fn();
    } finally {
      this.exclusiveTurn = null;
      done();
    }
  }

  /** resolves when no exclusive section is running or waiting */
  async idle(): Promise<void> {
    while (this.exclusiveTurn) await this.exclusiveTurn;
  }
}
