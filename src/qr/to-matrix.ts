import { mustBe } from '../errors.js'
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
    throw mustBe('the input', 'text or a QRMatrix from encodeQR', input)
  }
  return input
}
