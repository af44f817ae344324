import { integerOption, mustBe } from '../errors.js'
import type { QRErrorCorrection, QRMatrix } from './encode.js'
import { toMatrix } from './to-matrix.js'

/**
 * Options of {@link renderTerminal}.
 *
 * @example
 * const text = renderTerminal(uri, { ansi: false, invert: true, margin: 2 }) // plain text for a dark terminal
 */
export interface RenderTerminalOptions {
  /** Quiet zone around the symbol, in modules (default 4). */
  margin?: number
  /**
   * Paint with explicit ANSI colours, black modules on white (default true), so the code scans the same in light and
   * dark terminal themes. Set false for plain text (logs, files, terminals without colour).
   */
  ansi?: boolean
  /**
   * Plain text only (`ansi: false`): draw the light modules as ink instead of the dark ones, for terminals that
   * show light text on a dark background (default false: dark text on a light background).
   */
  invert?: boolean
  /** Error-correction level when text is given (default `'M'`); ignored for a matrix. */
  ecc?: QRErrorCorrection
}

// SGR 256-colour 16 (#000000) and 231 (#ffffff) are fixed entries of the colour cube, which themes do not remap
// (unlike the 16 basic colours, where "white" is often grey and "black" often dark blue).
const COLOURS = '\x1b[38;5;16;48;5;231m'
const RESET = '\x1b[0m'
// index: 2 x top-ink + bottom-ink
const GLYPHS = [' ', '▄', '▀', '█']

/**
 * Renders a QR code as text for a terminal: Unicode half blocks (`▀ ▄ █` and space), two module rows per line, so
 * modules are square in a usual terminal font, with a quiet zone.
 *
 * By default each line carries ANSI colours that fix black on white, which a phone scans in light and dark terminal
 * themes alike. Without colours, ink is dark: pass `invert: true` when the terminal draws light text on dark.
 *
 * > [!NOTE]
 * > The colours are SGR 256-colour codes (16 and 231), which every current terminal shows; terminals that add space
 * > between lines, or fonts without full-height block glyphs, leave gaps that some phones will not read: prefer the
 * > SVG wherever a browser is at hand.
 *
 * @param textOrMatrix - text to encode (with {@link encodeQR} at `options.ecc`), or a matrix from it
 * @param options.margin - quiet zone in modules (default 4)
 * @param options.ansi - explicit black-on-white ANSI colours (default true)
 * @param options.invert - without colours, draw the light modules as ink (default false)
 * @param options.ecc - error-correction level for text (default `'M'`)
 * @returns the lines joined with `\n`, without a trailing newline
 * @throws OTPError `ERR_QR_TOO_LONG` when the text does not fit; `ERR_INVALID_OPTION` for a bad option
 * @example
 * console.log(renderTerminal(createKeyURI(params)))
 * console.log(renderTerminal(uri, { ansi: false, invert: true })) // plain text, dark terminal
 * @see ISO/IEC 18004:2015 §6.3.8 (quiet zone)
 */
export function renderTerminal(textOrMatrix: string | QRMatrix, options: RenderTerminalOptions = {}): string {
  if (typeof options !== 'object' || options === null) throw mustBe('options', 'an object', options)
  const matrix = toMatrix(textOrMatrix, options.ecc)
  const margin = integerOption(options.margin ?? 4, 'margin', 0, 1000, 4)
  const { ansi = true, invert = false } = options
  if (typeof ansi !== 'boolean') throw mustBe('ansi', 'a boolean', ansi)
  if (typeof invert !== 'boolean') throw mustBe('invert', 'a boolean', invert)
  // with colours the ink is always black; without, it is the terminal's text colour
  const inkIsDark = ansi || !invert
  const total = matrix.size + 2 * margin
  const lines: string[] = []
  for (let row = 0; row < total; row += 2) {
    let line = ansi ? COLOURS : ''
    for (let col = 0; col < total; col++) {
      const x = col - margin
      const y = row - margin
      const top = matrix.get(x, y) === inkIsDark ? 2 : 0
      // an odd last row has nothing below it: light, or no ink at all when ink is light
      const below = row + 1 < total ? matrix.get(x, y + 1) === inkIsDark : false
      line += GLYPHS[top + (below ? 1 : 0)]
    }
    lines.push(ansi ? line + RESET : line)
  }
  return lines.join('\n')
}
