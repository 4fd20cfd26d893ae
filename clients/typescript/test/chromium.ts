import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (or CHROMIUM_PATH), headless: no sandbox (CI runs as root) and no background connections,
 * which a closed network refuses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
