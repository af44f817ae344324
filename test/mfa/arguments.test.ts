// What the service's methods check before any transaction: the trustDevice option of verify and the maxAgeMs of a
// step-up proof, against the bounds in policy.ts; misuse throws ERR_INVALID_OPTION and never echoes the value.
import { isOTPError } from 'mfa-core'
import { describe, expect, it } from 'vitest'
import { checkMaxAge, checkTrustDevice } from '../../src/mfa/arguments'
import {
  DEFAULT_MAX_TRUSTED_DEVICES,
  DEFAULT_PROOF_MAX_AGE_MS,
  DEFAULT_TRUSTED_DEVICE_TTL_MS,
  MAX_TRUSTED_DEVICE_TTL_MS,
} from '../../src/mfa/policy'
import { otpErrorMessage } from '../support/errors'
import { HOSTILE } from '../support/hostile'

const DAY = 86_400_000
const misuse = (fn: () => unknown) => otpErrorMessage('ERR_INVALID_OPTION', fn)

describe('trustDevice option', () => {
  it.each<[unknown, { label: string; ttlMs: number } | 'throws']>([
    [{ label: 'Chrome' }, { label: 'Chrome', ttlMs: DEFAULT_TRUSTED_DEVICE_TTL_MS }],
    [
      { label: 'x', ttlMs: 60_000 },
      { label: 'x', ttlMs: 60_000 },
    ],
    [
      { label: 'x', ttlMs: MAX_TRUSTED_DEVICE_TTL_MS },
      { label: 'x', ttlMs: MAX_TRUSTED_DEVICE_TTL_MS },
    ],
    [{ label: 'x', ttlMs: 59_999 }, 'throws'],
    [{ label: 'x', ttlMs: MAX_TRUSTED_DEVICE_TTL_MS + 1 }, 'throws'],
    [{ label: 'x', ttlMs: '1' }, 'throws'],
    [{ label: '' }, 'throws'],
    [{ label: 'x'.repeat(64) }, { label: 'x'.repeat(64), ttlMs: DEFAULT_TRUSTED_DEVICE_TTL_MS }],
    [{ label: 'x'.repeat(65) }, 'throws'],
    [{ label: 'a\u0000b' }, 'throws'],
    [{ label: '\uD800' }, 'throws'],
    [{}, 'throws'],
    [true, 'throws'],
    [null, 'throws'],
  ])('%j', (value, expected) => {
    if (expected !== 'throws') return expect(checkTrustDevice(value, DEFAULT_TRUSTED_DEVICE_TTL_MS)).toEqual(expected)
    expect(() => checkTrustDevice(value, DEFAULT_TRUSTED_DEVICE_TTL_MS)).toThrow(
      expect.toSatisfy((e) => isOTPError(e, 'ERR_INVALID_OPTION')),
    )
  })
  it('defaults: 30 days, 10 devices', () => {
    expect(DEFAULT_TRUSTED_DEVICE_TTL_MS).toBe(30 * DAY)
    expect(DEFAULT_MAX_TRUSTED_DEVICES).toBe(10)
  })
})

describe('hostile inputs', () => {
  it.each(HOSTILE.map((v) => [v]))('trustDevice option %s is misuse', (value) => {
    expect(() => checkTrustDevice(value, DEFAULT_TRUSTED_DEVICE_TTL_MS)).toThrow(
      expect.toSatisfy((e) => isOTPError(e, 'ERR_INVALID_OPTION')),
    )
  })
  // '0x10' is a fine label; everything else in the matrix is not text of 1 to 64 characters
  it.each(HOSTILE.filter((v) => v !== '0x10').map((v) => [v]))('a label of %s is misuse', (label) => {
    expect(() => checkTrustDevice({ label }, DEFAULT_TRUSTED_DEVICE_TTL_MS)).toThrow(
      expect.toSatisfy((e) => isOTPError(e, 'ERR_INVALID_OPTION')),
    )
  })
})

describe('maxAgeMs option', () => {
  it.each<[unknown, number | 'throws']>([
    [undefined, DEFAULT_PROOF_MAX_AGE_MS],
    [1000, 1000],
    [86_400_000, 86_400_000],
    [999, 'throws'],
    [86_400_001, 'throws'],
    [1.5e3 + 0.5, 'throws'],
    ['600000', 'throws'],
    [Number.NaN, 'throws'],
  ])('%s gives %s', (value, expected) => {
    if (expected === 'throws') expect(misuse(() => checkMaxAge(value))).toMatch(/^maxAgeMs must be/)
    else expect(checkMaxAge(value)).toBe(expected)
  })
  it('defaults to 10 minutes', () => expect(DEFAULT_PROOF_MAX_AGE_MS).toBe(600_000))
})

describe('hostile maxAgeMs', () => {
  it.each(HOSTILE.filter((v) => v !== undefined).map((v) => [v]))('maxAgeMs %s is misuse', (value) => {
    expect(misuse(() => checkMaxAge(value))).toMatch(/^maxAgeMs must be/)
  })
})
