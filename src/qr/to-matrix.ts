import { describe, OTPError } from '../errors.js'
import { encodeQR, type QRErrorCorrection, type QRMatrix } from './encode.js'

/** The text or ready matrix that the renderers take: text is encoded with {@link encodeQR} at level `ecc`. */
export function toMatrix(input: string | QRMatrix, ecc: QRErrorCorrection | undefined): QRMatrix {
  if (typeof input === 'string') return encodeQR(input, ecc === undefined ? {} : { ecc })
  if (
    typeof input !== 'object' ||
    input === null ||
    typeof input.get !== 'function' ||
    !Number.isInteger(input.size) ||
    input.size < 1
  ) {
    throw new OTPError('ERR_INVALID_OPTION', `expected text or a QRMatrix from encodeQR, got ${describe(input)}`)
  }
  return input
}

/** Checks a non-negative integer option such as a margin, with its default. */
export function checkMargin(value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1000) {
    throw new OTPError('ERR_INVALID_OPTION', `margin must be an integer from 0 to 1000 modules, got ${describe(value)}`)
  }
  return value
}
