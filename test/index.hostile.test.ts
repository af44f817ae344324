// The hostile-input matrix: every public function of the core, fed values a careless or malicious caller could pass.
// Each call either works or throws OTPError / TypeError / RangeError with a message, never anything else, and
// never hangs; a user's code is data, so verification returns a result instead of throwing.
import * as mfa from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { HOSTILE } from './support/hostile'

const SECRET = new TextEncoder().encode('12345678901234567890')

function expectAcceptableError(error: unknown): void {
  const ok = mfa.isOTPError(error) || error instanceof TypeError || error instanceof RangeError
  if (!ok) throw new Error(`unexpected error type: ${String(error)}`)
  expect((error as Error).message.length).toBeGreaterThan(10)
}

async function settle(call: () => unknown): Promise<void> {
  try {
    await call()
  } catch (error) {
    expectAcceptableError(error)
  }
}

const CALLS: [string, (value: unknown) => unknown][] = [
  ['generateSecret(options)', (v) => mfa.generateSecret(v as never)],
  ['generateSecret({ bytes })', (v) => mfa.generateSecret({ bytes: v as number })],
  ['generateSecret({ algorithm })', (v) => mfa.generateSecret({ algorithm: v as 'SHA1' })],
  ['importSecret(secret)', (v) => mfa.importSecret(v as Uint8Array)],
  ['importSecret(_, algorithm)', (v) => mfa.importSecret(SECRET, v as 'SHA1')],
  ['encodeBase32(bytes)', (v) => mfa.encodeBase32(v as Uint8Array)],
  ['encodeBase32(_, options)', (v) => mfa.encodeBase32(SECRET, v as never)],
  ['decodeBase32(text)', (v) => mfa.decodeBase32(v as string)],
  ['decodeBase32(text, loose)', (v) => mfa.decodeBase32(v as string, { loose: true })],
  ['generateHOTP(secret)', (v) => mfa.generateHOTP(v as Uint8Array, 0)],
  ['generateHOTP(_, counter)', (v) => mfa.generateHOTP(SECRET, v as number)],
  ['generateHOTP(_, _, options)', (v) => mfa.generateHOTP(SECRET, 0, v as never)],
  ['generateHOTP({ digits })', (v) => mfa.generateHOTP(SECRET, 0, { digits: v as number })],
  ['verifyHOTP(_, code)', (v) => mfa.verifyHOTP(SECRET, v as string, 0)],
  ['verifyHOTP({ lookAhead })', (v) => mfa.verifyHOTP(SECRET, '123456', 0, { lookAhead: v as number })],
  ['generateTOTP(secret)', (v) => mfa.generateTOTP(v as Uint8Array)],
  ['generateTOTP(_, options)', (v) => mfa.generateTOTP(SECRET, v as never)],
  ['generateTOTP({ timestamp })', (v) => mfa.generateTOTP(SECRET, { timestamp: v as number })],
  ['generateTOTP({ period })', (v) => mfa.generateTOTP(SECRET, { period: v as number })],
  ['generateTOTP({ epoch })', (v) => mfa.generateTOTP(SECRET, { epoch: v as number })],
  ['generateTOTP({ algorithm })', (v) => mfa.generateTOTP(SECRET, { algorithm: v as 'SHA1' })],
  ['verifyTOTP(_, code)', (v) => mfa.verifyTOTP(SECRET, v as string)],
  ['verifyTOTP({ window })', (v) => mfa.verifyTOTP(SECRET, '123456', { window: v as number })],
  ['verifyTOTP({ afterStep })', (v) => mfa.verifyTOTP(SECRET, '123456', { afterStep: v as number })],
  ['isOTPError(value)', (v) => mfa.isOTPError(v)],
]

describe('hostile inputs', () => {
  it.each(CALLS)('%s works or throws a documented error for every hostile value', async (_name, call) => {
    for (const value of HOSTILE) await settle(() => call(value))
  })

  it('a user-typed code never throws, whatever it is', async () => {
    for (const value of HOSTILE) {
      const totp = await mfa.verifyTOTP(SECRET, value as string)
      expect(totp.valid).toBe(false)
      const hotp = await mfa.verifyHOTP(SECRET, value as string, 0)
      expect(hotp.valid).toBe(false)
    }
  })
})
