// Module placement for ISO/IEC 18004: function patterns (§6.3), codeword placement (§7.7.3), masking and its
// penalty score (§7.8), format and version information (§7.9, §7.10). A symbol is a flat Uint8Array, row by row,
// 1 = dark, with a parallel array marking the function modules that data and masks must skip.
import { alignmentPositions, sizeOf } from './tables.js'

/** A symbol being built: its size, its modules (1 = dark) and which modules belong to function patterns. */
export interface Grid {
  size: number
  modules: Uint8Array
  reserved: Uint8Array
}

function set(grid: Grid, x: number, y: number, dark: boolean): void {
  const i = y * grid.size + x
  grid.modules[i] = dark ? 1 : 0
  grid.reserved[i] = 1
}

let LAST: { version: number; grid: Grid; masks: Uint8Array[] } | undefined

/** The function patterns and mask patterns of a version, kept for the version used last. */
export function layout(version: number): { grid: Grid; masks: Uint8Array[] } {
  if (LAST?.version !== version) {
    const grid = drawFunctionPatterns(version, sizeOf(version))
    LAST = { version, grid, masks: maskPatterns(grid) }
  }
  return LAST
}

/** Draws the finder, separator, timing and alignment patterns, and reserves the format and version areas. */
export function drawFunctionPatterns(version: number, size: number): Grid {
  const grid: Grid = { size, modules: new Uint8Array(size * size), reserved: new Uint8Array(size * size) }
  // §6.3.5 timing patterns: row 6 and column 6 alternate, dark on even coordinates
  for (let i = 0; i < size; i++) {
    set(grid, 6, i, i % 2 === 0)
    set(grid, i, 6, i % 2 === 0)
  }
  // §6.3.3 finder patterns (7x7 rings dark/light/dark 3x3 core) with their light separators (§6.3.4)
  for (const [cx, cy] of [
    [3, 3],
    [size - 4, 3],
    [3, size - 4],
  ] as const) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx
        const y = cy + dy
        const ring = Math.max(Math.abs(dx), Math.abs(dy))
        if (x >= 0 && x < size && y >= 0 && y < size) set(grid, x, y, ring !== 2 && ring !== 4)
      }
    }
  }
  // §6.3.6 alignment patterns at every pair of centres, except where they would overlap a finder pattern
  const centres = alignmentPositions(version)
  const last = centres.length - 1
  for (let i = 0; i <= last; i++) {
    for (let j = 0; j <= last; j++) {
      if ((i === 0 || j === 0) && (i + j) % last === 0) continue // (0,0), (0,last), (last,0)
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          set(grid, centres[i]! + dx, centres[j]! + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1)
        }
      }
    }
  }
  drawFormat(grid.modules, size, 0, grid.reserved) // reserves the format areas; rewritten once the mask is chosen
  if (version >= 7) {
    // §7.10: 6-bit version number + 12-bit BCH(18,6) code, generator 0x1F25
    let rem = version
    for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25)
    const bits = (version << 12) | rem
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1
      const a = size - 11 + (i % 3)
      const b = Math.floor(i / 3)
      set(grid, a, b, dark)
      set(grid, b, a, dark)
    }
  }
  return grid
}

/**
 * Writes the 15-bit format information (§7.9): 5 data bits (level, mask), a BCH(15,5) code with generator 0x537,
 * XORed with 0x5412, in both copies; and the dark module beside the lower-left finder. With `reserved`, also marks
 * those modules as function modules.
 */
export function drawFormat(modules: Uint8Array, size: number, data: number, reserved?: Uint8Array): void {
  let rem = data
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537)
  const bits = ((data << 10) | rem) ^ 0x5412
  const put = (x: number, y: number, i: number): void => {
    const k = y * size + x
    modules[k] = i < 0 ? 1 : (bits >>> i) & 1
    if (reserved) reserved[k] = 1
  }
  // first copy, around the upper-left finder: bits 0-7 down column 8 (skipping the timing row), 8-14 along row 8
  for (let i = 0; i <= 5; i++) put(8, i, i)
  put(8, 7, 6)
  put(8, 8, 7)
  put(7, 8, 8)
  for (let i = 9; i < 15; i++) put(14 - i, 8, i)
  // second copy, split between the upper-right and lower-left finders
  for (let i = 0; i < 8; i++) put(size - 1 - i, 8, i)
  for (let i = 8; i < 15; i++) put(8, size - 15 + i, i)
  put(8, size - 8, -1)
}

