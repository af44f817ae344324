// The browser demo (examples/browser), driven like a person in Debian's Chromium: read the setup key from the page,
// compute the codes an authenticator app would show (with the library, in Node), type them, read the messages.
// The page loads the built dist/ (run `npx tsup` first; `npm test` builds before this runs). Screenshots for
// reviewers go to test-results/demo-*.png.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { decodeBase32, generateTOTP, parseKeyURI } from 'mfa-core'
import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveChromium, launchChromium, scanQR } from './chromium.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const haveBrowser = haveChromium('browser demo')

// A fixed instant 2 s into a time step; the page's clock is frozen there (?now=) and moved by the test hook.
const T0 = Date.UTC(2026, 10, 28, 9, 0, 2)
const STEP = 30_000

describe.skipIf(!haveBrowser)('browser demo (examples/browser)', () => {
  let server: ChildProcess | undefined
  let browser: Browser | undefined
  let page: Page
  let url: string

  beforeAll(async () => {
    for (const file of ['dist/index.js', 'dist/qr.js']) {
      if (!existsSync(`${root}${file}`)) throw new Error(`${file} is missing: build the package first (npx tsup)`)
    }
    mkdirSync(`${root}test-results`, { recursive: true })
    const child = spawn(process.execPath, ['examples/browser/serve.mjs'], {
      cwd: root,
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    server = child
    url = await new Promise<string>((done, fail) => {
      let output = ''
      const timer = setTimeout(() => fail(new Error(`the demo server did not start: ${output}`)), 10_000)
      const read = (chunk: Buffer) => {
        output += chunk.toString()
        const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(output)
        if (match) {
          clearTimeout(timer)
          done(match[0])
        }
      }
      child.stdout?.on('data', read)
      child.stderr?.on('data', read)
      child.on('exit', (code) => fail(new Error(`the demo server exited (${code}): ${output}`)))
    })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 900, height: 900 }, colorScheme: 'light' })
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    server?.kill()
  })

  /** Clicks a submit button and waits until the page has finished handling it. */
  async function submit(selector: string) {
    const before = Number((await page.getAttribute('body', 'data-done')) ?? 0)
    await page.click(selector)
    await page.waitForFunction((n) => Number(document.body.dataset.done ?? 0) > n, before)
  }

  async function message(id: string) {
    const element = page.locator(`#${id}`)
    await expect(element.isVisible()).resolves.toBe(true)
    return { reason: await element.getAttribute('data-reason'), text: (await element.textContent()) ?? '' }
  }

  const pageNow = () => page.evaluate(() => (window as any).__mfaDemoClock.now() as number)
  const advance = (ms: number) => page.evaluate((by) => (window as any).__mfaDemoClock.advance(by), ms)

  it('enrolls with two consecutive codes, signs in, refuses replays and wrong codes, locks, adds a second authenticator, removes one, and disables', async () => {
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })

    // A page without ?now uses the real clock; this one is frozen at T0.
    await page.goto(`${url}?now=${T0}`)
    await page.waitForSelector('body[data-ready=true]')
    expect(await page.textContent('#status')).toContain('Off')

    // Step 0: start the enrollment.
    await page.fill('#account', 'alice@example.com')
    await submit('#start-form button[type=submit]')

    // Step 1: the QR code and the manual key.
    const svg = page.locator('#qr svg')
    expect(await svg.getAttribute('aria-label')).toContain('scan it with your authenticator app')
    const shownKey = (await page.textContent('#manual-key')) ?? ''
    expect(shownKey).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/)
    const secret = decodeBase32(shownKey.replace(/ /g, ''))
    expect(secret.length).toBe(20)
    expect(await page.textContent('#status')).toContain('Setting up')

    // The QR code, rasterised in the page and read back with jsQR, holds the same key as the text.
    const scanned = await scanQR(page)
    expect(scanned).toMatch(/^otpauth:\/\/totp\/Example%20Cloud:alice%40example\.com\?/)
    const params = parseKeyURI(scanned ?? '')
    expect(params.issuer).toBe('Example Cloud')
    expect(params.accountName).toBe('alice@example.com')
    expect(params.secret).toEqual(secret)
    await page.screenshot({ path: `${root}test-results/demo-enroll.png`, fullPage: true })

    // What an authenticator app would show at step t + offset of the page's clock.
    const code = async (offset: number) => generateTOTP(secret, { timestamp: (await pageNow()) + offset * STEP })

    const confirm = async (a: string, b: string) => {
      await page.fill('#code1', a)
      await page.fill('#code2', b)
      await submit('#confirm-form button[type=submit]')
      return message('confirm-message')
    }

    let said = await confirm('12345', await code(0))
    expect(said.reason).toBe('malformed')
    expect(said.text).toContain('6-digit code')

    said = await confirm(await code(0), await code(0))
    expect(said.reason).toBe('same_code')
    expect(said.text).toContain('same code twice')

    said = await confirm(await code(0), await code(-1))
    expect(said.reason).toBe('reversed')
    expect(said.text).toContain('wrong order')

    said = await confirm(await code(-2), await code(0))
    expect(said.reason).toBe('not_consecutive')
    expect(said.text).toContain('not one after the other')

    // Steps t-1 and t: MFA is on, step t is consumed, ten recovery codes are shown once.
    await page.fill('#code1', await code(-1))
    await page.fill('#code2', await code(0))
    await submit('#confirm-form button[type=submit]')
    expect(await page.isVisible('#recovery')).toBe(true)
    const recoveryCodes = await page.locator('#recovery-codes li').allTextContents()
    expect(recoveryCodes).toHaveLength(10)
    for (const c of recoveryCodes) expect(c).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/)
    expect(await page.textContent('#status')).toMatch(/On since .* 1 authenticator · 10 recovery codes left/)
    said = await message('login-message')
    expect(said.reason).toBe('enabled')
    expect(said.text).toContain('next sign-in needs a newer code')
    await page.screenshot({ path: `${root}test-results/demo-enabled.png`, fullPage: true })

    await page.click('#recovery-done')
    expect(await page.isVisible('#recovery')).toBe(false)
    expect(await page.locator('#recovery-codes li').count()).toBe(0)

    const login = async (typed: string) => {
      await page.fill('#login-code', typed)
      await submit('#login-form button[type=submit]')
      return message('login-message')
    }

    // The code just used for enrollment is refused: its step is consumed.
    said = await login(await code(0))
    expect(said.reason).toBe('replayed')
    expect(said.text).toContain('already been used')

    // The next code signs in, once.
    const next = await code(1)
    said = await login(next)
    expect(said.reason).toBe('ok_totp')
    expect(said.text).toContain('Signed in')
    said = await login(next)
    expect(said.reason).toBe('replayed')
    await page.screenshot({ path: `${root}test-results/demo-replayed.png`, fullPage: true })

    // A wrong code: one that no step in the window would produce.
    const nearby = new Set([await code(-1), await code(0), await code(1), await code(2)])
    let wrong = 100_000
    while (nearby.has(String(wrong))) wrong++
    said = await login(String(wrong))
    expect(said.reason).toBe('invalid')
    expect(said.text).toContain('not right')

    said = await login('12-34')
    expect(said.reason).toBe('malformed')

    // A recovery code works once.
    said = await login(recoveryCodes[3]!.toUpperCase())
    expect(said.reason).toBe('ok_recovery')
    expect(await page.textContent('#status')).toContain('9 recovery codes left')
    said = await login(recoveryCodes[3]!)
    expect(said.reason).toBe('invalid')

    // Five consecutive failures lock: codes are not checked, and the message says when to retry.
    for (let i = 0; i < 4; i++) said = await login(String(wrong))
    expect(said.reason).toBe('invalid')
    expect(said.text).toContain('try again in 30 seconds')
    said = await login(await code(1))
    expect(said.reason).toBe('locked')
    expect(said.text).toContain('try again in')
    expect(await page.textContent('#status')).toContain('locked until')
    await page.screenshot({ path: `${root}test-results/demo-locked.png`, fullPage: true })

    // After the back-off, a fresh code works again.
    await advance(STEP * 2)
    said = await login(await code(0))
    expect(said.reason).toBe('ok_totp')

    // A second authenticator: refused without a proof, begun with a fresh code of the first, confirmed with two
    // consecutive codes of the new one (no new recovery codes).
    const add = async (proof: string) => {
      await page.fill('#add-label', 'Tablet')
      await page.fill('#add-proof', proof)
      await submit('#add-form button[type=submit]')
    }
    await add('')
    said = await message('add-message')
    expect(said.reason).toBe('proof_required')
    await advance(STEP)
    await add(await code(0))
    expect(await page.isVisible('#confirm-form')).toBe(true)
    const secondKey = ((await page.textContent('#manual-key')) ?? '').replace(/ /g, '')
    expect(secondKey).not.toBe(shownKey.replace(/ /g, ''))
    const second = decodeBase32(secondKey)
    const code2 = async (offset: number) => generateTOTP(second, { timestamp: (await pageNow()) + offset * STEP })
    await page.fill('#code1', await code2(-1))
    await page.fill('#code2', await code2(0))
    await submit('#confirm-form button[type=submit]')
    said = await message('add-message')
    expect(said.reason).toBe('added')
    expect(await page.isVisible('#recovery')).toBe(false)
    expect(await page.textContent('#status')).toContain('2 authenticators')
    expect(await page.locator('#device-list li').allTextContents()).toEqual([
      expect.stringContaining('Authenticator'),
      expect.stringContaining('Tablet'),
    ])
    await page.screenshot({ path: `${root}test-results/demo-two-authenticators.png`, fullPage: true })

    // Both sign in, each code once.
    await advance(STEP)
    said = await login(await code(0))
    expect(said.reason).toBe('ok_totp')
    said = await login(await code2(0))
    expect(said.reason).toBe('ok_totp')

    // Remove the first with a code of the second: its codes stop working.
    await advance(STEP)
    const firstId = await page.getAttribute('#device-list li:first-child', 'data-id')
    await page.selectOption('#remove-which', firstId ?? '')
    await page.fill('#remove-code', await code2(0))
    await submit('#remove-form button[type=submit]')
    said = await message('remove-message')
    expect(said.reason).toBe('removed')
    expect(await page.locator('#device-list li').count()).toBe(1)
    await advance(STEP)
    said = await login(await code(0))
    expect(said.reason).toBe('invalid')

    // Disabling needs a proof: the code just used is refused, a fresh one turns it off.
    const disable = async (typed: string) => {
      await page.fill('#disable-code', typed)
      await submit('#disable-form button[type=submit]')
    }
    said = await login(await code2(0))
    expect(said.reason).toBe('ok_totp')
    await disable(await code2(0))
    said = await message('disable-message')
    expect(said.reason).toBe('replayed')
    await advance(STEP)
    await disable(await code2(0))
    said = await message('start-message')
    expect(said.reason).toBe('disabled')
    expect(await page.textContent('#status')).toContain('Off')
    expect(await page.isVisible('#login')).toBe(false)
    await page.click('.audit summary')
    await page.screenshot({ path: `${root}test-results/demo-disabled.png`, fullPage: true })

    // The audit log never shows the secret or a code.
    const audit = (await page.textContent('#events')) ?? ''
    expect(audit).toContain('enrolled')
    expect(audit).toContain('replay_rejected')
    expect(audit).toContain('disabled')
    expect(audit).toContain('authenticator_added')
    expect(audit).toContain('authenticator_removed')
    expect(audit).not.toContain(secondKey)
    expect(audit).not.toContain(next)
    expect(audit).not.toContain(shownKey.replace(/ /g, ''))
    for (const c of recoveryCodes) expect(audit).not.toContain(c)

    expect(errors).toEqual([])
  }, 60_000)

  it('trusts this browser (its token replaced on every use), forgets it, and resyncs a phone whose clock is off', async () => {
    await page.goto(`${url}?now=${T0 + 3_600_000}`)
    await page.waitForSelector('body[data-ready=true]')
    await page.fill('#account', 'alice@example.com')
    await submit('#start-form button[type=submit]')
    const secret = decodeBase32(((await page.textContent('#manual-key')) ?? '').replace(/ /g, ''))
    const code = async (offset: number) => generateTOTP(secret, { timestamp: (await pageNow()) + offset * STEP })
    await page.fill('#code1', await code(-1))
    await page.fill('#code2', await code(0))
    await submit('#confirm-form button[type=submit]')
    await page.click('#recovery-done')
    expect(await page.isVisible('#trusted')).toBe(true)
    expect(await page.textContent('#trusted-list')).toContain('No trusted browsers')

    // Without a token the trusted sign-in is refused; a code with "trust this browser" ticked trusts it.
    await submit('#trusted-signin')
    expect((await message('trusted-message')).reason).toBe('device_malformed')
    await advance(STEP)
    await page.check('#trust-browser')
    await page.fill('#login-code', await code(0))
    await submit('#login-form button[type=submit]')
    const said = await message('login-message')
    expect(said.reason).toBe('ok_totp')
    expect(said.text).toContain('now trusted')
    expect(await page.textContent('#trusted-list')).toContain('(demo)')
    for (let i = 0; i < 2; i++) {
      await submit('#trusted-signin')
      expect((await message('trusted-message')).reason).toBe('ok_device')
    }
    await submit('#trusted-forget')
    expect((await message('trusted-message')).text).toContain('1 trusted browser forgotten')
    await submit('#trusted-signin')
    expect((await message('trusted-message')).reason).toBe('device_revoked')

    // An hour later the phone is 4 minutes behind: its code fails; two consecutive codes resync it.
    await advance(3_600_000)
    await page.fill('#login-code', await code(-8))
    await submit('#login-form button[type=submit]')
    expect((await message('login-message')).reason).toBe('invalid')
    await page.fill('#resync-code1', await code(-9))
    await page.fill('#resync-code2', await code(-8))
    await submit('#resync-form button[type=submit]')
    const resynced = await message('resync-message')
    expect(resynced.reason).toBe('resynced')
    expect(resynced.text).toContain('240 seconds behind')
    await advance(STEP)
    await page.fill('#login-code', await code(-8))
    await submit('#login-form button[type=submit]')
    expect((await message('login-message')).reason).toBe('ok_totp')
    await page.click('.audit summary')
    const audit = (await page.textContent('#events')) ?? ''
    for (const type of ['device_trusted', 'device_revoked', 'resynced']) expect(audit).toContain(type)
    await page.screenshot({ path: `${root}test-results/demo-trusted-resync.png`, fullPage: true })
  }, 60_000)

  it('says when a setup has expired and offers to start over', async () => {
    await page.goto(`${url}?now=${T0}`)
    await page.waitForSelector('body[data-ready=true]')
    await submit('#start-form button[type=submit]')
    expect(await page.isVisible('#confirm-form')).toBe(true)
    await advance(10 * 60_000)
    const said = await message('start-message')
    expect(said.reason).toBe('enrollment_expired')
    expect(said.text).toContain('Start over')
    expect(await page.isVisible('#confirm-form')).toBe(false)
    expect(await page.textContent('#status')).toContain('Off')
  }, 30_000)
})
