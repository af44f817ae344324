import { integerOption, mustBe, OTPError } from '../errors.js'
import { drawFormat, layout, penalty, placeCodewords } from './matrix.js'
import { reedSolomon } from './reed-solomon.js'
import { blockLayout, ECC_LEVELS } from './tables.js'

/**
 * A QR code error-correction level: recovers about 7% (L), 15% (M), 25% (Q) or 30% (H) of damaged codewords.
 * Higher levels need a larger symbol for the same text.
 *
 * @example
 * const ecc: QRErrorCorrection = printedOnPaper ? 'Q' : 'M'
 * @see ISO/IEC 18004:2015 §4.6 (error correction levels)
 */
export type QRErrorCorrection = 'L' | 'M' | 'Q' | 'H'

/**
 * Options of {@link encodeQR}.
 *
 * @example
 * const qr = encodeQR(uri, { ecc: 'Q', minVersion: 6 })
 */
export interface EncodeQROptions {
  /** Error-correction level (default `'M'`, what authenticator enrollment pages use). */
  ecc?: QRErrorCorrection
  /** The smallest version (1 to 40) to use, e.g. to keep codes of varying text the same size (default 1). */
  minVersion?: number
  /** Force a mask pattern (0 to 7) instead of the one with the lowest penalty score (for tests and debugging). */
  mask?: number
}

/**
 * A QR code symbol from {@link encodeQR}: a square of `size` x `size` modules, immutable. Draw it yourself (canvas,
 * PDF, pixels) or pass it to {@link renderSVG} and {@link renderTerminal}; any object of this shape is accepted there.
 *
 * @example
 * const qr = encodeQR(uri)
 * const scale = 4
 * for (let y = 0; y < qr.size; y++)
 *   for (let x = 0; x < qr.size; x++) if (qr.get(x, y)) context.fillRect((x + 4) * scale, (y + 4) * scale, scale, scale)
 * @see ISO/IEC 18004:2015 §6.3 (symbol structure)
 */
export interface QRMatrix {
  /** Modules per side, without a quiet zone: 17 + 4 x version. */
  readonly size: number
  /** The version, 1 to 40. */
  readonly version: number
  /** The error-correction level. */
  readonly ecc: QRErrorCorrection
  /** The mask pattern applied, 0 to 7. */
  readonly mask: number
  /**
   * Tells whether a module is dark.
   *
   * @param x - column, 0 at the left
   * @param y - row, 0 at the top
   * @returns true for a dark module; false for a light one and for any position outside the symbol (the quiet zone)
   */
  get(x: number, y: number): boolean
}

const ENCODER = /* @__PURE__ */ new TextEncoder()

/**
 * Encodes text as a QR code symbol, following ISO/IEC 18004: byte mode (the text as UTF-8), the smallest version
 * from 1 to 40 that holds it, Reed-Solomon error correction, and the mask with the lowest penalty score.
 *
 * Byte mode without an ECI header is what authenticator apps read `otpauth://` URIs from; every scanner reads its
 * bytes as UTF-8 or ASCII.
 *
 * @param text - what to encode, e.g. an `otpauth://` key URI (UTF-8, at most 2331 bytes at level M)
 * @param options.ecc - error-correction level, `'L'`, `'M'` (default), `'Q'` or `'H'`
 * @param options.minVersion - smallest version to use, 1 (default) to 40
 * @param options.mask - force mask pattern 0 to 7 (default: the lowest penalty score of all eight)
 * @returns the module matrix; render it with {@link renderSVG} or {@link renderTerminal}
 * @throws OTPError `ERR_QR_TOO_LONG` when the text does not fit in version 40 at that level;
 *   `ERR_INVALID_OPTION` when `text` is not a string or an option is out of range
 * @example
 * const qr = encodeQR('otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example')
 * console.log(qr.version, qr.size, qr.get(0, 0)) // 5 37 true
 * @see ISO/IEC 18004:2015 §7 (encoding procedure)
 */
