// The console (examples/console), used in Debian's Chromium like a person would: sign up, turn on MFA reading the key
// from the page (a stand-in phone, zbarimg on a screenshot and oathtool, confirms it; the other codes are computed
// here with mfa-core, as a phone would), sign in with a code, a replay, a lock, a
// recovery code, disable, and a support reset. The server runs in this process on its own clock, which the test
// moves, so no step waits for real time. SQLite always; PostgreSQL as well in CI (or with MFA_E2E_POSTGRES=1); the
// MFA records in Redis with MFA_E2E_REDIS=1.
// Screenshots of each page go to test-results/console-*.png.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decodeBase32, generateTOTP, parseKeyURI } from 'mfa-core'
import type { Browser, BrowserContext, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningConsole, startConsole } from '../../examples/console/server.mjs'
import { haveChromium, launchChromium, scanQR } from './chromium.js'
import {
  CONSOLE_BACKENDS,
  pageMessage,
  passIdentityCheck,
  signInWith,
  startBackend,
  submitForm,
} from './console-pages.js'
import { havePhone, phoneCode, scanWithPhone } from './phone.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const haveBrowser = haveChromium('console e2e')
const withPhone = haveBrowser && havePhone('console e2e steps with a stand-in phone (zbarimg + oathtool)')

const STEP = 30_000
const backends = CONSOLE_BACKENDS

describe('the console refusal messages', () => {
  it('are the table of docs/reasons.md word for word, one per reason', async () => {
    const docs = readFileSync(`${root}docs/reasons.md`, 'utf8')
    const block = /export const messages[^=]*= \{\n([\s\S]*?)\n\}/.exec(docs)?.[1] ?? ''
    const table = Object.fromEntries([...block.matchAll(/^ {2}(\w+): '(.*)',$/gm)].map(([, key, text]) => [key, text]))
    const pages = (await import('../../examples/console/pages.mjs' as string)) as { REASONS: Record<string, string> }
    expect(Object.keys(table)).toHaveLength(block.trim().split('\n').length)
    expect(pages.REASONS).toEqual(table)
  })
})

