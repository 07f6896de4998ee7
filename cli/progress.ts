/**
 * Progress of every long-running command, in one place: a bar on a terminal (stderr), plain lines
 * otherwise (logs, CI, pipes) every `DIALOGYM_PROGRESS_SECONDS` seconds (default 10), nothing with
 * `--no-progress`. stdout stays for results, so piped output is never mixed with progress.
 *
 * Plain line: `rollout GuessNumber-v0: 1200/5000 episodes (24%) · 410/s · eta 9 s`.
 * Commands end with a closing summary on stdout (counts, and where the output went).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** `n` more units done. */
  tick(n?: number): void;
  /** Sets the units done (and optionally a new total). */
  update(done: number, total?: number): void;
  /** Ends the bar or the periodic lines; safe to call more than once. */
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** Units already done (a resumed run). */
  start?: number;
  /** What is counted ('episodes', 'records' ...). */
  unit?: string;
  /** false: no output at all (`--no-progress`). */
  enabled?: boolean;
  stream?: NodeJS.WriteStream;
}

const NOOP: Progress = { tick() {}, update() {}, stop() {} };

/** Seconds between plain progress lines when stderr is not a terminal. */
export function progressIntervalMs(): number {
  const s = Number(process.env.DIALOGYM_PROGRESS_SECONDS);
  return Number.isFinite(s) && s > 0 ? Math.max(50, s * 1000) : 10_000;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

export function progress(opts: ProgressOptions): Progress {
  if (opts.enabled === false) return NOOP;
  const stream = opts.stream ?? process.stderr;
  const unit = opts.unit ?? 'episodes';
  if (stream.isTTY && !process.env.CI) return ttyBar(opts, stream, unit);
  return plainLines(opts, stream, unit);
}

function ttyBar(opts: ProgressOptions, stream: NodeJS.WriteStream, unit: string): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: `${opts.label} [{bar}] {value}/{total} ${unit} {percentage}% eta {eta_formatted}`,
      stream,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(0, opts.total), opts.start ?? 0);
  let stopped = false;
  return {
    tick: (n = 1) => bar.increment(n),
    update: (done, total) => {
      if (total !== undefined) bar.setTotal(total);
      bar.update(done);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

function plainLines(opts: ProgressOptions, stream: NodeJS.WriteStream, unit: string): Progress {
  const t0 = performance.now();
  const start = opts.start ?? 0;
  let done = start;
  let total = opts.total;
  const print = () => {
    const secs = (performance.now() - t0) / 1000;
    const rate = (done - start) / Math.max(secs, 1e-3);
    const pct = total > 0 ? ` (${Math.floor((100 * done) / total)}%)` : '';
    const eta = rate > 0 && total > done ? ` · eta ${formatSeconds((total - done) / rate)}` : '';
    const speed = done > start ? ` · ${rate >= 10 ? Math.round(rate) : rate.toFixed(2)}/s` : '';
    stream.write(`${opts.label}: ${done}/${total} ${unit}${pct}${speed}${eta} · ${formatSeconds(secs)} elapsed\n`);
  };
  const every = progressIntervalMs();
  let lastAt = performance.now();
  const line = () => {
    lastAt = performance.now();
    print();
  };
  // Checked on each tick (scripted runs keep the event loop busy, so a timer alone would not fire)
  // and by a timer (an LLM episode can take minutes between ticks: the line shows the run is alive).
  const maybe = () => {
    if (performance.now() - lastAt >= every) line();
  };
  const timer = setInterval(() => {
    if (done < total) maybe();
  }, every);
  timer.unref();
  let stopped = false;
  return {
    tick: (n = 1) => {
      done += n;
      maybe();
    },
    update: (d, t) => {
      done = d;
      if (t !== undefined) total = t;
      maybe();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
    },
  };
}