export function encodeQR(text: string, options: EncodeQROptions = {}): QRMatrix {
  if (typeof text !== 'string') throw mustBe('text', 'a string', text)
  if (typeof options !== 'object' || options === null) throw mustBe('options', 'an object', options)
  const ecc = options.ecc ?? 'M'
  const level = ECC_LEVELS.indexOf(ecc)
  if (level < 0) throw mustBe('ecc', "'L', 'M', 'Q' or 'H'", ecc)
  const minVersion = integerOption(options.minVersion ?? 1, 'minVersion', 1, 40, 1)
  const forcedMask = integerOption(options.mask, 'mask', 0, 7, -1)

  const bytes = ENCODER.encode(text)
  const n = bytes.length
  // §7.4.3: mode indicator 0100 (byte), then the character count in 8 bits (versions 1-9) or 16 bits (10-40)
  let version = minVersion
  let shape = blockLayout(version, level)
  while (4 + (version < 10 ? 8 : 16) + 8 * n > shape.data * 8) {
    if (++version > 40) {
      throw new OTPError('ERR_QR_TOO_LONG', `text of ${n} UTF-8 bytes is too long for a QR code at level ${ecc}`)
    }
    shape = blockLayout(version, level)
  }

  const data = new Uint8Array(shape.data)
  let bit = 0
  const put = (value: number, length: number): void => {
    for (let i = length - 1; i >= 0; i--, bit++)
      data[bit >>> 3] = data[bit >>> 3]! | (((value >>> i) & 1) << (7 - (bit & 7)))
  }
  put(4, 4)
  put(n, version < 10 ? 8 : 16)
  for (let i = 0; i < n; i++) put(bytes[i]!, 8)
  // §7.4.9-7.4.10: the stream ends 4 bits short of a codeword; the terminator's zeros complete it, then pad
  // codewords 11101100 and 00010001 alternate to the end
  for (let i = (bit + 4) >>> 3, pad = 0xec; i < data.length; i++, pad ^= 0xec ^ 0x11) data[i] = pad

  const { grid, masks } = layout(version)
  const { size } = grid
  const base = grid.modules.slice()
  placeCodewords(base, grid, interleave(data, shape.blocks, shape.ecLength))
  // §7.9.1 Table 12: the level bits of the format information are L 01, M 00, Q 11, H 10
  const formatData = (level ^ 1) << 3
  let mask = forcedMask
  if (mask < 0) {
    // §7.8.3: try all eight masks (with their format information) and keep the lowest penalty score
    const candidate = new Uint8Array(base.length)
    let best = 1e9
    for (let m = 0; m < 8; m++) {
      const pattern = masks[m]!
      for (let k = 0; k < base.length; k++) candidate[k] = base[k]! ^ pattern[k]!
      drawFormat(candidate, size, formatData | m)
      const score = penalty(candidate, size)
      if (score < best) {
        best = score
        mask = m
      }
    }
  }
  const pattern = masks[mask]!
  for (let k = 0; k < base.length; k++) base[k] = base[k]! ^ pattern[k]!
  drawFormat(base, size, formatData | mask)
  return toMatrix(base, size, version, ecc, mask)
}
/**
 * Splits the data codewords into blocks (§7.5.2: the shorter blocks first), appends each block's error-correction
 * codewords, and interleaves them column by column (§7.6).
 */
function interleave(data: Uint8Array, blocks: number, ecLength: number): Uint8Array {
  const total = data.length + blocks * ecLength
  const longBlocks = data.length % blocks
  const shortBlocks = blocks - longBlocks
  const shortLength = Math.floor(data.length / blocks)
  const result = new Uint8Array(total)
  const ecStart = data.length
  for (let b = 0, offset = 0; b < blocks; b++) {
    const length = shortLength + (b < shortBlocks ? 0 : 1)
    const block = data.subarray(offset, offset + length)
    offset += length
    for (let i = 0; i < length; i++) {
      // the short blocks have no codeword in the last data column
      result[i < shortLength ? i * blocks + b : shortLength * blocks + b - shortBlocks] = block[i]!
    }
    const ec = reedSolomon(block, ecLength)
    for (let i = 0; i < ecLength; i++) result[ecStart + i * blocks + b] = ec[i]!
  }
  return result
}

function toMatrix(modules: Uint8Array, size: number, version: number, ecc: QRErrorCorrection, mask: number): QRMatrix {
  return Object.freeze({
    size,
    version,
    ecc,
    mask,
    get: (x: number, y: number): boolean => x >= 0 && y >= 0 && x < size && y < size && modules[y * size + x] === 1,
  })
}