// Generous per-test time: the machine running the whole suite is busy; no assertion here is about time.
describe.skipIf(!haveBrowser).each(backends)('console (examples/console) over %s', { timeout: 90_000 }, (backend) => {
  // The app's clock: real time rounded to 2 s into a step (databases keep their own clock for row expiry), moved
  // forward by the test.
  let clock = Math.floor(Date.now() / STEP) * STEP + 2000
  const advance = (ms: number) => {
    clock += ms
  }
  let app: RunningConsole
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let dataDir: string
  let storage: Awaited<ReturnType<typeof startBackend>> | undefined
  // The server slowed down: requests for `path` wait, once read, until the test opens the gate, and each one waits for
  // the one before it to be answered, as a busy database would serve them (no timing: the test waits for the requests
  // to arrive, then lets them through).
  type Gate = {
    method: string
    path: string
    arrived: number
    open: () => void
    opened: Promise<void>
    answered: Promise<void>[]
  }
  let gate: Gate | null = null
  const slowDown = (method: string, path: string) => {
    let open = () => {}
    const opened = new Promise<void>((resolve) => {
      open = resolve
    })
    gate = { method, path, arrived: 0, open, opened, answered: [] }
    return gate
  }

  const EMAIL = 'alice@example.com'
  const PASSWORD = 'correct horse battery'
  let secret: Uint8Array
  let shownKey: string
  let recoveryCodes: string[] = []
  const typed: string[] = [] // every code typed, to check the audit log shows none

  /** What an authenticator app shows at the app's clock plus `offset` steps. */
  const code = async (offset = 0, key = secret) => {
    const c = await generateTOTP(key, { timestamp: clock + offset * STEP })
    typed.push(c)
    return c
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mfa-console-'))
    storage = await startBackend(backend)
    app = await startConsole({
      port: 0,
      dataDir,
      now: () => clock,
      supportPassword: 'support password for the test',
      beforeRoute: async (request) => {
        const held = gate
        if (!held || request.method !== held.method || !request.url?.startsWith(held.path)) return undefined
        const before = held.answered.at(-1)
        let answered = () => {}
        held.answered.push(new Promise<void>((resolve) => (answered = resolve)))
        held.arrived++
        await held.opened
        await before
        return answered
      },
      ...storage.options,
    })
    mkdirSync(`${root}test-results`, { recursive: true })
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1000, height: 900 }, colorScheme: 'light' })
    page = await context.newPage()
    page.setDefaultTimeout(20_000)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await storage?.cleanup()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  const shot = (name: string) =>
    page.screenshot({ path: `${root}test-results/console-${backend}-${name}.png`, fullPage: true })

  /** Fills a form's fields and submits it, waiting for the page the server answers with. */
  const submit = (formId: string, fields: Record<string, string>, on: Page = page) => submitForm(on, formId, fields)
  const message = (on: Page = page, id = 'message') => pageMessage(on, id)
  const signIn = (email: string, password: string, on: Page = page) => signInWith(on, app.url, email, password)

  const signOut = () => Promise.all([page.waitForNavigation(), page.click('#signout')])

  it('signs up and says where everything runs', async () => {
    await page.goto(app.url)
    expect(await page.textContent('#server-side')).toContain('Everything here runs on the server.')
    await page.goto(`${app.url}signup`)
    await submit('signup-form', { email: EMAIL, password: 'short' })
    expect((await message()).reason).toBe('password')
    await submit('signup-form', { email: EMAIL, password: PASSWORD })
    expect(new URL(page.url()).pathname).toBe('/security')
    expect(await page.getAttribute('#mfa', 'data-state')).toBe('off')
    expect(await page.textContent('#who')).toBe(EMAIL)
    await shot('security-off')

    // The session cookie is HTTP-only and SameSite=Strict; a form posted without the CSRF token is refused.
    const [cookie] = await context.cookies()
    expect(cookie).toMatchObject({ name: 'console_session', httpOnly: true, sameSite: 'Strict' })
    const forged = await page.request.post(`${app.url}security/mfa/begin`, { form: { password: PASSWORD } })
    expect(forged.status()).toBe(403)
    const csrf = await page.getAttribute('#enable-form [name=csrf]', 'value')
    const crossSite = await page.request.post(`${app.url}security/mfa/begin`, {
      form: { csrf: csrf ?? '', password: PASSWORD, label: 'x' },
      headers: { origin: 'http://attacker.example' },
    })
    expect(crossSite.status()).toBe(403)
  })

  it('enables MFA: password again, QR code and key, two consecutive codes, recovery codes once', async () => {
    await submit('enable-form', { password: 'not my password' })
    expect((await message()).reason).toBe('password_wrong')
    await submit('enable-form', { password: PASSWORD })
    await passIdentityCheck(page, app.url)

    shownKey = (await page.textContent('#manual-key')) ?? ''
    expect(shownKey).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/)
    secret = decodeBase32(shownKey.replace(/ /g, ''))
    // The inline QR code, rasterised in the page and read back, holds the same key.
    const params = parseKeyURI((await scanQR(page)) ?? '')
    expect(params).toMatchObject({ issuer: 'Example Cloud', accountName: EMAIL })
    expect(params.secret).toEqual(secret)
    // The phone: the QR code as the page shows it, from a screenshot read by zbarimg; its codes from oathtool.
    const scanned = withPhone ? await scanWithPhone(page, dataDir) : null
    if (scanned) expect(parseKeyURI(scanned)).toEqual(params)
    const phone = (offset: number) => {
      if (!scanned) return code(offset)
      const c = phoneCode(scanned, clock + offset * STEP)
      typed.push(c)
      return c
    }
    await shot('enroll')

    const refusals: [string, () => Promise<[string, string]>, string][] = [
      ['malformed', async () => ['12345', await code(0)], '6 digits'],
      ['same_code', async () => [await code(0), await code(0)], 'same code twice'],
      ['reversed', async () => [await code(0), await code(-1)], 'wrong order'],
      ['not_consecutive', async () => [await code(-2), await code(0)], 'not one after the other'],
    ]
    for (const [reason, codes, words] of refusals) {
      const [code1, code2] = await codes()
      await submit('confirm-form', { code1, code2 })
      const said = await message()
      expect(said.reason).toBe(reason)
      expect(said.text).toContain(words)
      // the same QR code and key stay on the page: the entry the user scanned keeps working
      expect(await page.textContent('#manual-key')).toBe(shownKey)
      expect(parseKeyURI((await scanQR(page)) ?? '')).toEqual(params)
    }
    await shot('enroll-refused')

    // A double click on "Turn on MFA" with a slow server: both posts arrive, and whichever answer the browser
    // shows, it holds the codes that work (the repeated confirmation answers with the same ones).
    const slow = slowDown('POST', '/security/mfa/confirm')
    await page.fill('#code1', await phone(-1))
    await page.fill('#code2', await phone(0))
    // two clicks of the mouse, as a person would (the page's own click helper waits for the first navigation)
    const button = await page.locator('#confirm-form button[type=submit]').boundingBox()
    const [x, y] = [(button?.x ?? 0) + 5, (button?.y ?? 0) + 5]
    await page.mouse.click(x, y)
    await expect.poll(() => slow.arrived).toBe(1) // the first post is at the server, which is slow to answer
    await page.mouse.click(x, y)
    await expect.poll(() => slow.arrived).toBe(2)
    const shown = page.waitForURL('**/security/recovery-codes?after=enabled')
    gate = null
    slow.open()
    await shown
    recoveryCodes = await page.locator('#recovery-codes li').allTextContents()
    expect(recoveryCodes).toHaveLength(10)
    // a reload, the server slow again: the same codes (the page is a GET over codes kept sealed until saved)
    const reloading = slowDown('GET', '/security/recovery-codes')
    const reloaded = page.reload()
    await expect.poll(() => reloading.arrived).toBe(1)
    gate = null
    reloading.open()
    await reloaded
    expect(await page.locator('#recovery-codes li').allTextContents()).toEqual(recoveryCodes)
    for (const c of recoveryCodes) expect(c).toMatch(/^[0-9a-z]{4,5}(-[0-9a-z]{4,5})+$/)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')])
    const saved = readFileSync((await download.path()) ?? '', 'utf8')
    for (const c of recoveryCodes) expect(saved).toContain(c)
    await shot('recovery-codes')

    // Away and back before saying they are saved: the settings page leads back to the same codes.
    await page.goto(`${app.url}security`)
    await Promise.all([page.waitForNavigation(), page.click('#unsaved-codes a')])
    expect(await page.locator('#recovery-codes li').allTextContents()).toEqual(recoveryCodes)
    await Promise.all([page.waitForNavigation(), page.click('#saved')])
    expect((await message(page, 'done')).reason).toBe('enabled')
    expect(await page.getAttribute('#mfa', 'data-state')).toBe('on')
    expect(await page.textContent('#mfa-status')).toContain('1 authenticator, 10 recovery codes left')
    expect(await page.isVisible('#unsaved-codes')).toBe(false)
    await shot('security-on')
    // saved: never shown again
    await page.goto(`${app.url}security/recovery-codes`)
    expect(new URL(page.url()).pathname).toBe('/security')
  })

  it('throttles passwords, then asks for a code: a replay is refused, a fresh code signs in', async () => {
    await signOut()
    for (let i = 0; i < 4; i++) {
      await signIn(EMAIL, 'wrong password')
      expect((await message()).reason).toBe('password_wrong')
    }
    await signIn(EMAIL, 'wrong password')
    let said = await message()
    expect(said.reason).toBe('password_locked')
    expect(said.text).toContain('try again in 30 seconds')
    await signIn(EMAIL, PASSWORD) // the right password is not even checked while locked
    expect((await message()).reason).toBe('password_locked')
    await shot('password-locked')
    advance(STEP)

    await signIn(EMAIL, PASSWORD)
    expect(new URL(page.url()).pathname).toBe('/signin/code')
    // A half-signed-in session reaches nothing else.
    await page.goto(`${app.url}security`)
    expect(new URL(page.url()).pathname).toBe('/signin')
    await signIn(EMAIL, PASSWORD)

    // The enrollment consumed the code of this step (the clock moved one step since; it is the previous one now).
    await submit('code-form', { code: await code(-1) })
    said = await message()
    expect(said.reason).toBe('replayed')
    expect(said.text).toContain('already been used')
    await shot('signin-replayed')

    await submit('code-form', { code: await code(0) })
    expect(new URL(page.url()).pathname).toBe('/security')
    expect((await message(page, 'done')).reason).toBe('totp')
  })

  const deviceRows = () => page.locator('tr.device').evaluateAll((rows) => rows.map((r) => r.dataset.label))

  it('trusts this browser for 30 days: it comes back without a code until revoked', async () => {
    await signOut()
    await signIn(EMAIL, PASSWORD)
    advance(STEP)
    await page.check('#trust')
    await submit('code-form', { code: await code(0) })
    expect((await message(page, 'done')).reason).toBe('totp')
    expect(await deviceRows()).toEqual(['Chrome on Linux'])
    expect(await page.getAttribute('tr.device', 'data-this')).toBe('yes')
    const device = (await context.cookies()).find((c) => c.name === 'console_device')
    expect(device).toMatchObject({ httpOnly: true, sameSite: 'Strict' })
    expect((device?.expires ?? 0) * 1000 - Date.now()).toBeGreaterThan(29 * 86_400_000)
    await shot('trusted-browser')

    // Password only: the trusted browser skips the code, and its token is replaced.
    await signOut()
    await signIn(EMAIL, PASSWORD)
    expect(new URL(page.url()).pathname).toBe('/security')
    expect((await message(page, 'done')).reason).toBe('trusted')
    await shot('signed-in-trusted')
    const rotated = (await context.cookies()).find((c) => c.name === 'console_device')
    expect(rotated?.value).not.toBe(device?.value)

    // A copy of the cookie taken before that sign-in opens nothing, and, being a token the rotation replaced, it
    // revokes the device: the real browser is asked for a code again too (reuse detection), and trusted anew.
    const thief = await browser.newContext()
    await thief.addCookies([{ ...device!, expires: -1 }])
    const other = await thief.newPage()
    await signIn(EMAIL, PASSWORD, other)
    expect(new URL(other.url()).pathname).toBe('/signin/code')
    await thief.close()
    await signOut()
    await signIn(EMAIL, PASSWORD)
    expect(new URL(page.url()).pathname).toBe('/signin/code')
    advance(STEP)
    await page.check('#trust')
    await submit('code-form', { code: await code(0) })
    expect((await message(page, 'done')).reason).toBe('totp')
    expect(await deviceRows()).toEqual(['Chrome on Linux'])

    // Revoked: the next sign-in asks for a code again.
    await submit('revoke-0', {})
    expect((await message(page, 'done')).reason).toBe('revoked')
    expect(await page.isVisible('#no-devices')).toBe(true)
    await signOut()
    await signIn(EMAIL, PASSWORD)
    expect(new URL(page.url()).pathname).toBe('/signin/code')
    advance(STEP)
    await submit('code-form', { code: await code(0) })
    expect((await message(page, 'done')).reason).toBe('totp')
  })

  it('locks after wrong codes and shows the wait; a recovery code signs in once', async () => {
    await signOut()
    await signIn(EMAIL, PASSWORD)
    const nearby = new Set([await code(-1), await code(0), await code(1)])
    let wrong = 100_000
    while (nearby.has(String(wrong))) wrong++
    for (let i = 0; i < 4; i++) {
      await submit('code-form', { code: String(wrong) })
      expect((await message()).reason).toBe('invalid')
    }
    await submit('code-form', { code: String(wrong) })
    let said = await message()
    expect(said.reason).toBe('invalid')
    expect(said.text).toContain('try again in 30 seconds')
    await submit('code-form', { code: await code(1) })
    said = await message()
    expect(said.reason).toBe('locked')
    expect(said.text).toMatch(/try again in \d+ seconds/)
    await shot('signin-locked')

    advance(2 * STEP)
    await submit('code-form', { code: recoveryCodes[3]!.toUpperCase() })
    expect((await message(page, 'done')).reason).toBe('recovery')
    expect(await page.textContent('#mfa-status')).toContain('9 recovery codes left')
    await shot('signed-in-recovery')

    await signOut()
    await signIn(EMAIL, PASSWORD)
    await submit('code-form', { code: recoveryCodes[3]! })
    expect((await message()).reason).toBe('invalid')
    advance(STEP)
    await submit('code-form', { code: await code(0) })
    expect((await message(page, 'done')).reason).toBe('totp')
  })

  const labels = () =>
    page.locator('tr.authenticator').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label')))

  it('adds a second authenticator with a proof, renames one and removes the first', async () => {
    // Signed in with a code moments ago: changes need no other code for 10 minutes (a step-up proof in the
    // session). A code typed anyway is checked: the one just used to sign in is a replay.
    expect(await page.getAttribute('#step-up', 'data-confirmed')).toBe('yes')
    await shot('step-up-confirmed')
    await submit('add-form', { label: 'Work phone', code: await code(0) })
    expect((await message()).reason).toBe('replayed')
    // beside the field it concerns, the name kept, the refused code emptied (it cannot work again)
    expect(await page.locator('#add-form #message').count()).toBe(1)
    expect(await page.inputValue('#add-label')).toBe('Work phone')
    expect(await page.inputValue('#add-code')).toBe('')
    expect(new URL(page.url()).hash).toBe('#add-form')
    await shot('error-beside-field')
    await submit('add-form', { label: 'Work phone' })
    const second = decodeBase32(((await page.textContent('#manual-key')) ?? '').replace(/ /g, ''))
    expect(second).not.toEqual(secret)
    await shot('add-authenticator')
    await submit('confirm-form', { code1: await code(-1, second), code2: await code(0, second) })
    expect((await message(page, 'done')).reason).toBe('added')
    expect(await labels()).toEqual(['My phone', 'Work phone'])
    expect(await page.textContent('#mfa-status')).toContain('2 authenticators, 9 recovery codes left')
    await shot('authenticators')

    // A name is text, never markup.
    await submit('rename-0', { label: '<b>Old</b> phone' })
    expect((await message(page, 'done')).reason).toBe('renamed')
    expect(await labels()).toEqual(['<b>Old</b> phone', 'Work phone'])
    expect(await page.locator('#authenticators b').count()).toBe(0)

    // Ten minutes later the proof is too old: removing the old phone takes a code (of the new one).
    advance(11 * 60_000)
    await page.goto(`${app.url}security`)
    expect(await page.getAttribute('#step-up', 'data-confirmed')).toBe('no')
    await submit('remove-0', { code: await code(0, second) })
    expect((await message(page, 'done')).reason).toBe('removed')
    expect(await labels()).toEqual(['Work phone'])

    // A step-up proof is void once recovery codes are replaced (as after any removal, disable or reset).
    advance(STEP)
    await submit('step-up-form', { code: await code(0, second) })
    expect((await message(page, 'done')).reason).toBe('confirmed')
    // A recovery code typed as the proof is not spent without a word: the page warns, keeps it, and asks again.
    const left = (await page.textContent('#mfa-status')) ?? ''
    await submit('regenerate-form', { code: recoveryCodes[5]! })
    let said = await message()
    expect(said.reason).toBe('recovery_spend')
    expect(said.text).toContain('will not work again (8 would be left)')
    expect(await page.locator('#regenerate-form #message').count()).toBe(1)
    expect(await page.inputValue('#regenerate-code')).toBe(recoveryCodes[5])
    expect(await page.isVisible('#regenerate-form-spend')).toBe(true)
    expect(await page.textContent('#mfa-status')).toBe(left)
    await shot('recovery-spend-warning')
    await submit('regenerate-form', { code: '' }) // the code typed a moment ago confirms it instead
    const fresh = await page.locator('#recovery-codes li').allTextContents()
    expect(fresh).toHaveLength(10)
    said = await message()
    expect(said.reason).toBe('regenerated')
    expect(said.text).toContain('the old ones no longer work')
    expect(said.text).not.toContain('sign-in asks for a code')
    recoveryCodes.push(...fresh)
    await Promise.all([page.waitForNavigation(), page.click('#saved')])
    said = await message(page, 'done')
    expect(said.reason).toBe('codes-saved')
    expect(said.text).not.toContain('MFA is on')
    expect(await page.getAttribute('#step-up', 'data-confirmed')).toBe('no')

    // "Confirm it is you" takes no recovery code: it would spend one for nothing, so it is not even checked.
    await submit('step-up-form', { code: fresh[0]! })
    expect((await message()).reason).toBe('recovery_not_step_up')
    expect(await page.textContent('#mfa-status')).toContain('10 recovery codes left')

    // The old phone's codes no longer sign in; the new phone's do.
    await signOut()
    await signIn(EMAIL, PASSWORD)
    advance(STEP)
    await submit('code-form', { code: await code(0) })
    expect((await message()).reason).toBe('invalid')
    secret = second
    await submit('code-form', { code: await code(0) })
    expect((await message(page, 'done')).reason).toBe('totp')
  })

  it('disables MFA only with a fresh proof: a code, or one typed less than 10 minutes ago', async () => {
    await submit('disable-form', { code: await code(0) }) // just used to sign in
    expect((await message()).reason).toBe('replayed')
    await submit('disable-form', { code: 'not a code' })
    expect((await message()).reason).toBe('malformed')
    // A form over 16 KB gets a page that says so, and changes nothing.
    await page.fill('#disable-code', '1'.repeat(20_000))
    const [tooLarge] = await Promise.all([page.waitForNavigation(), page.click('#disable-form button[type=submit]')])
    expect(tooLarge?.status()).toBe(413)
    expect(await page.textContent('h1')).toBe('This form is too large')
    expect((await message()).reason).toBe('too_large')
    await shot('form-too-large')
    await page.goto(`${app.url}security`)
    expect(await page.getAttribute('#mfa', 'data-state')).toBe('on')
    advance(STEP)
    await submit('disable-form', {}) // the sign-in code, two minutes ago, is the proof
    expect((await message(page, 'done')).reason).toBe('disabled')
    expect(await page.getAttribute('#mfa', 'data-state')).toBe('off')
    await shot('disabled')
  })

  it('support resets a user who lost their phone, with actor and reason in the audit log', async () => {
    // A setup left for longer than 10 minutes has expired, and the page says to start over.
    await submit('enable-form', { password: PASSWORD })
    await passIdentityCheck(page, app.url)
    secret = decodeBase32(((await page.textContent('#manual-key')) ?? '').replace(/ /g, ''))
    advance(11 * 60_000)
    await submit('confirm-form', { code1: await code(-1), code2: await code(0) })
    const said = await message()
    expect(said.reason).toBe('enrollment_expired')
    expect(said.text).toContain('Start over')
    expect(await page.isVisible('#qr')).toBe(false)
    expect(await page.isVisible('#start-over')).toBe(true)

    // MFA on again, then lost.
    await page.goto(`${app.url}security`)
    await submit('enable-form', { password: PASSWORD })
    await passIdentityCheck(page, app.url)
    shownKey = (await page.textContent('#manual-key')) ?? ''
    secret = decodeBase32(shownKey.replace(/ /g, ''))
    await submit('confirm-form', { code1: await code(-1), code2: await code(0) })
    expect(await page.locator('#recovery-codes li').count()).toBe(10)

    const support = await (await browser.newContext({ viewport: { width: 1000, height: 900 } })).newPage()
    await signIn(app.supportEmail, app.supportPassword, support)
    expect(new URL(support.url()).pathname).toBe('/support')
    await submit('reset-form', { email: 'nobody@example.com', reason: 'ticket 41' }, support)
    expect((await message(support)).reason).toBe('unknown_user')
    expect(await support.locator('#reset-form #message').count()).toBe(1)
    expect(await support.inputValue('#reset-reason')).toBe('ticket 41')
    await submit(
      'reset-form',
      { email: EMAIL, reason: 'ticket 42: phone lost, identity checked by call-back' },
      support,
    )
    expect((await message(support, 'done')).reason).toBe('reset')
    const audit = (await support.textContent('#audit')) ?? ''
    expect(audit).toContain('reset')
    expect(audit).toContain('actor: support:support@example.com')
    expect(audit).toContain('ticket 42: phone lost')
    for (const event of [
      'enrolled',
      'verified',
      'replay_rejected',
      'locked',
      'recovery_used',
      'authenticator_added',
      'authenticator_renamed',
      'authenticator_removed',
      'device_trusted',
      'device_revoked',
      'recovery_regenerated',
      'disabled',
    ]) {
      expect(audit).toContain(event)
    }
    // Never a secret or a code.
    expect(audit).not.toContain(shownKey.replace(/ /g, ''))
    for (const c of [...typed, ...recoveryCodes]) expect(audit).not.toContain(c)
    await support.screenshot({ path: `${root}test-results/console-${backend}-support.png`, fullPage: true })
    await support.context().close()

    // Alice signs in with her password alone again.
    await signOut()
    await signIn(EMAIL, PASSWORD)
    expect(new URL(page.url()).pathname).toBe('/security')
    expect(await page.getAttribute('#mfa', 'data-state')).toBe('off')

    // Each change to her MFA sent her an email (kept in the development outbox, newest first): never a code of her
    // app or a recovery code; the verification codes of the three identity checks went there too.
    await Promise.all([page.waitForNavigation(), page.click('#outbox-link')])
    expect(await page.textContent('#outbox-note')).toContain('not sent')
    const subjects = await page.locator('section.mail').evaluateAll((all) => all.map((m) => m.dataset.subject))
    const verification = 'Your Example Cloud verification code'
    expect(subjects).toEqual([
      'Our support team reset MFA on your Example Cloud account',
      'MFA was turned on for your Example Cloud account',
      verification,
      verification,
      'MFA was turned off for your Example Cloud account',
      'An authenticator was removed from your Example Cloud account',
      'An authenticator was added to your Example Cloud account',
      'MFA was turned on for your Example Cloud account',
      verification,
    ])
    const mails = (await page.textContent('main')) ?? ''
    expect(mails).toContain(`To ${EMAIL}`)
    expect(mails).toContain('If this was you, there is nothing to do.')
    expect(mails).not.toContain(shownKey.replace(/ /g, ''))
    for (const c of [...typed, ...recoveryCodes]) expect(mails).not.toContain(c)
    await shot('outbox')
  })

  // (PostgreSQL keeps its files elsewhere; the sealing itself is the service's, tested in test/mfa.)
  if (backend === 'sqlite')
    it('keeps no secret in clear in the database file', () => {
      const files = readdirSync(dataDir).filter((f) => f.startsWith('console.sqlite'))
      expect(files.length).toBeGreaterThan(0)
      const bytes = files.map((f) => readFileSync(join(dataDir, f)).toString('latin1')).join('')
      expect(bytes.includes(EMAIL), 'the file is the app database').toBe(true)
      expect(bytes.includes(shownKey.replace(/ /g, '')), 'the secret in clear').toBe(false)
    })
})
