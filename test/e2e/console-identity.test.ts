// The console's identity check before MFA is bound, with real email: the test starts an SMTP server on loopback
// (smtp-server, a sink), the console sends through it with nodemailer (its SMTP_URL path), and Chromium goes through
// "Turn on MFA" as a person would: the code is read from the message the server received. A too-early resend, a
// wrong code and an expired one are shown, word for word; then a new code passes the check and the QR code appears,
// and the setup completes. The console's clock is the test's, so nothing waits for real time.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decodeBase32, generateTOTP } from 'mfa-core'
import type { Browser, Page } from 'playwright'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningConsole, startConsole } from '../../examples/console/server.mjs'
import { haveChromium, launchChromium } from './chromium.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const haveBrowser = haveChromium('console identity-check e2e')
const STEP = 30_000
const MIN = 60_000

/** A message as the SMTP server received it: envelope and the text, quoted-printable decoded. */
interface Received {
  from: string
  to: string[]
  raw: string
  text: string
}

/** The body as text: quoted-printable soft breaks joined and `=XX` escapes decoded (nodemailer folds long lines). */
const decodeQP = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    .replace(/\r\n/g, '\n')

/** `YYYY-MM-DD HH:MM UTC`, as the console writes times. */
const date = (ms: number) => `${new Date(ms).toISOString().replace('T', ' ').slice(0, 16)} UTC`

