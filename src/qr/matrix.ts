// Module placement for ISO/IEC 18004: function patterns (§6.3), codeword placement (§7.7.3), masking and its
// penalty score (§7.8), format and version information (§7.9, §7.10). A symbol is a flat Uint8Array, row by row,
// 1 = dark, with a parallel array marking the function modules that data and masks must skip.
import { alignmentPositions } from './tables.js'

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
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) continue
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          set(grid, centres[i]! + dx, centres[j]! + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1)
        }
      }
    }
  }
  drawFormat(grid, 0) // reserves the format areas and sets the dark module; overwritten once the mask is chosen
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
 * XORed with 0x5412, in both copies; and the dark module beside the lower-left finder.
 */
export function drawFormat(grid: Grid, data: number): void {
  const size = grid.size
  let rem = data
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537)
  const bits = ((data << 10) | rem) ^ 0x5412
  const bit = (i: number): boolean => ((bits >>> i) & 1) === 1
  // first copy, around the upper-left finder: bits 0-7 down column 8 (skipping the timing row), 8-14 along row 8
  for (let i = 0; i <= 5; i++) set(grid, 8, i, bit(i))
  set(grid, 8, 7, bit(6))
  set(grid, 8, 8, bit(7))
  set(grid, 7, 8, bit(8))
  for (let i = 9; i < 15; i++) set(grid, 14 - i, 8, bit(i))
  // second copy, split between the upper-right and lower-left finders
  for (let i = 0; i < 8; i++) set(grid, size - 1 - i, 8, bit(i))
  for (let i = 8; i < 15; i++) set(grid, 8, size - 15 + i, bit(i))
  set(grid, 8, size - 8, true)
}

/** Places the codewords, most significant bit first, in the two-column zigzag of §7.7.3; remainder bits stay 0. */
export function placeCodewords(grid: Grid, codewords: Uint8Array): void {
  const { size, modules, reserved } = grid
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

/** XORs data modules with mask pattern `mask` (§7.8.2 Table 10; x is the column, y the row). Its own inverse. */
export function applyMask(grid: Grid, mask: number): void {
  const { size, modules, reserved } = grid
  for (let y = 0, k = 0; y < size; y++) {
    for (let x = 0; x < size; x++, k++) {
      if (reserved[k] === 1) continue
      let flip: boolean
      switch (mask) {
        case 0:
          flip = (x + y) % 2 === 0
          break
        case 1:
          flip = y % 2 === 0
          break
        case 2:
          flip = x % 3 === 0
          break
        case 3:
          flip = (x + y) % 3 === 0
          break
        case 4:
          flip = (Math.floor(x / 3) + (y >> 1)) % 2 === 0
          break
        case 5:
          flip = ((x * y) % 2) + ((x * y) % 3) === 0
          break
        case 6:
          flip = (((x * y) % 2) + ((x * y) % 3)) % 2 === 0
          break
        default:
          flip = (((x + y) % 2) + ((x * y) % 3)) % 2 === 0
      }
      if (flip) modules[k] = modules[k]! ^ 1
    }
  }
}

/**
 * The penalty score of §7.8.3 Table 11, lower is better: N1 = 3 (+1 per module) for runs of 5 or more of one colour
 * in a row or column, N2 = 3 per 2x2 block of one colour, N3 = 40 per finder-like 1:1:3:1:1 pattern with 4 light
 * modules on one side, N4 = 10 per 5% that the proportion of dark modules departs from 50%.
 */
export function penalty(grid: Grid): number {
  const { size, modules: m } = grid
  let score = 0
  let dark = 0
  for (let a = 0; a < size; a++) {
    let rowRun = 0
    let colRun = 0
    let rowPrev = 2
    let colPrev = 2
    let rowBits = 0
    let colBits = 0
    for (let b = 0; b < size; b++) {
      const r = m[a * size + b]!
      const c = m[b * size + a]!
      dark += r
      if (r === rowPrev) {
        rowRun++
        if (rowRun === 5) score += 3
        else if (rowRun > 5) score++
      } else {
        rowPrev = r
        rowRun = 1
      }
      if (c === colPrev) {
        colRun++
        if (colRun === 5) score += 3
        else if (colRun > 5) score++
      } else {
        colPrev = c
        colRun = 1
      }
      // the last 11 modules as bits: 1011101 0000 or 0000 1011101
      rowBits = ((rowBits << 1) | r) & 0x7ff
      colBits = ((colBits << 1) | c) & 0x7ff
      if (b >= 10) {
        if (rowBits === 0x5d0 || rowBits === 0x05d) score += 40
        if (colBits === 0x5d0 || colBits === 0x05d) score += 40
      }
      if (a < size - 1 && b < size - 1) {
        const k = a * size + b
        if (r === m[k + 1] && r === m[k + size] && r === m[k + size + 1]) score += 3
      }
    }
  }
  const total = size * size
  // total is odd, so the proportion is never exactly 50% and k >= 0
  score += (Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1) * 10
  return score
}
