// Runs async sections one at a time, in call order: one release at a time, one connect or close at a time.
// (Status reads are kept out of shots by the command lane's priorities, docs/camera-notes.md.)
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
