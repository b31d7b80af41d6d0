/**
 * The live "time left" line on a terminal's standard error, redrawn every second from the signing flow's
 * monotonic countdown. Without a terminal (pipes, --json) it prints nothing: the challenge already shows the
 * time left once.
 */
export class CountdownLine {
  private timer?: NodeJS.Timeout;
  private paused = false;

  constructor(
    private readonly live: boolean,
    private readonly secondsLeft: () => number | undefined,
    private readonly render: (seconds: number) => string,
  ) {}

  start(): void {
    if (!this.live || this.timer) return;
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
    this.draw();
  }

  pause(): void {
    if (!this.paused) this.clear();
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
    this.paused = true;
  }

  private draw(): void {
    if (!this.live || this.paused || !this.timer) return;
    process.stderr.write(`\r\x1b[K${this.render(this.secondsLeft() ?? 0)}`);
  }

  private clear(): void {
    if (this.live && this.timer && !this.paused) process.stderr.write('\r\x1b[K');
  }
}
