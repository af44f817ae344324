// The hostile-input matrix for mfa-core/qr: every value a careless or malicious caller could pass, as the input, as
// the options object and as each option. Each call either works or throws OTPError with a stable code, and returns
// promptly.
import { isOTPError } from 'mfa-core'
import { encodeQR, renderSVG, renderTerminal } from 'mfa-core/qr'
import { describe, expect, it } from 'vitest'
import { HOSTILE as SHARED } from '../support/hostile'

const HOSTILE: unknown[] = [...SHARED, '"><script>', { size: 21 }, { size: Number.NaN, get: () => true }]
const FUNCTIONS = { encodeQR, renderSVG, renderTerminal } as Record<string, (a: unknown, b?: unknown) => unknown>
const OPTIONS = ['ecc', 'minVersion', 'mask', 'moduleSize', 'margin', 'dark', 'light', 'title', 'ansi', 'invert']

function call(fn: (a: unknown, b?: unknown) => unknown, a: unknown, b?: unknown): void {
  try {
    fn(a, b)
  } catch (error) {
    if (!isOTPError(error, 'ERR_INVALID_OPTION') && !isOTPError(error, 'ERR_QR_TOO_LONG')) throw error
    expect((error as Error).message.length).toBeGreaterThan(10)
    expect((error as Error).message).not.toContain('script')
  }
}

describe('mfa-core/qr hostile inputs', () => {
  for (const [name, fn] of Object.entries(FUNCTIONS)) {
    it(`${name} works or throws OTPError for any input, options object or option value`, () => {
      for (const value of HOSTILE) {
        call(fn, value)
        call(fn, 'text', value)
        for (const option of OPTIONS) call(fn, 'text', { [option]: value })
      }
    })
  }
})
