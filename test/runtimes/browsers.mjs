// Launchers for the Debian browsers: `node test/runtimes/browsers.mjs chromium|firefox`. Chromium is driven by
// playwright-core, Firefox ESR by puppeteer-core over WebDriver BiDi (playwright-core only launches its own patched
// Firefox builds). Both load test/runtimes/browser.html from a local server and print the suite's one line.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.mjs'
import { report } from './conformance.mjs'
import { serve } from './server.mjs'

export const BROWSERS = {
  chromium: CHROMIUM_PATH,
  firefox: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
}

const TIMEOUT = 30_000

async function chromium(url, log) {
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({ executablePath: BROWSERS.chromium, args: CHROMIUM_ARGS, headless: true })
  try {
    const page = await browser.newPage()
    page.on('pageerror', (error) => log(`pageerror: ${error.message}`))
    page.on('console', (message) => log(`console.${message.type()}: ${message.text()}`))
    await page.goto(url)
    await page.waitForFunction(() => globalThis.__conformance !== undefined, null, { timeout: TIMEOUT })
    const result = await page.evaluate(() => globalThis.__conformance)
    return { result, version: `Chromium ${browser.version()}` }
  } finally {
    await browser.close()
  }
}

async function firefox(url, log) {
  const { default: puppeteer } = await import('puppeteer-core')
  const profile = mkdtempSync(join(tmpdir(), 'mfa-core-firefox-'))
  // Firefox's helper processes may still write into the profile for a moment after close (seen: ENOTEMPTY on its
  // glean database), so the removal retries, as rmSync does for ENOTEMPTY with maxRetries
  const removeProfile = () => rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 })
  // also when puppeteer's SIGTERM handler ends the process (scripts/test-runtimes.mjs on a timeout)
  process.on('exit', removeProfile)
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: BROWSERS.firefox,
    headless: true,
    userDataDir: profile,
    timeout: TIMEOUT,
    // Firefox wants a writable HOME for its caches even with a profile directory
    env: { ...process.env, HOME: profile, MOZ_HEADLESS: '1' },
  })
  try {
    const page = await browser.newPage()
    page.on('pageerror', (error) => log(`pageerror: ${error.message}`))
    page.on('console', (message) => log(`console.${message.type()}: ${message.text()}`))
    await page.goto(url)
    await page.waitForFunction(() => globalThis.__conformance !== undefined, { timeout: TIMEOUT })
    const result = await page.evaluate(() => globalThis.__conformance)
    const version = (await browser.version()).replace(/^firefox\//i, 'Firefox ')
    return { result, version }
  } finally {
    await browser.close()
    removeProfile()
  }
}

const name = process.argv[2]
const launch = { chromium, firefox }[name]
if (launch === undefined) {
  console.error('usage: node test/runtimes/browsers.mjs chromium|firefox')
  process.exit(2)
}
const server = await serve()
try {
  const { result, version } = await launch(server.url, (line) => console.error(line))
  if (!result.secureContext) result.notes.push('the page is not a secure context')
  report(name, version, result)
} finally {
  await server.close()
}
