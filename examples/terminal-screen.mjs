// The terminal demo's enrollment screen: the QR code of the key URI with the instructions and the manual key beside
// it, so that all of it and the prompt below fit an 80x24 terminal (test/examples/demo-terminal.node.test.ts renders
// it in tmux at 80x24 and decodes the QR code with zbar).
//
// A typical key URI (`otpauth://totp/Example%20Cloud:you%40example.com?secret=<32 base32>&issuer=Example%20Cloud`,
// about 110 bytes) is a version-6 symbol at ECC L: 41 modules, plus a 2-module quiet zone = 45 columns and, with
// two module rows per text row (half blocks), 23 rows. ECC L is the level phones read reliably from a screen (no
// dirt, no creases, no print defects: what the higher levels repair), and a 2-module margin is what scanners need in
// practice when the terminal's background around the code is light too.
import { encodeQR, renderTerminal } from '../dist/qr.js'

/** Columns between the quiet zone and the text beside it. */
const GAP = 2

/**
 * Lays out the QR code of `uri` with `lines` of text to its right (or below it, when the terminal is too narrow).
 *
 * @param uri - the key URI to draw
 * @param lines - text lines to place beside the code, without ANSI codes (so their width is their length)
 * @param options.columns - the terminal's width (default 80)
 * @param options.ansi - paint the code black on white with ANSI colours (default true)
 * @param options.style - a function applied to each text line after measuring it (e.g. bold), default none
 * @returns the screen, lines joined with `\n`
 */
export function besideQR(uri, lines, { columns = 80, ansi = true, style = (s) => s } = {}) {
  const matrix = encodeQR(uri, { ecc: 'L' })
  const rows = renderTerminal(matrix, { ecc: 'L', margin: 2, ansi }).split('\n')
  const width = matrix.size + 4
  const textWidth = Math.max(...lines.map((line) => line.length))
  if (width + GAP + textWidth > columns) return [...rows, '', ...lines.map(style)].join('\n')
  // vertically centred beside the code
  const top = Math.max(0, Math.floor((rows.length - lines.length) / 2))
  return rows
    .map((row, i) => {
      const text = lines[i - top]
      return text === undefined || text === '' ? row : `${row}${' '.repeat(GAP)}${style(text)}`
    })
    .join('\n')
}

/**
 * The enrollment screen of the demo: the code, how to scan it, the key to type by hand and when it expires.
 *
 * @param uri - the enrollment's key URI
 * @param manualKey - the key grouped for typing (formatKeyForManualEntry)
 * @param expiresAt - when the enrollment expires (ms since the Unix epoch)
 * @param options - as for {@link besideQR}
 * @returns the screen; the caller prints the prompt right below it
 */
export function enrollmentScreen(uri, manualKey, expiresAt, options = {}) {
  const groups = manualKey.split(' ')
  const half = Math.ceil(groups.length / 2)
  const expires = new Date(expiresAt).toISOString().slice(11, 16)
  const lines = [
    'Scan the code with Google',
    'Authenticator (or any TOTP app),',
    'or type this key by hand:',
    '',
    `  ${groups.slice(0, half).join(' ')}`,
    `  ${groups.slice(half).join(' ')}`,
    '',
    'Then type two consecutive codes:',
    'one, wait for the next, the next.',
    '',
    `(expires at ${expires} UTC)`,
  ]
  return besideQR(uri, lines, options)
}
