// ISO/IEC 18004:2015 Table 9: error-correction codewords per block and number of blocks, for versions 1..40.
// Rows in the order of the format-information table below (L, M, Q, H); index 0 is version 1.
const EC_PER_BLOCK = [
  [
    7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
  [
    10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  ],
  [
    13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
  [
    17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
]
const BLOCKS = [
  [
    1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19,
    20, 21, 22, 24, 25,
  ],
  [
    1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33,
    35, 37, 38, 40, 43, 45, 47, 49,
  ],
  [
    1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45,
    48, 51, 53, 56, 59, 62, 65, 68,
  ],
  [
    1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51,
    54, 57, 60, 63, 66, 70, 74, 77, 81,
  ],
]

/** The error-correction levels, in the order of the tables above. */
export const ECC_LEVELS = ['L', 'M', 'Q', 'H'] as const

/** ISO/IEC 18004 §7.9.1 Table 12: the two error-correction-level bits of the format information. */
export const ECC_FORMAT_BITS = [1, 0, 3, 2]

/** Size of the symbol in modules: §6.3.1, 21 for version 1, 4 more per version. */
export const sizeOf = (version: number): number => version * 4 + 17

/** Centre coordinates of the alignment patterns (§6.3.6, Annex E), the same along both axes. */
export function alignmentPositions(version: number): number[] {
  if (version === 1) return []
  const count = Math.floor(version / 7) + 2
  // Annex E: the patterns are spaced evenly from the last one back to the second, in even steps; version 32 is
  // the one exception to the rounding.
  const step = version === 32 ? 26 : Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2
  const positions = [6]
  for (let pos = sizeOf(version) - 7; positions.length < count; pos -= step) positions.splice(1, 0, pos)
  return positions
}

/** Codewords (data + error correction) the symbol holds: every module that is not a function pattern, in bytes. */
export function rawCodewords(version: number): number {
  let modules = (16 * version + 128) * version + 64
  if (version >= 2) {
    const align = Math.floor(version / 7) + 2
    modules -= (25 * align - 10) * align - 55
    if (version >= 7) modules -= 36 // two 6x3 version-information blocks
  }
  return modules >> 3
}

/** The block structure of a version and level: blocks, error-correction codewords per block, data codewords. */
export function blockLayout(version: number, level: number): { blocks: number; ecLength: number; data: number } {
  const blocks = BLOCKS[level]![version - 1]!
  const ecLength = EC_PER_BLOCK[level]![version - 1]!
  return { blocks, ecLength, data: rawCodewords(version) - blocks * ecLength }
}