describe.skipIf(!haveBrowser)('the console identity check over real SMTP', { timeout: 90_000 }, () => {
  let clock = Math.floor(Date.now() / STEP) * STEP + 2000
  const received: Received[] = []
  let smtp: SMTPServer
  let app: RunningConsole
  let browser: Browser
  let page: Page
  let dataDir: string
  const EMAIL = 'bob@example.com'
  const PASSWORD = 'correct horse battery'

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8')
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            text: decodeQP(raw),
          })
          callback()
        })
      },
    })
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
    const address = smtp.server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    dataDir = mkdtempSync(join(tmpdir(), 'mfa-console-smtp-'))
    app = await startConsole({ port: 0, dataDir, now: () => clock, smtpUrl: `smtp://127.0.0.1:${port}` })
    browser = await launchChromium()
    page = await (await browser.newContext({ viewport: { width: 1000, height: 900 } })).newPage()
    page.setDefaultTimeout(20_000)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await new Promise<void>((resolve) => (smtp ? smtp.close(resolve) : resolve()))
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  async function submit(formId: string, fields: Record<string, string>) {
    for (const [name, value] of Object.entries(fields)) await page.fill(`#${formId} [name=${name}]`, value)
    await Promise.all([page.waitForNavigation(), page.click(`#${formId} button[type=submit]`)])
  }
  async function message() {
    const element = page.locator('#message')
    return { reason: await element.getAttribute('data-reason'), text: (await element.textContent()) ?? '' }
  }
  /** The code of the `n`-th message the SMTP server received (1-based), once it has arrived. */
  async function mailedCode(n: number): Promise<string> {
    await expect.poll(() => received.length).toBeGreaterThanOrEqual(n)
    const mail = received[n - 1] as Received
    expect(mail.to).toEqual([EMAIL])
    expect(mail.text).toContain('Subject: Your Example Cloud verification code')
    return /verification code is: (\d{6})\n/.exec(mail.text)?.[1] ?? ''
  }

  it('emails a code before the QR code; a too-early resend, a wrong code and an expired one are refused', async () => {
    await page.goto(`${app.url}signup`)
    await submit('signup-form', { email: EMAIL, password: PASSWORD })
    // with SMTP there is no development outbox
    expect(await page.isVisible('#outbox-link')).toBe(false)
    expect((await page.request.get(`${app.url}dev/outbox`)).status()).toBe(404)

    await submit('enable-form', { password: PASSWORD, label: 'Pixel' })
    expect(await page.isVisible('#qr')).toBe(false)
    expect(await message()).toEqual({
      reason: 'code_sent',
      text: `We sent a code to ${EMAIL}. It works until ${date(clock + 10 * MIN)}.`,
    })
    expect(await page.textContent('#resend')).toBe('Resend the code (possible in 60 seconds)')
    expect(await page.textContent('#resend-hint')).toBe(
      `A new code can be sent from ${date(clock + MIN)}; the last one keeps working until then.`,
    )
    const first = await mailedCode(1)
    expect(first).toMatch(/^\d{6}$/)
    const mail = received[0] as Received
    expect(mail.from).toBe('no-reply@example.com')
    expect(mail.text).toContain('It\nworks once, until')
    expect(mail.text).toContain('Never give this code to\nanyone')

    // Resend at once: refused, nothing sent.
    await Promise.all([page.waitForNavigation(), page.click('#resend')])
    expect(await message()).toEqual({
      reason: 'too_soon',
      text: 'A code was sent a moment ago: use it, or wait before asking for another. Ask again in 60 seconds.',
    })
    expect(received).toHaveLength(1)

    // A wrong code: refused, with the attempts this code has left.
    const wrong = first === '000000' ? '000001' : '000000'
    await submit('identity-form', { code: wrong })
    expect(await message()).toEqual({
      reason: 'invalid',
      text: 'That code is not right: check the latest email from Example Cloud. 2 more attempts with this code.',
    })
    await submit('identity-form', { code: '12 34' })
    expect(await message()).toEqual({
      reason: 'malformed',
      text: 'That is not a code: type the 6 digits from the email.',
    })

    // Ten minutes later the right code has expired.
    clock += 10 * MIN
    await submit('identity-form', { code: first })
    expect(await message()).toEqual({ reason: 'expired', text: 'That code has expired: ask for a new one.' })
    expect(await page.isVisible('#qr')).toBe(false)
    await page.screenshot({ path: `${root}test-results/console-identity-expired.png`, fullPage: true })
  })

  it('a new code passes the check: the QR code appears and the setup completes', async () => {
    expect(await page.textContent('#resend')).toBe('Resend the code')
    await Promise.all([page.waitForNavigation(), page.click('#resend')])
    expect((await message()).reason).toBe('code_sent')
    const second = await mailedCode(2)
    await submit('identity-form', { code: second })
    const key = (await page.textContent('#manual-key')) ?? ''
    expect(key).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/)
    expect(await page.isVisible('#qr')).toBe(true)
    await page.screenshot({ path: `${root}test-results/console-identity-passed.png`, fullPage: true })
    const secret = decodeBase32(key.replace(/ /g, ''))
    const code1 = await generateTOTP(secret, { timestamp: clock - STEP })
    const code2 = await generateTOTP(secret, { timestamp: clock })
    await submit('confirm-form', { code1, code2 })
    expect(new URL(page.url()).pathname).toBe('/security/recovery-codes')
    // the notification that MFA was turned on went through SMTP too
    await expect.poll(() => received.length).toBe(3)
    expect(received[2]?.text).toContain('Subject: MFA was turned on for your Example Cloud account')
    await page.goto(`${app.url}security`)
    expect(await page.getAttribute('#mfa', 'data-state')).toBe('on')
    for (const mailed of received) expect(mailed.raw).not.toContain(key.replace(/ /g, ''))
  })

  it('an identity check finished after MFA was turned on (a second tab) is refused, and said on the page', async () => {
    // What a tab left on "Confirm it is you" posts, with this session's CSRF token: a resend, then the new code.
    const post = (action: string, fields: Record<string, string>) =>
      Promise.all([
        page.waitForNavigation(),
        page.evaluate(
          ({ action, fields }) => {
            const form = document.createElement('form')
            form.method = 'post'
            form.action = action
            const csrf = (document.querySelector('input[name=csrf]') as HTMLInputElement).value
            for (const [name, value] of Object.entries({ ...fields, csrf })) {
              const input = document.createElement('input')
              input.type = 'hidden'
              input.name = name
              input.value = value
              form.append(input)
            }
            document.body.append(form)
            form.submit()
          },
          { action, fields },
        ),
      ])
    clock += 2 * MIN
    await post('/security/mfa/resend', { kind: 'app', label: 'Tablet', resendAt: '0' })
    expect((await message()).reason).toBe('code_sent')
    const code = await mailedCode(4)
    await post('/security/mfa/identity', { kind: 'app', label: 'Tablet', resendAt: '0', code })
    // the security page of MFA that is on, with the refusal at its top (the form it answers is not on this page)
    expect(await page.getAttribute('#mfa', 'data-state')).toBe('on')
    expect(await page.isVisible('#message')).toBe(true)
    expect(await message()).toEqual({
      reason: 'method_not_allowed',
      text: 'MFA is already on for this account (turned on in another tab?): add an authenticator below, with a code from one you have.',
    })
    expect(await page.isVisible('#qr')).toBe(false)
  })
})
