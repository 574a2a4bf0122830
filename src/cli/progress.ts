import type { CliIo } from './io.js';

/**
 * A one-line progress bar on a terminal (stderr), redrawn in place; silent when output is
 * not a terminal so scripts get clean output.
 */
export class ProgressBar {
  private last = '';
  constructor(
    private readonly io: CliIo,
    private readonly label: string,
  ) {}

  update(fraction: number, detail = ''): void {
    if (!this.io.isTty) return;
    const width = 30;
    const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
    const filled = Math.round(f * width);
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${detail}`;
    if (line === this.last) return;
    this.last = line;
    this.io.err(`\r${line.padEnd(100).slice(0, 100)}`);
  }

  done(): void {
    if (this.io.isTty && this.last) this.io.err('\n');
  }
}
