// `mfa-core qr -` as a person sees it: the built bin in a real terminal emulator (tmux) of 80x24, the key URI piped
// in as README shows, the screen captured with its colours and rasterised as a camera sees it on a light and on a dark
// terminal theme (test/support/terminal-screen.ts), then read by zbarimg. With colours the code is black on white in
// both themes; with NO_COLOR the ink is the terminal's text colour, so the plain drawing reads on a light theme and
// `--invert` on a dark one (and each, as a check that the rasteriser tells them apart, not on the other).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createKeyURI, generateSecret } from 'mfa-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Cell, cells, rasterise, screenText, type Theme, zbarRead } from '../support/terminal-screen.js'
import { canRun, missingPrograms } from '../support/tools.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const CLI = `${root}dist/cli.js`
const SIZE = { columns: 80, rows: 24 }
const missing = missingPrograms(['tmux', 'zbarimg'])
canRun(
  'CLI QR code in a terminal',
  missing.length === 0 ? null : `${missing.join(', ')} not installed (apt-get install tmux zbar-tools)`,
)

const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`

describe.skipIf(missing.length > 0)('mfa-core qr - in a terminal of 80x24 (tmux), read back by zbarimg', () => {
  const socket = `mfa-qr-${process.pid}`
  const dir = mkdtempSync(join(tmpdir(), 'mfa-qr-'))
  // a typical key URI: what README's `uri --issuer "Example Cloud" --account alice@example.com` prints
  const uri = createKeyURI({ issuer: 'Example Cloud', accountName: 'alice@example.com', secret: generateSecret() })
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' })
  let sessions = 0

  /** Runs `printf '%s\n' "$key" | [NO_COLOR=1] mfa-core qr - [flags]` in a fresh pane; returns its screen. */
  async function screenOf(flags: string[], noColor: boolean): Promise<Cell[][]> {
    const name = `s${sessions++}`
    const done = join(dir, `${name}.done`)
    const script = join(dir, `${name}.sh`)
    writeFileSync(join(dir, 'key'), uri)
    writeFileSync(
      script,
      [
        `key=$(cat ${quote(join(dir, 'key'))})`,
        `printf '%s\\n' "$key" | ${noColor ? 'NO_COLOR=1 ' : ''}${[process.execPath, CLI, 'qr', '-', ...flags].map(quote).join(' ')}`,
        `touch ${quote(done)}`,
        'sleep 60',
      ].join('\n'),
    )
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' }
    delete env.NO_COLOR
    const started = spawnSync(
      'tmux',
      ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', name, '-x', '80', '-y', '24', `sh ${quote(script)}`],
      { env, encoding: 'utf8', input: '' },
    )
    expect(started.status, started.stderr).toBe(0)
    const deadline = Date.now() + 30_000
    while (!existsSync(done)) {
      if (Date.now() > deadline) throw new Error('mfa-core qr did not finish within 30 s')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const captured = tmux('capture-pane', '-e', '-N', '-p', '-t', name).stdout.replace(/\n$/, '')
    tmux('kill-session', '-t', name)
    return cells(captured)
  }

  function read(screen: Cell[][], theme: Theme, name: string): string | null {
    const image = join(dir, `${name}-${theme}.pgm`)
    writeFileSync(image, rasterise(screen, SIZE, theme))
    return zbarRead(image)
  }

  let coloured: Cell[][] = []
  let plain: Cell[][] = []
  let inverted: Cell[][] = []
  let invertedWithoutNoColor: Cell[][] = []

  beforeAll(async () => {
    if (!existsSync(CLI)) {
      const build = spawnSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' })
      if (build.status !== 0) throw new Error('tsup failed: cannot run dist/cli.js')
    }
    coloured = await screenOf([], false)
    plain = await screenOf([], true)
    inverted = await screenOf(['--invert'], true)
    invertedWithoutNoColor = await screenOf(['--invert'], false)
  }, 120_000)

  afterAll(() => {
    tmux('kill-server')
    rmSync(dir, { recursive: true, force: true })
  })

  it('fits the screen: the whole code in 80 columns, with a line to spare', () => {
    for (const screen of [coloured, plain, inverted]) {
      const text = screenText(screen)
      const drawn = text.filter((line) => /[▀▄█]/.test(line))
      expect(drawn.length).toBeGreaterThan(10)
      expect(drawn.length).toBeLessThan(SIZE.rows)
      expect(text.every((line) => Array.from(line).length <= SIZE.columns)).toBe(true)
    }
  })

  it('with colours (no NO_COLOR): black on white, read on a light and on a dark theme', () => {
    expect(coloured.flat().some((cell) => cell.white)).toBe(true)
    expect(read(coloured, 'light', 'coloured')).toBe(uri)
    expect(read(coloured, 'dark', 'coloured')).toBe(uri)
  })

  it('with NO_COLOR: no colour at all; the plain drawing reads on a light theme, not on a dark one', () => {
    expect(plain.flat().some((cell) => cell.white)).toBe(false)
    expect(read(plain, 'light', 'plain')).toBe(uri)
    expect(read(plain, 'dark', 'plain')).toBeNull()
  })

  it('with NO_COLOR and --invert: reads on a dark theme (light text on black), not on a light one', () => {
    expect(inverted.flat().some((cell) => cell.white)).toBe(false)
    expect(read(inverted, 'dark', 'inverted')).toBe(uri)
    expect(read(inverted, 'light', 'inverted')).toBeNull()
  })

  it('--invert means no colours even where colours are allowed: the same drawing as with NO_COLOR', () => {
    expect(screenText(invertedWithoutNoColor)).toEqual(screenText(inverted))
    expect(invertedWithoutNoColor.flat().some((cell) => cell.white)).toBe(false)
  })
})
