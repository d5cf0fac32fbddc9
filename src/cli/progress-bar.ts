/** A one-line progress bar redrawn in place on a terminal stream. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

export class ProgressBar {
  private lastLength = 0;

  constructor(private readonly stream: ProgressStream) {}

  get interactive(): boolean {
    return this.stream.isTTY === true;
  }

  /** Redraws the bar: `fraction` in [0, 1], `detail` after it. */
  update(fraction: number, detail: string): void {
    if (!this.interactive) return;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - detail.length - 10));
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${detail}`;
    this.stream.write(`\r${line}${' '.repeat(Math.max(0, this.lastLength - line.length))}`);
    this.lastLength = line.length;
  }

  /** Clears the bar (terminal) so that what follows starts on a clean line. */
  clear(): void {
    if (!this.interactive || this.lastLength === 0) return;
    this.stream.write(`\r${' '.repeat(this.lastLength)}\r`);
    this.lastLength = 0;
  }
}
