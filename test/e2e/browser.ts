/**
 * Headless Chromium for the browser tests: Debian's package, driven by playwright-core. Without
 * it a test file registers one skipped test that says how to install it (CI's .ci/run does).
 */
import { existsSync } from 'node:fs'
import type { Browser } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** Runs `body` when Chromium is installed; else skips `name`, loudly. */
export async function withChromium (t: { test: (name: string, options: { skip: string }, fn: () => void) => unknown }, name: string, body: () => Promise<void>): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    t.test(name, { skip: `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run this test; CI's .ci/run does` }, () => {})
    return
  }
  await body()
}

/** A headless browser that asks nothing of the network on its own; closed in the test's teardown. */
export async function launch (t: { teardown: (fn: () => unknown) => void }): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run']
  })
  t.teardown(() => browser.close())
  return browser
}
