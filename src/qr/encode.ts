import { describe, OTPError } from '../errors.js'
import { applyMask, drawFormat, drawFunctionPatterns, type Grid, penalty, placeCodewords } from './matrix.js'
import { reedSolomon } from './reed-solomon.js'
import { blockLayout, ECC_FORMAT_BITS, ECC_LEVELS, sizeOf } from './tables.js'

/** A QR code error-correction level: recovers about 7% (L), 15% (M), 25% (Q) or 30% (H) of damaged codewords. */
export type QRErrorCorrection = 'L' | 'M' | 'Q' | 'H'

/** Options of {@link encodeQR}. */
export interface EncodeQROptions {
  /** Error-correction level (default `'M'`, what authenticator enrollment pages use). */
  ecc?: QRErrorCorrection
  /** The smallest version (1 to 40) to use, e.g. to keep codes of varying text the same size (default 1). */
  minVersion?: number
  /** Force a mask pattern (0 to 7) instead of the one with the lowest penalty score (for tests and debugging). */
  mask?: number
}

/** A QR code symbol: a square of `size` x `size` modules. */
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

function invalid(message: string): OTPError {
  return new OTPError('ERR_INVALID_OPTION', message)
}

function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max}, got ${describe(value)}`)
  }
  return value
}

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
 * console.log(qr.version, qr.size, qr.get(0, 0)) // 4 33 true
 * @see ISO/IEC 18004:2015 §7 (encoding procedure)
 */
export function encodeQR(text: string, options: EncodeQROptions = {}): QRMatrix {
  if (typeof text !== 'string') throw invalid(`text must be a string, got ${describe(text)}`)
  if (typeof options !== 'object' || options === null)
    throw invalid(`options must be an object, got ${describe(options)}`)
  const ecc = options.ecc ?? 'M'
  const level = ECC_LEVELS.indexOf(ecc)
  if (level < 0) throw invalid(`ecc must be 'L', 'M', 'Q' or 'H', got ${describe(ecc)}`)
  const minVersion = checkInteger('minVersion', options.minVersion ?? 1, 1, 40)
  const forcedMask = options.mask === undefined ? -1 : checkInteger('mask', options.mask, 0, 7)

  const bytes = ENCODER.encode(text)
  const n = bytes.length
  // §7.4.3: mode indicator 0100 (byte), then the character count in 8 bits (versions 1-9) or 16 bits (10-40)
  let version = minVersion
  let layout = blockLayout(version, level)
  while (4 + (version < 10 ? 8 : 16) + 8 * n > layout.data * 8) {
    if (++version > 40) {
      throw new OTPError('ERR_QR_TOO_LONG', `text of ${n} UTF-8 bytes does not fit in a QR code at level ${ecc}`)
    }
    layout = blockLayout(version, level)
  }

  const data = new Uint8Array(layout.data)
  let pos: number
  if (version < 10) {
    data[0] = 0x40 | (n >>> 4)
    data[1] = (n & 0x0f) << 4
    pos = 1
  } else {
    data[0] = 0x40 | (n >>> 12)
    data[1] = (n >>> 4) & 0xff
    data[2] = (n & 0x0f) << 4
    pos = 2
  }
  // each byte straddles two codewords, 4 bits into the stream; the terminator (§7.4.9) is the zeros that follow
  for (let i = 0; i < n; i++, pos++) {
    const b = bytes[i]!
    data[pos] = data[pos]! | (b >>> 4)
    data[pos + 1] = (b & 0x0f) << 4
  }
  // §7.4.10: pad codewords 11101100 and 00010001 alternately
  for (let i = pos + 1, pad = 0xec; i < data.length; i++, pad ^= 0xec ^ 0x11) data[i] = pad

  const grid = drawFunctionPatterns(version, sizeOf(version))
  placeCodewords(grid, interleave(data, layout.blocks, layout.ecLength))
  const formatData = ECC_FORMAT_BITS[level]! << 3
  let mask = forcedMask
  if (mask < 0) {
    let best = Number.POSITIVE_INFINITY
    for (let candidate = 0; candidate < 8; candidate++) {
      applyMask(grid, candidate)
      drawFormat(grid, formatData | candidate)
      const score = penalty(grid)
      if (score < best) {
        best = score
        mask = candidate
      }
      applyMask(grid, candidate)
    }
  }
  applyMask(grid, mask)
  drawFormat(grid, formatData | mask)
  return toMatrix(grid, version, ecc, mask)
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

function toMatrix(grid: Grid, version: number, ecc: QRErrorCorrection, mask: number): QRMatrix {
  const { size, modules } = grid
  return Object.freeze({
    size,
    version,
    ecc,
    mask,
    get: (x: number, y: number): boolean => x >= 0 && y >= 0 && x < size && y < size && modules[y * size + x] === 1,
  })
}
