// The console as its end-to-end suites drive it (console.test.ts, console-security-keys.test.ts): the storage it runs
// over, a form filled in and posted, the message a page shows, a sign-in with a password.
import type { Page, Response } from 'playwright'
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