/** Places the codewords, most significant bit first, in the two-column zigzag of §7.7.3; remainder bits stay 0. */
export function placeCodewords(modules: Uint8Array, { size, reserved }: Grid, codewords: Uint8Array): void {
  const bitCount = codewords.length * 8
  let i = 0
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5 // the vertical timing pattern is skipped as a whole column
    const upward = ((right + 1) & 2) === 0
    for (let v = 0; v < size; v++) {
      const y = upward ? size - 1 - v : v
      for (let j = 0; j < 2; j++) {
        const k = y * size + right - j
        if (reserved[k] === 1 || i >= bitCount) continue
        modules[k] = (codewords[i >>> 3]! >>> (7 - (i & 7))) & 1
        i++
      }
    }
  }
}

// §7.8.2 Table 10: a data module is flipped where its mask rule gives 0 (x is the column, y the row)
const MASK_RULES: ((x: number, y: number) => number)[] = [
  (x, y) => (x + y) % 2,
  (_, y) => y % 2,
  (x) => x % 3,
  (x, y) => (x + y) % 3,
  (x, y) => (Math.floor(x / 3) + (y >> 1)) % 2,
  (x, y) => ((x * y) % 2) + ((x * y) % 3),
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2,
]

/** The eight masks of a symbol layout as XOR patterns: 1 where a data module flips, 0 on function modules. */
export function maskPatterns(grid: Grid): Uint8Array[] {
  const { size, reserved } = grid
  return MASK_RULES.map((rule) => {
    const pattern = new Uint8Array(size * size)
    for (let y = 0, k = 0; y < size; y++) {
      for (let x = 0; x < size; x++, k++) if (reserved[k] === 0 && rule(x, y) === 0) pattern[k] = 1
    }
    return pattern
  })
}

// Scores of an 11-module window (bit 0 = the newest module), so that a line scores one table read per module:
// N3: 40 for 1011101 0000 or 0000 1011101. N1: a run of L >= 5 scores L - 2, that is 1 for each of its L - 4 windows
// of 5 equal modules, plus 2 at the first of them, where the module before the five differs.
let WINDOW_SCORES: Uint8Array | undefined

function windowScores(): Uint8Array {
  if (WINDOW_SCORES === undefined) {
    WINDOW_SCORES = new Uint8Array(2048)
    for (let w = 0; w < 2048; w++) {
      const five = w & 0x1f
      let score = w === 0x5d0 || w === 0x05d ? 40 : 0
      if (five === 0 || five === 0x1f) score += ((w >> 5) & 1) === (w & 1) ? 1 : 3
      WINDOW_SCORES[w] = score
    }
  }
  return WINDOW_SCORES
}

/** N1 and N3 along every row (step 1, stride size) or every column (step size, stride 1). */
function linePenalty(m: Uint8Array, size: number, step: number, stride: number, scores: Uint8Array): number {
  let score = 0
  for (let a = 0; a < size; a++) {
    let k = a * stride
    let bits = 0
    // the first 10 modules: no full finder window yet, and a run that starts the line has no module before it
    for (let b = 0; b < 10; b++, k += step) {
      bits = (bits << 1) | m[k]!
      const five = bits & 0x1f
      if (b === 4 && (five === 0 || five === 0x1f)) score += 3
      else if (b > 4) score += scores[bits & 0x3f]! // 6 modules: below any finder window
    }
    for (let b = 10; b < size; b++, k += step) {
      bits = ((bits << 1) | m[k]!) & 0x7ff
      score += scores[bits]!
    }
  }
  return score
}

// N2: two neighbouring vertical pairs that add up to 0 or 4 form a 2x2 block of one colour
const BLOCK_SCORES = [3, 0, 0, 0, 3]

/**
 * The penalty score of §7.8.3 Table 11, lower is better: N1 = 3 (+1 per module) for runs of 5 or more of one colour
 * in a row or column, N2 = 3 per 2x2 block of one colour, N3 = 40 per finder-like 1:1:3:1:1 pattern with 4 light
 * modules on one side (within the symbol), N4 = 10 per full 5% step that the share of dark modules departs from 50%
 * beyond the first.
 */
export function penalty(m: Uint8Array, size: number): number {
  const scores = windowScores()
  let score = linePenalty(m, size, 1, size, scores) + linePenalty(m, size, size, 1, scores)
  let dark = 0
  for (let y = 0, k = 0; y < size - 1; y++, k++) {
    // sums of vertical pairs: a 2x2 block is one colour when two neighbouring pairs add up to 0 or 4
    let left = m[k]! + m[k + size]!
    dark += m[k]!
    for (let x = 1; x < size; x++) {
      k++
      const right = m[k]! + m[k + size]!
      dark += m[k]!
      score += BLOCK_SCORES[left + right]!
      left = right
    }
  }
  for (let k = size * (size - 1); k < size * size; k++) dark += m[k]!
  const total = size * size
  // total is odd, so the share is never exactly 50% and the step count is >= 0
  return score + (Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1) * 10
}
