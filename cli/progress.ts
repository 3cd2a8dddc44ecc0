import type { CurateProgress } from '../pipelines/curate.js';

const MB = 1024 * 1024;

function eta(p: CurateProgress): string {
  if (!p.totalBytes || p.bytesRead === 0) return '';
  const left = ((p.totalBytes - p.bytesRead) / p.bytesRead) * p.elapsedMs;
  return ` ETA ${Math.max(0, Math.round(left / 1000))}s`;
}

export function formatProgress(p: CurateProgress): string {
  const s = Math.max(p.elapsedMs / 1000, 1e-3);
  const keptPct = p.docsRead ? ((100 * p.kept) / p.docsRead).toFixed(1) : '0.0';
  return `${p.docsRead} docs, ${Math.round(p.docsRead / s)} docs/s, ${(p.bytesRead / MB / s).toFixed(1)} MB/s, kept ${keptPct}%${eta(p)}`;
}

/**
 * Progress on stderr: a redrawn bar on a TTY, otherwise one status line every `everyMs`
 * (so logs of batch jobs stay readable).
 */
export function progressPrinter(label: string, everyMs = 5000): { update(p: CurateProgress): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = performance.now();
      if (now - last < (tty ? 200 : everyMs)) return;
      last = now;
      if (tty) {
        const frac = p.totalBytes ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
        const width = 24;
        const bar = p.totalBytes ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ${(frac * 100).toFixed(0)}% ` : '';
        process.stderr.write(`\r${label} ${bar}${formatProgress(p)}\x1b[K`);
        drawn = true;
      } else {
        process.stderr.write(`${label}: ${formatProgress(p)}\n`);
      }
    },
    done() {
      if (tty && drawn) process.stderr.write('\r\x1b[K');
    },
  };
}
