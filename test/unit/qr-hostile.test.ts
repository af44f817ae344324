// The hostile-input matrix for mfa-core/qr: every value a careless or malicious caller could pass, as the input, as
// the options object and as each option. Each call either works or throws OTPError with a stable code, and returns
// promptly.
import { isOTPError } from 'mfa-core'
import { encodeQR, renderSVG, renderTerminal } from 'mfa-core/qr'
import { describe, expect, it } from 'vitest'

const trap = new Proxy({}, { get: () => 7, has: () => true })
const HOSTILE: unknown[] = [
  undefined,
  null,
  Number.NaN,
  -1,
  1.5,
  0,
  2 ** 53,
  Number.POSITIVE_INFINITY,
  -0,
  2n ** 64n,
  '',
  'x'.repeat(100_000),
  '\u0000\uD800',
  '"><script>',
  [],
  {},
  { size: 21 },
  { size: Number.NaN, get: () => true },
  () => 1,
  Symbol('s'),
  trap,
  new Uint8Array(0),
  true,
]
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
