import { describe, OTPError } from '../errors.js'

/** Throws `ERR_INVALID_OPTION` in the house shape: "name must be what, got value" (the value described, not echoed). */
export function mustBe(name: string, what: string, value: unknown): never {
  throw new OTPError('ERR_INVALID_OPTION', `${name} must be ${what}, got ${describe(value)}`)
}

/** Checks an integer option within [min, max]. */
export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    mustBe(name, `an integer from ${min} to ${max}`, value)
  }
  return value
}
