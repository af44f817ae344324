import { integerOption, mustBe } from '../errors.js'
import { checkColour } from './colour.js'
import type { QRErrorCorrection, QRMatrix } from './encode.js'
import { toMatrix } from './to-matrix.js'

/**
 * Options of {@link renderSVG}.
 *
 * @example
 * const svg = renderSVG(uri, { moduleSize: 6, dark: '#1a237e', title: 'Scan with your authenticator app' })
 */
export interface RenderSVGOptions {
  /** Pixels per module for the `width` and `height` attributes (default 4); the drawing scales with its viewBox. */
  moduleSize?: number
  /** Quiet zone around the symbol, in modules (default 4, the minimum ISO/IEC 18004 asks for). */
  margin?: number
  /**
   * Colour of the dark modules (default `'#000'`): `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb()`/`rgba()`/`hsl()`/
   * `hsla()` of numbers, or a CSS colour name such as `'navy'`. Nothing that references anything (`url()`, `var()`).
   */
  dark?: string
  /**
   * Background colour, the same syntax as `dark` (default `'#fff'`); `'none'` draws no background, which only scans
   * on a light page.
   */
  light?: string
  /** Accessible name, written as `<title>` and `aria-label` (default `'QR code'`); `''` marks the image decorative. */
  title?: string
  /** Error-correction level when text is given (default `'M'`); ignored for a matrix. */
  ecc?: QRErrorCorrection
}

const escapeXML = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * Renders a QR code as a compact SVG document: one background rectangle and a single `<path>` that strokes each
 * horizontal run of dark modules as a rectangle one module high, with `shape-rendering="crispEdges"`, a quiet zone,
 * and an accessible name.
 *
 * Inline it in HTML, serve it as `image/svg+xml`, or use it as a data URL. It has no script, no external reference
 * and no id, so several can sit on one page.
 *
 * @param textOrMatrix - text to encode (with {@link encodeQR} at `options.ecc`), or a matrix from it
 * @param options.moduleSize - pixels per module for width and height (default 4)
 * @param options.margin - quiet zone in modules (default 4)
 * @param options.dark - colour of dark modules (default `'#000'`)
 * @param options.light - background colour (default `'#fff'`; `'none'` for transparent)
 * @param options.title - accessible name (default `'QR code'`)
 * @param options.ecc - error-correction level for text (default `'M'`)
 * @returns the SVG markup, starting with `<svg`
 * @throws OTPError `ERR_QR_TOO_LONG` when the text does not fit; `ERR_INVALID_OPTION` for a bad option, such as a
 *   colour that is not plain colour syntax (`url(...)`, `var(--x)`, quotes)
 * @example
 * const svg = renderSVG(createKeyURI(params), { title: 'Scan with your authenticator app' })
 * response.setHeader('content-type', 'image/svg+xml').end(svg)
 * @see ISO/IEC 18004:2015 §6.3.8 (quiet zone)
 */
export function renderSVG(textOrMatrix: string | QRMatrix, options: RenderSVGOptions = {}): string {
  if (typeof options !== 'object' || options === null) throw mustBe('options', 'an object', options)
  const matrix = toMatrix(textOrMatrix, options.ecc)
  const moduleSize = options.moduleSize ?? 4
  if (typeof moduleSize !== 'number' || !(moduleSize > 0 && moduleSize <= 1000)) {
    throw mustBe('moduleSize', 'a number of pixels above 0', moduleSize)
  }
  const margin = integerOption(options.margin ?? 4, 'margin', 0, 1000, 4)
  const dark = checkColour('dark', options.dark, '#000', false)
  const light = checkColour('light', options.light, '#fff', true)
  const title = options.title ?? 'QR code'
  if (typeof title !== 'string') throw mustBe('title', 'a string', title)

  const { size } = matrix
  const total = size + 2 * margin
  const pixels = total * moduleSize
  // each run of dark modules in a row is a horizontal stroke 1 module wide through the middle of the row, drawn
  // with relative moves from the end of the previous run: M x y, then m dx dy h length
  let d = `M${margin} ${margin + 0.5}`
  let penX = 0
  let penY = 0
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!matrix.get(x, y)) continue
      const start = x
      while (x + 1 < size && matrix.get(x + 1, y)) x++
      d += `m${start - penX} ${y - penY}h${x + 1 - start}`
      penX = x + 1
      penY = y
    }
  }
  const label = escapeXML(title)
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${total} ${total}" width="${pixels}" height="${pixels}" ` +
    `shape-rendering="crispEdges" ${label === '' ? 'aria-hidden="true">' : `role="img" aria-label="${label}"><title>${label}</title>`}` +
    `${light === 'none' ? '' : `<rect width="${total}" height="${total}" fill="${light}"/>`}` +
    `<path stroke="${dark}" d="${d}"/></svg>`
  )
}
