import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it); browser tests skip, saying so, where it is absent. */
export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

/** A fresh profile and no background traffic: the test machine has no network (STACK.md, gotcha 12). */
const NO_NETWORK_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-sync',
  '--metrics-recording-only',
  '--no-first-run',
  '--no-default-browser-check',
];

/** Headless Chromium on a throwaway profile directory, with the given viewport. */
export function launchChromium(profileDir: string, viewport: { readonly width: number; readonly height: number }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: NO_NETWORK_FLAGS, viewport });
}
