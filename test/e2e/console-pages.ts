// The console as its end-to-end suites drive it (console.test.ts, console-security-keys.test.ts): the storage it runs
// over, a form filled in and posted, the message a page shows, a sign-in with a password, the identity check.
import type { Page, Response } from 'playwright'
import { expect } from 'vitest'
import { startPostgres, startRedis } from '../storage/harness/servers.mjs'

/**
 * Where the console keeps its data in these suites: SQLite always; PostgreSQL as well in CI (or with
 * MFA_E2E_POSTGRES=1); the MFA records in Redis, the app's tables in SQLite, with MFA_E2E_REDIS=1.
 */
export const CONSOLE_BACKENDS = [
  'sqlite',
  ...(process.env.CI || process.env.MFA_E2E_POSTGRES === '1' ? ['postgres'] : []),
  ...(process.env.MFA_E2E_REDIS === '1' ? ['redis'] : []),
]

/**
 * Starts the server a backend of {@link CONSOLE_BACKENDS} needs (none for SQLite), on loopback.
 *
 * @param backend - `sqlite`, `postgres` or `redis`
 * @returns the options of startConsole that point at it, and the clean-up that stops it
 */
export async function startBackend(backend: string) {
  const postgres = backend === 'postgres' ? await startPostgres() : undefined
  const redis = backend === 'redis' ? await startRedis() : undefined
  return {
    options: {
      ...(postgres ? { databaseUrl: postgres.connectionString } : {}),
      ...(redis ? { redisUrl: redis.url } : {}),
    },
    async cleanup() {
      await postgres?.cleanup()
      await redis?.cleanup()
    },
  }
}

/**
 * Fills a form's fields and submits it, waiting for the page the server answers with.
 *
 * @param on - the browser tab
 * @param formId - the form's id
 * @param fields - input name to the text typed into it
 * @returns the response of the navigation the post caused
 */
export async function submitForm(on: Page, formId: string, fields: Record<string, string>): Promise<Response | null> {
  for (const [name, value] of Object.entries(fields)) await on.fill(`#${formId} [name=${name}]`, value)
  const [response] = await Promise.all([on.waitForNavigation(), on.click(`#${formId} button[type=submit]`)])
  return response
}

/** The message `#id` of the page: its reason code (`data-reason`) and its text. */
export async function pageMessage(on: Page, id = 'message'): Promise<{ reason: string | null; text: string }> {
  const element = on.locator(`#${id}`)
  return { reason: await element.getAttribute('data-reason'), text: (await element.textContent()) ?? '' }
}

/** Signs in on the console at `url` with an email and password (the page after it may ask for a code or key). */
export async function signInWith(on: Page, url: string, email: string, password: string): Promise<void> {
  await on.goto(`${url}signin`)
  await submitForm(on, 'signin-form', { email, password })
}

/**
 * The identity check before a first authenticator ("Turn on MFA" with an app or a security key), on the page that
 * says a code was sent: the code emailed to the account, read from the newest message of the development outbox in
 * another tab of the same browser (the SMTP path is console-identity.test.ts), typed on the identity page.
 *
 * @param on - the browser tab showing the identity page
 * @param url - the console's address
 * @returns the response of the navigation the code's post caused
 */
export async function passIdentityCheck(on: Page, url: string): Promise<Response | null> {
  expect((await pageMessage(on)).reason).toBe('code_sent')
  const outbox = await on.context().newPage()
  await outbox.goto(`${url}dev/outbox`)
  const mail = outbox.locator('section.mail').first()
  expect(await mail.getAttribute('data-subject')).toBe('Your Example Cloud verification code')
  const emailed = /code is: (\d{6})\n/.exec((await mail.locator('pre').textContent()) ?? '')?.[1] ?? ''
  await outbox.close()
  return submitForm(on, 'identity-form', { code: emailed })
}
