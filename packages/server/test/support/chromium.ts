/**
 * Chromium through playwright-core for browser tests: Debian's /usr/bin/chromium (CI installs
 * it); null when it or playwright-core is missing, and the test skips.
 */
import fs from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];

/** The part of playwright-core this test uses (it is optional: not a dependency). */
export interface Page {
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  setContent(html: string, options: { waitUntil: 'load' }): Promise<void>;
  evaluate(expression: string): Promise<unknown>;
  screenshot(options: { path: string; fullPage: boolean }): Promise<unknown>;
}
export interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
export interface Playwright {
  chromium: {
    launch(options: {
      executablePath: string;
      args: string[];
      headless: boolean;
    }): Promise<Browser>;
  };
}

export async function loadPlaywright(): Promise<Playwright | null> {
  if (!fs.existsSync(CHROMIUM)) return null;
  const name = 'playwright-core';
  try {
    const loaded: unknown = await import(name);
    const chromium: unknown =
      typeof loaded === 'object' && loaded !== null && 'chromium' in loaded
        ? loaded.chromium
        : undefined;
    if (typeof chromium !== 'object' || chromium === null || !('launch' in chromium)) return null;
    return loaded as Playwright;
  } catch {
    return null;
  }
}
