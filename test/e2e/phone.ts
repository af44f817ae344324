// A stand-in for the user's phone in the console e2e suite, sharing no code with mfa-core: the camera is a screenshot
// of the QR code as Chromium drew it, read by Debian's zbarimg (ZBar); the authenticator app is Debian's oathtool
// (oath-toolkit, C), fed with the secret and parameters of the scanned key URI, read here with the URL parser.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import type { Page } from 'playwright'
import { canRun, missingPrograms } from '../support/tools.js'

/**
 * True when zbarimg and oathtool are installed; otherwise warns that the phone steps are not run, or throws in CI,
 * which requires them (.ci/run installs zbar-tools and oathtool).
 *
 * @param suite - what is not run, for the message
 */
export function havePhone(suite: string): boolean {
  const missing = missingPrograms(['zbarimg', 'oathtool'])
  return canRun(
    suite,
    missing.length === 0 ? null : `${missing.join(', ')} not installed (apt-get install zbar-tools oathtool)`,
  )
}

/**
 * What a phone camera reads from the page's `#qr`: a screenshot of the element as rendered, decoded by zbarimg.
 *
 * @param page - the page showing the enrollment QR code
 * @param dir - where the screenshot is written
 * @returns the decoded text (the key URI)
 */
export async function scanWithPhone(page: Page, dir: string): Promise<string> {
  const path = join(dir, 'phone-camera.png')
  await page.locator('#qr').screenshot({ path })
  const out = execFileSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', path], { encoding: 'utf8' })
  return out.trim()
}

/**
 * The code an authenticator app shows for `uri` at `atMs`, computed by oathtool.
 *
 * @param uri - an otpauth://totp key URI as scanned
 * @param atMs - the time, in milliseconds since the Unix epoch
 */
export function phoneCode(uri: string, atMs: number): string {
  const url = new URL(uri)
  if (url.protocol !== 'otpauth:' || url.host !== 'totp') throw new Error('not a TOTP key URI')
  const q = url.searchParams
  const algorithm = (q.get('algorithm') ?? 'SHA1').toLowerCase()
  const args = [`--totp=${algorithm}`, '-d', q.get('digits') ?? '6', '-s', `${q.get('period') ?? '30'}s`]
  args.push('--now', `@${Math.floor(atMs / 1000)}`, '-b', q.get('secret') ?? '')
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim()
}
