// Node only: a program run in a real terminal emulator (tmux) of a given size, the screen captured with its colours,
// and that screen rasterised as a camera sees it, for zbarimg to read a QR code from it. Used by the terminal demo's
// suite and the CLI's `qr` suite.
import { spawnSync } from 'node:child_process'

export interface Cell {
  ch: string
  /** the cell's background is the code's explicit white (SGR 48;5;231) */
  white: boolean
}

const ESC = '\u001b'
const SGR_OR_CHAR = new RegExp(`${ESC}\\[[0-9;]*m|[^${ESC}]`, 'gu')

/** Splits `tmux capture-pane -e` output into cells, tracking the background colour set by SGR sequences. */
export function cells(captured: string): Cell[][] {
  let white = false
  return captured.split('\n').map((line) => {
    const row: Cell[] = []
    for (const token of line.match(SGR_OR_CHAR) ?? []) {
      if (!token.startsWith(ESC)) {
        row.push({ ch: token, white })
        continue
      }
      const params = token.slice(2, -1).split(';')
      for (let i = 0; i < params.length; i++) {
        if (params[i] === '' || params[i] === '0' || params[i] === '49') white = false
        else if (params[i] === '48' && params[i + 1] === '5') {
          white = params[i + 2] === '231'
          i += 2
        } else if (params[i] === '38' && params[i + 1] === '5') i += 2
      }
    }
    return row
  })
}

/** The screen as text: each row's characters, trailing spaces dropped. */
export function screenText(screen: Cell[][]): string[] {
  return screen.map((row) =>
    row
      .map((cell) => cell.ch)
      .join('')
      .trimEnd(),
  )
}

export type Theme = 'light' | 'dark'

/**
 * Rasterises the screen as a camera sees it (PGM): each cell is one module wide and two tall. On the code's explicit
 * white background the half blocks are black ink. Elsewhere the terminal's theme decides: a light theme draws dark
 * text on white, a dark theme light text on black; the half blocks `▀ ▄ █` ink their halves in the text colour, and
 * every other visible character is drawn as a solid cell of it (harsher than letters).
 */
export function rasterise(screen: Cell[][], size: { columns: number; rows: number }, theme: Theme, scale = 4): Buffer {
  const border = 8 * scale
  const width = size.columns * scale + 2 * border
  const height = size.rows * 2 * scale + 2 * border
  const background = theme === 'light' ? 255 : 0
  const text = 255 - background
  const pixels = Buffer.alloc(width * height, background)
  const paint = (x: number, y: number, value: number) => {
    for (let dy = 0; dy < scale; dy++) {
      const offset = (border + y * scale + dy) * width + border + x * scale
      pixels.fill(value, offset, offset + scale)
    }
  }
  for (let row = 0; row < size.rows; row++) {
    for (let col = 0; col < size.columns; col++) {
      const cell = screen[row]?.[col] ?? { ch: ' ', white: false }
      const block = cell.ch === ' ' || cell.ch === '▀' || cell.ch === '▄' || cell.ch === '█'
      const top = cell.ch === '▀' || cell.ch === '█' || !block
      const bottom = cell.ch === '▄' || cell.ch === '█' || !block
      if (cell.white) {
        paint(col, row * 2, top ? 0 : 255)
        paint(col, row * 2 + 1, bottom ? 0 : 255)
      } else {
        if (top) paint(col, row * 2, text)
        if (bottom) paint(col, row * 2 + 1, text)
      }
    }
  }
  return Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`), pixels])
}

/**
 * What zbarimg reads from an image file: the QR code's text, or null when it finds none.
 *
 * @param image - a PGM (or any format zbarimg reads)
 */
export function zbarRead(image: string): string | null {
  const zbar = spawnSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', '-Sbinary', image], {
    encoding: 'utf8',
  })
  return zbar.status === 0 ? zbar.stdout.replace(/\n$/, '') : null
}
