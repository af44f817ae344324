// The console's pages as its end-to-end suites drive them (console.test.ts, console-security-keys.test.ts): a form
// filled in and posted, the message a page shows, a sign-in with a password.
import type { Page, Response } from 'playwright'

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
