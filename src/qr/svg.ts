import { describe, OTPError } from '../errors.js'
import type { QRErrorCorrection, QRMatrix } from './encode.js'
import { checkMargin, toMatrix } from './to-matrix.js'

/** Options of {@link renderSVG}. */
export interface RenderSVGOptions {
  /** Pixels per module for the `width` and `height` attributes (default 4); the drawing scales with its viewBox. */
  moduleSize?: number
  /** Quiet zone around the symbol, in modules (default 4, the minimum ISO/IEC 18004 asks for). */
  margin?: number
  /** Colour of the dark modules, any SVG colour (default `'#000'`). */
  dark?: string
  /** Background colour (default `'#fff'`); `'none'` leaves it transparent, which only scans on a light page. */
  light?: string
  /** Accessible name, written as `<title>` and `aria-label` (default `'QR code'`); `''` marks the image decorative. */
  title?: string
  /** Error-correction level when text is given (default `'M'`); ignored for a matrix. */
  ecc?: QRErrorCorrection
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeXML = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

function checkColour(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback
  // loose on purpose (names, #hex, rgb(), hsl(), var(--x)...), but nothing that could leave the attribute
  if (typeof value !== 'string' || !/^[-\w#(),.%/+ ]+$/.test(value) || !/\w/.test(value)) {
    throw new OTPError('ERR_INVALID_OPTION', `${name} must be a colour such as '#000', got ${describe(value)}`)
  }
  return value
}

/**
 * Renders a QR code as a compact SVG document: one background rectangle and a single `<path>` of horizontal runs
 * of dark modules, with `shape-rendering="crispEdges"`, a quiet zone, and an accessible name.
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
 *   colour containing quotes or angle brackets
 * @example
 * const svg = renderSVG(createKeyURI(params), { title: 'Scan with your authenticator app' })
 * response.setHeader('content-type', 'image/svg+xml').end(svg)
 * @see ISO/IEC 18004:2015 §6.3.8 (quiet zone)
 */
export function renderSVG(textOrMatrix: string | QRMatrix, options: RenderSVGOptions = {}): string {
  const matrix = toMatrix(textOrMatrix, options.ecc)
  const moduleSize = options.moduleSize ?? 4
  if (typeof moduleSize !== 'number' || !(moduleSize > 0 && moduleSize <= 1000)) {
    throw new OTPError(
      'ERR_INVALID_OPTION',
      `moduleSize must be a number of pixels above 0, got ${describe(moduleSize)}`,
    )
  }
  const margin = checkMargin(options.margin, 4)
  const dark = checkColour('dark', options.dark, '#000')
  const light = checkColour('light', options.light, '#fff')
  const title = options.title ?? 'QR code'
  if (typeof title !== 'string')
    throw new OTPError('ERR_INVALID_OPTION', `title must be a string, got ${describe(title)}`)

  const { size } = matrix
  const total = size + 2 * margin
  const pixels = total * moduleSize
  let d = ''
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!matrix.get(x, y)) continue
      const start = x
      while (x + 1 < size && matrix.get(x + 1, y)) x++
      const run = x - start + 1
      d += `M${start + margin} ${y + margin}h${run}v1h-${run}z`
    }
  }
  const label = escapeXML(title)
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${total} ${total}" width="${pixels}" height="${pixels}" ` +
    `shape-rendering="crispEdges" ${label === '' ? 'aria-hidden="true">' : `role="img" aria-label="${label}"><title>${label}</title>`}` +
    `${light === 'none' ? '' : `<rect width="${total}" height="${total}" fill="${escapeXML(light)}"/>`}` +
    `<path fill="${escapeXML(dark)}" d="${d}"/></svg>`
  )
}
