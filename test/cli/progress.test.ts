/**
 * Issue 21, item 5: every long-running command shows progress (plain lines on stderr when it is
 * not a terminal, here every 50 ms through DIALOGYM_PROGRESS_SECONDS; a bar on a terminal) and
 * ends with a summary on stdout naming the counts and where the output went; --no-progress is
 * silent. Through the CLI.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { progress } from '../../cli/progress.js';
import { runCliAsync } from '../support/cli.js';

// Many CLI processes start in this file; on a loaded machine each can take tens of seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const dir = mkdtempSync(join(tmpdir(), 'dialogym-progress-'));
const fast = { DIALOGYM_PROGRESS_SECONDS: '0.05' };
const records = join(dir, 'records.jsonl');

/** A plain progress line: `<label>: done/total unit (pct%) ...`. */
const LINE = (label: string, unit: string) => new RegExp(`^${label}: \\d+/\\d+ ${unit} \\(\\d+%\\)`, 'm');

beforeAll(async () => {
  const r = await runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--agent', 'expert', '--episodes', '200', '--out', records], { env: fast });
  expect(r.code, r.stderr).toBe(0);
});

describe('progress lines off a terminal, and a closing summary', () => {
  const CASES: [string, string[], RegExp, RegExp][] = [
    ['rollout', ['rollout', '--env', 'GuessNumber-v0', '--episodes', '300', '--out', join(dir, 'r.jsonl')], LINE('rollout GuessNumber-v0', 'episodes'), /wrote 300 episode records to .*r\.jsonl/],
    ['generate', ['generate', '--env', 'GuessNumber-v0', '--episodes', '300', '--workers', '0', '--out', join(dir, 'g.jsonl')], LINE('generate', 'episodes'), /300\/300 in .*g\.jsonl \(complete\)[\s\S]*manifest .*g\.manifest\.json/],
    ['export', ['export', '--format', 'transitions', '--in', records, '--out', join(dir, 'e.jsonl')], LINE('export transitions', 'records'), /200 record\(s\) → \d+ line\(s\) in .*e\.jsonl/],
    ['hindsight', ['hindsight', '--in', records, '--out', join(dir, 'h.jsonl'), '--limit', '60'], LINE('hindsight', 'source records'), /60 source record\(s\) → .* written to .*h\.jsonl/],
    ['eval', ['eval', '--agent', 'expert', '--env', 'GuessNumber-v0', '--episodes', '200', '--workers', '0', '--no-normalize', '--out', join(dir, 'ev.json')], LINE('eval expert', 'episodes'), /wrote .*ev\.json and .*ev\.episodes\.jsonl \(200 episodes\)/],
    ['audit', ['audit', 'GuessNumber-v0', '--short', '--workers', '0', '--json', join(dir, 'a.json')], LINE('audit GuessNumber-v0', 'agent runs'), /audited 1 env\(s\).*report written to .*a\.json/],
    ['calibrate', ['calibrate', 'persuasion', '--limit', '4', '--seeds', '2'], LINE('calibrate persuasion: heldout replays', 'dialogues'), /calibration persuasion done in/],
  ];

  it.concurrent.each(CASES)('%s', async (_name, args, line, summary) => {
    const [on, off] = await Promise.all([
      runCliAsync(args, { env: fast }),
      runCliAsync([...args.map((a, i) => (['--out', '--json'].includes(args[i - 1] ?? '') ? a.replace(/(\.jsonl|\.json)$/, '-quiet$1') : a)), '--no-progress'], { env: fast }),
    ]);
    expect(on.code, on.stderr).toBe(0);
    expect(on.stderr).toMatch(line);
    expect(on.stdout).toMatch(summary);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stderr).not.toMatch(line);
  });
});

describe('on a terminal', () => {
  it('draws a bar (and no plain lines), and leaves the cursor shown when stopped', () => {
    let text = '';
    const tty = Object.assign(
      new Writable({
        write(chunk, _enc, done) {
          text += String(chunk);
          done();
        },
      }),
      { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
    ) as unknown as NodeJS.WriteStream;
    const saved = process.env.CI;
    delete process.env.CI;
    try {
      const bar = progress({ label: 'rollout X', total: 10, stream: tty });
      for (let i = 0; i < 10; i++) bar.tick();
      bar.stop();
    } finally {
      if (saved !== undefined) process.env.CI = saved;
    }
    expect(text).toMatch(/rollout X \[[\u2588\u2591]+\] \d+\/10 episodes/);
    expect(text).not.toMatch(/episodes \(\d+%\)/);
    expect(text).toContain('\u001b[?25h');
  });
});
