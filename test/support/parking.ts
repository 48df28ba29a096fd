/**
 * Barriers the test holds: code under test parks an item here and waits until the test releases
 * it, and the test waits for an item to arrive instead of sleeping until it probably has.
 */

export interface Parked<T> {
  readonly item: T;
  /** Lets the waiting code go on. */
  release(): void;
}

export class Parking<T> {
  readonly #parked: Parked<T>[] = [];
  #listeners: (() => void)[] = [];

  /** Called by the stand-in under test: resolves once the test releases the item. */
  park(item: T): Promise<void> {
    return new Promise((resolve) => {
      const parked: Parked<T> = {
        item,
        release: () => {
          const index = this.#parked.indexOf(parked);
          if (index < 0) return;
          this.#parked.splice(index, 1);
          resolve();
          this.#notify();
        },
      };
      this.#parked.push(parked);
      this.#notify();
    });
  }

  /** What waits now, in the order it arrived. */
  get parked(): readonly Parked<T>[] {
    return [...this.#parked];
  }

  /** The first waiting item that matches, now or once one arrives. */
  async next(matches: (item: T) => boolean = () => true): Promise<Parked<T>> {
    for (;;) {
      const found = this.#parked.find((parked) => matches(parked.item));
      if (found !== undefined) return found;
      await this.changed();
    }
  }

  /** Resolves once `count` items wait at the same time. */
  async waiting(count: number): Promise<void> {
    while (this.#parked.length < count) await this.changed();
  }

  releaseAll(): void {
    for (const parked of this.parked) parked.release();
  }

  /** Settles on the next arrival or release. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#listeners.push(resolve));
  }

  #notify(): void {
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }
}
