// Progress output for long-running commands: a rewritten line on a terminal, a line every few seconds otherwise.
export function progress(label: string, total?: number) {
  const tty = process.stderr.isTTY;
  let last = 0;
  const started = Date.now();
  return {
    update(done: number, t = total) {
      const now = Date.now();
      if (!tty && now - last < 2000) return;
      if (tty && now - last < 100) return;
      last = now;
      const pct = t ? ` (${Math.floor((done / Math.max(t, 1)) * 100)}%)` : '';
      const rate = Math.round(done / Math.max((now - started) / 1000, 0.001));
      const text = `${label}: ${done}${t ? `/${t}` : ''}${pct}, ${rate}/s`;
      process.stderr.write(tty ? `\r${text}\u001b[K` : `${text}\n`);
    },
    done(summary: string) {
      process.stderr.write(`${tty ? '\r\u001b[K' : ''}${label}: ${summary}\n`);
    },
  };
}
