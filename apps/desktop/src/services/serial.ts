/** Runs tasks one after another; `busy` says whether one is running or waiting. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private count = 0;

  get busy(): boolean {
    return this.count > 0;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.count += 1;
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this.count -= 1;
    });
  }
}
