// What a throwing call says, for the suites that check a developer's mistake is reported with the right code and a
// helpful message. Portable (Node, dist, Chromium): no node:* imports here.
import { isOTPError, type OTPErrorCode } from 'mfa-core'
import { expect } from 'vitest'

/**
 * Runs `fn`, which must throw an OTPError with `code`, and returns the error's message.
 *
 * @throws when `fn` returns instead of throwing (and fails the test when the thrown value is not that OTPError)
 */
export function otpErrorMessage(code: OTPErrorCode, fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(isOTPError(error, code)).toBe(true)
    return (error as Error).message
  }
  throw new Error(`expected ${code}`)
}
