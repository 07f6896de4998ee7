/**
 * A real headless Chromium for browser tests, from the npm registry alone: `@sparticuz/chromium`
 * ships a brotli-packed Chromium inside the package and unpacks it to the temp directory on first
 * use (~3–7 s), so `npm install && npm test` needs no system browser and downloads nothing.
 */
import sparticuz from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';

/** Flags that keep Chromium off the (closed) network and quiet at start-up. */
const QUIET = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'];

export async function launchChromium(): Promise<Browser> {
  const executablePath = await sparticuz.executablePath();
  return chromium.launch({ executablePath, headless: true, args: [...sparticuz.args, ...QUIET] });
}
