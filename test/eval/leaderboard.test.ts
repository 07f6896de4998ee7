import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { evaluate } from '../../eval/evaluate.js';
import { buildLeaderboard, type LeaderboardData, renderMarkdown, writeLeaderboard } from '../../eval/leaderboard.js';
import { emptyReferences } from '../../eval/references.js';
import { type LoadedResults, loadResults, writeResults } from '../../eval/results.js';
import { jsonForScript } from '../../eval/site.js';
import { launchChromium } from '../support/browser.js';

const ENV = 'GuessNumber-v0';
const dir = mkdtempSync(join(tmpdir(), 'dialogym-board-'));
const INJECTION = '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> | pipe';

let data: LeaderboardData;
let html = '';
let browser: Browser | undefined;

beforeAll(async () => {
  const loaded: LoadedResults[] = [];
  for (const agent of ['random', 'expert', 'oracle']) {
    const r = await evaluate({
      agent,
      envIds: [ENV],
      split: 'dev',
      episodes: 10,
      trials: 1,
      simulator: { kind: 'scripted' },
      command: 'test',
      references: emptyReferences(),
    });
    const path = join(dir, `${agent}.json`);
    writeResults(path, r.results, r.records);
    loaded.push(await loadResults(path));
  }
  // Transcripts carry user text: plant markup in every sample the viewer can show.
  for (const l of loaded) {
    for (const rec of l.records) {
      rec.initialObservation.text = `user: ${INJECTION}`;
      const t = rec.turns[0];
      if (t) {
        t.observation = `user: ${INJECTION}`;
        t.simulatorTurns = [{ utterance: INJECTION, answer: 'no' }];
      }
    }
  }
  data = buildLeaderboard(loaded, { now: new Date(0) });
  html = writeLeaderboard(data, join(dir, 'site')).html;
  browser = await launchChromium();
}, 180_000); // the first launch unpacks Chromium; slow on a loaded 2-core machine

afterAll(async () => {
  await browser?.close();
});

describe('leaderboard files', () => {
  it('ranks entries by overall normalized score, keeps the privileged oracle as an unranked reference, and writes md and json', () => {
    expect(data.entries.map((e) => e.agent)).toEqual(['expert', 'random', 'oracle']);
    expect(data.entries.map((e) => e.rank)).toEqual([1, 2, null]);
    expect(data.entries.map((e) => e.privileged)).toEqual([false, false, true]);
    const ref = data.references[ENV];
    expect(ref?.oracle).toBe(1);
    expect(ref?.reading).toMatch(/^expert reaches \d+ % of oracle$/);
    expect(data.envs).toEqual([ENV]);
    const md = readFileSync(join(dir, 'site', 'leaderboard.md'), 'utf8');
    expect(md).toBe(renderMarkdown(data));
    expect(md).toMatch(/\| expert \| dev \| scripted \| \d+\.\d \| \d+\.\d \[/);
    const json = JSON.parse(readFileSync(join(dir, 'site', 'leaderboard.json'), 'utf8'));
    expect(json.entries).toHaveLength(3);
    expect(md).toMatch(/\| oracle \(privileged, reference\) \| dev \|/);
    expect(md).toMatch(/## References[\s\S]*\| GuessNumber-v0 \| -?\d+\.\d{3} \| \d+\.\d{3} \| 1\.000 \|/);
    expect(json.samples[data.entries[0]?.id as string][ENV].length).toBeGreaterThan(0);
  });

  it('inlines data that cannot close its script block', () => {
    const page = readFileSync(html, 'utf8');
    expect(page).not.toContain('</script><script>window.__pwned');
    expect(page).not.toContain('<img src=x');
    expect(JSON.parse(jsonForScript({ s: INJECTION })).s).toBe(INJECTION);
    expect(page).not.toMatch(/\bfetch\(|XMLHttpRequest|src="http/);
  });
});

describe('leaderboard site in headless Chromium (file://)', () => {
  it('loads without console errors, sorts, and opens an escaped transcript', async () => {
    const page = await (browser as Browser).newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
    await page.goto(pathToFileURL(html).href);
    await page.waitForSelector('#leaderboard tr.entry');

    const agents = () => page.$$eval('#leaderboard tr.entry td:first-child', (tds) => tds.map((td) => td.textContent));
    const ORACLE = 'oracle (privileged, reference)';
    expect(await agents()).toEqual(['expert', 'random', ORACLE]);
    // Sorting: by agent name ascending, then descending; by the env's score ascending puts random first.
    // The privileged oracle stays below the submissions whatever the sort.
    await page.click('th[data-key="agent"] button');
    expect(await agents()).toEqual(['expert', 'random', ORACLE]);
    expect(await page.getAttribute('th[data-key="agent"]', 'aria-sort')).toBe('ascending');
    await page.click('th[data-key="agent"] button');
    expect(await agents()).toEqual(['random', 'expert', ORACLE]);
    await page.click(`th[data-key="env:${ENV}"] button`);
    expect(await agents()).toEqual(['expert', 'random', ORACLE]);
    await page.click(`th[data-key="env:${ENV}"] button`);
    expect(await agents()).toEqual(['random', 'expert', ORACLE]);
    expect(await page.getAttribute(`th[data-key="env:${ENV}"]`, 'aria-sort')).toBe('ascending');

    // The reference row of the env: random, expert, oracle and the reading.
    const refRow = await page.$$eval(`#references tr[data-env="${ENV}"] td`, (tds) => tds.map((td) => td.textContent));
    expect(refRow[3]).toBe('1.000');
    expect(refRow[5]).toMatch(/^expert reaches \d+ % of oracle$/);

    // One chart per env with a CI whisker per entry.
    expect(await page.$$eval(`svg.chart[data-env="${ENV}"] circle`, (c) => c.length)).toBe(3);

    // Transcript viewer.
    expect(await page.isHidden('#viewer')).toBe(true);
    await page.click('tr.entry[data-entry^="expert"] button.open');
    await page.waitForSelector('#transcript .turn[data-turn="1"]');
    expect(await page.isVisible('#viewer')).toBe(true);
    const turns = await page.$$eval('#transcript .turn[data-turn]', (t) => t.length);
    expect(turns).toBeGreaterThan(1);
    const first = await page.textContent('#transcript .turn[data-turn="1"]');
    expect(first).toMatch(/agent: ASK is it greater than 50\?/);
    expect(first).toMatch(/reward -0\.050 \(questionCost -0\.050\)/);
    expect(first).toContain(INJECTION);
    await page.click('#transcript .turn[data-turn="1"] details.simulator summary');
    expect(await page.textContent('#transcript .turn[data-turn="1"] details.simulator pre')).toContain('"answer": "no"');
    // The planted markup stayed text.
    expect(await page.$$eval('#transcript img, #transcript script', (n) => n.length)).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    // Switching sample episodes works.
    const samples = await page.$$('#viewer-samples button.sample');
    expect(samples.length).toBeGreaterThan(1);
    await samples[1]?.click();
    expect(await samples[1]?.getAttribute('aria-pressed')).toBe('true');
    expect(problems).toEqual([]);
    await page.close();
  });
});
