// The console's security keys and passkeys (examples/console/security-keys.mjs and .js), used in Debian's Chromium
// like a person would, with the browser's virtual authenticator (DevTools protocol, WebAuthn domain) standing in for
// the key: a key added with a proof from the app, a sign-in with it that trusts the browser, a copy of the key with a
// lower counter (its private key read out and planted in another browser) refused as cloned, a tampered signature
// and bogus ones refused and counted up to the lock, the key removed with a proof from itself, and a second user
// whose only factor is a synced passkey, from turning MFA on to its recovery codes, sign-in and removal. The server
// runs in this process on its own clock, which the test moves; SQLite always, PostgreSQL in CI. Screenshots of each page go to
// test-results/console-keys-*.png.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decodeBase32, generateTOTP } from 'mfa-core'
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningConsole, startConsole } from '../../examples/console/server.mjs'
import { haveChromium, launchChromium } from './chromium.js'
import {
  CONSOLE_BACKENDS,
  pageMessage,
  passIdentityCheck,
  signInWith,
  startBackend,
  submitForm,
} from './console-pages.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const haveBrowser = haveChromium('console security keys e2e')

const STEP = 30_000

/** The console's messages as docs/reasons.md writes them: the `messages` table, and the security-key pages' words. */
function documented(name: string): Record<string, string> {
  const docs = readFileSync(`${root}docs/reasons.md`, 'utf8')
  const block = new RegExp(`export const ${name}[^=]*= \\{\\n([\\s\\S]*?)\\n\\}`).exec(docs)?.[1] ?? ''
  return Object.fromEntries([...block.matchAll(/^ {2}(\w+):\s*(['"])(.*)\2,$/gm)].map(([, key, , text]) => [key, text]))
}

describe('the security-key pages refusal messages', () => {
  it('are the table of docs/reasons.md word for word', async () => {
    const keys = (await import('../../examples/console/security-keys.mjs' as string)) as {
      KEY_REASONS: Record<string, string>
    }
    expect(Object.keys(keys.KEY_REASONS).length).toBeGreaterThan(0)
    expect(keys.KEY_REASONS).toEqual(documented('keyMessages'))
  })
})

/** A virtual authenticator's options (WebAuthn.addVirtualAuthenticator). */
const USB_KEY = {
  protocol: 'ctap2',
  transport: 'usb',
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
}
const SYNCED_PASSKEY = { ...USB_KEY, transport: 'internal', defaultBackupEligibility: true, defaultBackupState: true }

describe.skipIf(!haveBrowser).each(CONSOLE_BACKENDS)(
  'console security keys over %s',
  { timeout: 120_000 },
  (backend) => {
    let clock = Math.floor(Date.now() / STEP) * STEP + 2000
    const advance = (ms: number) => {
      clock += ms
    }
    let app: RunningConsole
    let browser: Browser
    let context: BrowserContext
    let page: Page
    let cdp: CDPSession
    let usbKey: string // the virtual authenticator's id
    let dataDir: string
    let storage: Awaited<ReturnType<typeof startBackend>> | undefined
    const messages = documented('messages')
    const keyMessages = documented('keyMessages')

    const ALICE = 'alice@example.com'
    const BOB = 'bob@example.com'
    const PASSWORD = 'correct horse battery'
    let secret: Uint8Array
    const code = (offset = 0) => generateTOTP(secret, { timestamp: clock + offset * STEP })
    const leaks: string[] = [] // assertion and challenge texts: never in the audit log or a mail

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'mfa-console-keys-'))
      storage = await startBackend(backend)
      app = await startConsole({
        port: 0,
        dataDir,
        now: () => clock,
        supportPassword: 'support password for the test',
        ...storage.options,
      })
      mkdirSync(`${root}test-results`, { recursive: true })
      browser = await launchChromium()
      context = await browser.newContext({ viewport: { width: 1000, height: 900 }, colorScheme: 'light' })
      page = await context.newPage()
      page.setDefaultTimeout(20_000)
      ;({ cdp, authenticatorId: usbKey } = await withAuthenticator(page, USB_KEY))
    }, 60_000)

    afterAll(async () => {
      await browser?.close()
      await app?.close()
      await storage?.cleanup()
      if (dataDir) rmSync(dataDir, { recursive: true, force: true })
    })

    /** Plugs a virtual authenticator into the page's browser tab. */
    async function withAuthenticator(on: Page, options: Record<string, unknown>) {
      const session = await on.context().newCDPSession(on)
      await session.send('WebAuthn.enable', { enableUI: false })
      const { authenticatorId } = await session.send('WebAuthn.addVirtualAuthenticator', { options } as never)
      return { cdp: session, authenticatorId }
    }

    const shot = (name: string, on: Page = page) =>
      on.screenshot({ path: `${root}test-results/console-keys-${backend}-${name}.png`, fullPage: true })

    const submit = (formId: string, fields: Record<string, string>, on: Page = page) => submitForm(on, formId, fields)
    const message = (on: Page = page, id = 'message') => pageMessage(on, id)
    const signIn = (email: string, on: Page = page) => signInWith(on, app.url, email, PASSWORD)

    /** Clicks a button that runs a WebAuthn ceremony (security-keys.js), waiting for the page its post answers with. */
    async function useKey(button: string, on: Page = page) {
      const [response] = await Promise.all([on.waitForNavigation(), on.click(button)])
      return response
    }

    const path = (on: Page = page) => new URL(on.url()).pathname

    const signOut = (on: Page = page) => Promise.all([on.waitForNavigation(), on.click('#signout')])

    const rows = (on: Page = page) =>
      on.locator('tr.authenticator').evaluateAll((all) =>
        all.map((r) => ({
          label: r.getAttribute('data-label'),
          kind: r.querySelector('.kind')?.textContent,
          backedUp: r.querySelector('.backed-up')?.textContent,
          lastUsed: r.querySelectorAll('.when')[1]?.textContent,
        })),
      )

    it('is served on localhost, where a key works; the address by number moves there', async () => {
      expect(app.url).toMatch(/^http:\/\/localhost:\d+\/$/)
      expect(app.rpId).toBe('localhost')
      const byNumber = app.url.replace('localhost', '127.0.0.1')
      const moved = await page.request.get(`${byNumber}signin`, { maxRedirects: 0 })
      expect(moved.status()).toBe(308)
      expect(moved.headers().location).toBe(`${app.url}signin`)
      // an IP address as the RP ID would make every key fail in the browser: the console does not start
      const elsewhere = mkdtempSync(join(tmpdir(), 'mfa-console-keys-ip-'))
      try {
        await expect(startConsole({ port: 0, dataDir: elsewhere, rpId: '127.0.0.1' })).rejects.toThrow(
          'the RP ID must be a host name (localhost, console.example.com), not the IP address 127.0.0.1',
        )
      } finally {
        rmSync(elsewhere, { recursive: true, force: true })
      }
    })

    it('turns on MFA with an app, then adds a security key with a proof from the app', async () => {
      await page.goto(`${app.url}signup`)
      await submit('signup-form', { email: ALICE, password: PASSWORD })
      // a page with no key runs no script, and its policy allows none
      const plain = await page.request.get(`${app.url}security`)
      expect(plain.headers()['content-security-policy']).not.toContain('script-src')
      expect(await page.textContent('#server-side')).toContain('the page itself runs no script')
      expect(await page.textContent('#server-side')).toContain("An app's secret key is shown once")
      await shot('security-off')
      await submit('enable-form', { password: PASSWORD })
      await passIdentityCheck(page, app.url) // the emailed code first (identity.mjs)
      secret = decodeBase32(((await page.textContent('#manual-key')) ?? '').replace(/ /g, ''))
      await submit('confirm-form', { code1: await code(-1), code2: await code(0) })
      await Promise.all([page.waitForNavigation(), page.click('#saved')])
      expect(await page.getAttribute('#mfa', 'data-state')).toBe('on')

      // The code just used to turn MFA on is no proof: a replay, said beside the field, the name kept.
      await submit('key-form', { label: 'YubiKey', code: await code(0) })
      expect((await message()).reason).toBe('replayed')
      expect(await page.inputValue('#key-label')).toBe('YubiKey')

      advance(STEP)
      const registering = await submit('key-form', { label: 'YubiKey', code: await code(0) })
      expect(await page.textContent('h1')).toBe('Add a security key or passkey')
      // the one page script, allowed by this page's policy only, said in the footer
      const csp = registering?.headers()['content-security-policy'] ?? ''
      expect(csp).toContain("script-src 'self'")
      expect(csp).not.toContain('unsafe-inline')
      expect(await page.textContent('#server-side')).toContain('this page runs one small script')
      expect(await page.textContent('#server-side')).toContain('stores only its public key')
      expect(await page.textContent('#server-side')).not.toContain('secret key is shown once')
      const options = JSON.parse((await page.textContent('#webauthn-options')) ?? '{}')
      expect(options).toMatchObject({ rp: { id: 'localhost', name: 'Example Cloud' }, user: { name: ALICE } })
      leaks.push(options.challenge)
      await shot('add-key')
      await useKey('#register-key')
      expect(path()).toBe('/security')
      expect((await message(page, 'done')).reason).toBe('key-added')
      expect(await rows()).toEqual([
        // the app's code was the proof: it was used just now
        { label: 'My phone', kind: 'Authenticator app', backedUp: '', lastUsed: expect.stringMatching(/ UTC$/) },
        { label: 'YubiKey', kind: 'Security key (usb)', backedUp: 'no', lastUsed: 'never' },
      ])
      expect(await page.textContent('#mfa-status')).toContain('2 authenticators, 10 recovery codes left')
      await shot('key-added')

      // The same key again: the browser itself refuses (the options exclude the user's keys), said beside the button.
      advance(STEP)
      await submit('key-form', { label: 'YubiKey again', code: await code(0) })
      await page.click('#register-key')
      const refused = page.locator('#register-form .webauthn-message')
      await expect.poll(() => refused.getAttribute('data-reason')).toBe('InvalidStateError')
      expect(await refused.textContent()).toBe(
        'This security key is already registered to your account: use another one.',
      )
      await shot('add-key-again')
      await page.goto(`${app.url}security`)
      expect((await rows()).map((r) => r.label)).toEqual(['My phone', 'YubiKey'])
    })

    it('signs in with the key and trusts the browser', async () => {
      await signOut()
      await signIn(ALICE)
      expect(path()).toBe('/signin/key')
      await page.goto(app.url) // the home page, mid-sign-in, leads back to the key
      expect(path()).toBe('/signin/key')
      expect(await page.textContent('#server-side')).toContain('this page runs one small script')
      expect(await page.isVisible('#use-code')).toBe(true)
      await shot('signin-key')
      await page.check('#trust')
      await useKey('#use-key')
      expect(path()).toBe('/security')
      expect((await message(page, 'done')).reason).toBe('webauthn')
      const device = (await context.cookies()).find((c) => c.name === 'console_device')
      expect(device).toMatchObject({ httpOnly: true, sameSite: 'Strict' })
      expect(await page.locator('tr.device').getAttribute('data-label')).toBe('Chrome on Linux')
      // the key confirms changes for 10 minutes, like a code
      expect(await page.getAttribute('#step-up', 'data-confirmed')).toBe('yes')
      expect(await page.textContent('#step-up-status')).toContain('You used your security key at')
      expect((await rows())[1]?.lastUsed).not.toBe('never')
      await shot('signed-in-key')

      // The trusted browser comes back with the password alone; the code page leads to the key page and back.
      await signOut()
      await signIn(ALICE)
      expect((await message(page, 'done')).reason).toBe('trusted')
      await submit('revoke-0', {})
      await signOut()
      await signIn(ALICE)
      await Promise.all([page.waitForNavigation(), page.click('#use-code')])
      expect(path()).toBe('/signin/code')
      await Promise.all([page.waitForNavigation(), page.click('#use-key-instead')])
      expect(path()).toBe('/signin/key')
      let accepted = ''
      await page.route('**/signin/key', async (route) => {
        accepted = route.request().postData() ?? ''
        await route.continue()
      })
      await useKey('#use-key')
      await page.unroute('**/signin/key')
      expect((await message(page, 'done')).reason).toBe('webauthn')

      // That assertion, accepted once, posted again in place of a fresh one: never accepted again.
      await signOut()
      await signIn(ALICE)
      await page.route('**/signin/key', async (route) => {
        const fresh = new URLSearchParams(route.request().postData() ?? '')
        fresh.set('response', new URLSearchParams(accepted).get('response') ?? '')
        await route.continue({ postData: fresh.toString() })
      })
      await useKey('#use-key')
      await page.unroute('**/signin/key')
      expect(await message()).toEqual({ reason: 'replayed', text: keyMessages.replayed })
      await useKey('#use-key')
      expect((await message(page, 'done')).reason).toBe('webauthn')
    })

    it('refuses a copy of the key whose counter did not grow, as cloned', async () => {
      // The key's private key read out of the authenticator, and planted in another browser a step behind.
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: usbKey })
      expect(credentials).toHaveLength(1)
      const original = credentials[0]!
      expect(original.signCount).toBeGreaterThan(1)
      const thief = await browser.newContext({ viewport: { width: 1000, height: 900 } })
      const other = await thief.newPage()
      const clone = await withAuthenticator(other, USB_KEY)
      await clone.cdp.send('WebAuthn.addCredential', {
        authenticatorId: clone.authenticatorId,
        credential: { ...original, signCount: original.signCount - 1 },
      })
      await signIn(ALICE, other)
      expect(path(other)).toBe('/signin/key')
      await useKey('#use-key', other)
      const said = await message(other)
      expect(said.reason).toBe('cloned')
      expect(said.text).toBe(messages.cloned)
      expect(path(other)).toBe('/signin/key')
      await shot('signin-key-cloned', other)
      await thief.close()

      // The real key, whose counter went on growing, still signs in.
      await signOut()
      await signIn(ALICE)
      await useKey('#use-key')
      expect((await message(page, 'done')).reason).toBe('webauthn')
    })

    it('refuses a tampered or bogus signature and counts it, up to the lock that holds every factor', async () => {
      await signOut()
      await signIn(ALICE)
      // The assertion altered on its way to the server: one bit of its signature flipped.
      await page.route('**/signin/key', async (route) => {
        const form = new URLSearchParams(route.request().postData() ?? '')
        const assertion = JSON.parse(form.get('response') ?? '{}')
        const signature = Buffer.from(assertion.response.signature, 'base64url')
        signature[signature.length - 1] ^= 0x01
        assertion.response.signature = signature.toString('base64url')
        leaks.push(
          assertion.response.signature,
          assertion.response.clientDataJSON,
          assertion.response.authenticatorData,
        )
        form.set('response', JSON.stringify(assertion))
        await route.continue({ postData: form.toString() })
      })
      await useKey('#use-key')
      await page.unroute('**/signin/key')
      let said = await message()
      expect(said.reason).toBe('invalid')
      expect(said.text).toBe(keyMessages.invalid)
      await shot('signin-key-tampered')

      // The authenticator itself signing wrongly, three more times: still counted, then the fifth failure locks.
      await cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId: usbKey, isBogusSignature: true })
      for (let i = 0; i < 3; i++) {
        await useKey('#use-key')
        said = await message()
        expect(said).toEqual({ reason: 'invalid', text: keyMessages.invalid })
      }
      await useKey('#use-key')
      said = await message()
      expect(said.reason).toBe('invalid')
      expect(said.text).toBe(`${keyMessages.invalid} Locked: try again in 30 seconds.`)
      await cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId: usbKey, isBogusSignature: false })

      // Locked: the key is not asked (the server gives no challenge, and says why), and a right code is refused too.
      await page.click('#use-key')
      const wait = page.locator('#key-signin-form .webauthn-message')
      await expect.poll(() => wait.getAttribute('data-reason')).toBe('locked')
      expect(await wait.textContent()).toMatch(
        new RegExp(`^${keyMessages.locked} Locked: try again in \\d+ seconds\\.$`),
      )
      await shot('signin-key-locked')
      await Promise.all([page.waitForNavigation(), page.click('#use-code')])
      await submit('code-form', { code: await code(0) })
      expect((await message()).reason).toBe('locked')

      advance(2 * STEP)
      await Promise.all([page.waitForNavigation(), page.click('#use-key-instead')])
      await useKey('#use-key')
      expect((await message(page, 'done')).reason).toBe('webauthn')
    })

    it('removes the key with a proof from the key itself', async () => {
      // Eleven minutes on, the sign-in no longer confirms changes: the key confirms them again.
      advance(11 * 60_000)
      await page.goto(`${app.url}security`)
      expect(await page.getAttribute('#step-up', 'data-confirmed')).toBe('no')
      await shot('step-up-key')
      await useKey('#step-up-key')
      expect((await message(page, 'done')).reason).toBe('confirmed')
      expect(await page.textContent('#step-up-status')).toContain('You used your security key at')
      // the confirmed page needs no script: none is loaded
      expect(await page.locator('script[src]').count()).toBe(0)
      await submit('remove-1', {})
      expect((await message(page, 'done')).reason).toBe('removed')
      expect((await rows()).map((r) => r.label)).toEqual(['My phone'])
      await shot('key-removed')

      // Sign-in asks for a code again, and offers no key.
      await signOut()
      await signIn(ALICE)
      expect(path()).toBe('/signin/code')
      expect(await page.isVisible('#use-key-instead')).toBe(false)
      advance(STEP)
      await submit('code-form', { code: await code(0) })
      expect((await message(page, 'done')).reason).toBe('totp')
    })

    it('a user whose only factor is a synced passkey: turn on, recovery codes, sign in, and remove it', async () => {
      const bobContext = await browser.newContext({ viewport: { width: 1000, height: 900 }, colorScheme: 'light' })
      const bob = await bobContext.newPage()
      bob.setDefaultTimeout(20_000)
      const { cdp: bobCDP, authenticatorId: passkey } = await withAuthenticator(bob, SYNCED_PASSKEY)
      await bob.goto(`${app.url}signup`)
      await submit('signup-form', { email: BOB, password: PASSWORD }, bob)
      await submit('key-enable-form', { password: 'not my password', label: 'Laptop passkey' }, bob)
      expect((await message(bob)).reason).toBe('password_wrong')
      await submit('key-enable-form', { password: PASSWORD, label: 'Laptop passkey' }, bob)
      // the service registers a first key only on the proof of a code emailed to the account, as a first app
      expect(await bob.textContent('#identity-intro')).toContain('a security key or passkey is registered')
      await shot('enable-key-identity', bob)
      await passIdentityCheck(bob, app.url)
      expect(await bob.textContent('h1')).toBe('Turn on MFA with a security key')
      await shot('enable-key', bob)
      await useKey('#register-key', bob)
      expect(path(bob)).toBe('/security/recovery-codes')
      const recoveryCodes = await bob.locator('#recovery-codes li').allTextContents()
      expect(recoveryCodes).toHaveLength(10)
      await shot('enable-key-recovery-codes', bob)
      await Promise.all([bob.waitForNavigation(), bob.click('#saved')])
      expect(await bob.getAttribute('#mfa', 'data-state')).toBe('on')
      expect(await rows(bob)).toEqual([
        { label: 'Laptop passkey', kind: 'Passkey (internal)', backedUp: 'yes', lastUsed: 'never' },
      ])
      expect(await bob.textContent('#mfa-status')).toContain('1 authenticator, 10 recovery codes left')
      await shot('key-only', bob)
      await bob.goto(`${app.url}dev/outbox`)
      expect(await bob.textContent('section.mail pre')).toContain(
        'Multi-factor authentication was turned on for your account: a security key or passkey was added',
      )

      // Sign-in: the passkey; the way round is a recovery code.
      await signOut(bob)
      await signIn(BOB, bob)
      expect(path(bob)).toBe('/signin/key')
      expect(await bob.textContent('#use-code')).toBe('Lost your key? Use a recovery code')
      await useKey('#use-key', bob)
      expect((await message(bob, 'done')).reason).toBe('webauthn')
      await signOut(bob)
      await signIn(BOB, bob)
      await Promise.all([bob.waitForNavigation(), bob.click('#use-code')])
      // no app to name: the code page asks for a recovery code alone
      expect(await bob.textContent('#code-intro')).toBe(
        'This account has MFA on with a security key. Without it, type one of your recovery codes.',
      )
      await submit('code-form', { code: recoveryCodes[0]! }, bob)
      expect((await message(bob, 'done')).reason).toBe('recovery')

      // A recovery code only signs in: the passkey confirms the change, and removing the last factor turns MFA off.
      expect(await bob.getAttribute('#step-up', 'data-confirmed')).toBe('no')
      expect(await bob.isVisible('#step-up-form')).toBe(false) // no app: no code to type
      await useKey('#step-up-key', bob)
      expect((await message(bob, 'done')).reason).toBe('confirmed')
      await submit('remove-0', {}, bob)
      expect((await message(bob, 'done')).reason).toBe('removed')
      expect(await bob.getAttribute('#mfa', 'data-state')).toBe('off')
      await shot('key-only-removed', bob)
      const { credentials } = await bobCDP.send('WebAuthn.getCredentials', { authenticatorId: passkey })
      expect(credentials).toHaveLength(1) // the passkey stays on the device; the console no longer accepts it
      await bobContext.close()
    })

    it('support sees each key event, with its kind and why it failed, and never a challenge or a signature', async () => {
      const support = await (await browser.newContext({ viewport: { width: 1000, height: 900 } })).newPage()
      await support.goto(`${app.url}signin`)
      await submit('signin-form', { email: app.supportEmail, password: app.supportPassword }, support)
      const audit = (await support.textContent('#audit')) ?? ''
      for (const text of ['authenticator_added', 'kind: webauthn', 'method: webauthn', 'cloned', 'bad_signature']) {
        expect(audit).toContain(text)
      }
      for (const leak of leaks) expect(audit).not.toContain(leak)
      await shot('support-audit', support)
      await support.context().close()

      // Alice's emails say which kind of authenticator came and went, and that a copy of her key was refused.
      await page.goto(`${app.url}dev/outbox`)
      const subjects = await page.locator('section.mail').evaluateAll((all) => all.map((m) => m.dataset.subject))
      expect(subjects).toContain('A security key was added to your Example Cloud account')
      expect(subjects).toContain('A security key was removed from your Example Cloud account')
      expect(subjects).toContain('A copy of your security key may exist (Example Cloud)')
      const mails = (await page.textContent('main')) ?? ''
      for (const leak of leaks) expect(mails).not.toContain(leak)
      await shot('outbox')
    })
  },
)
