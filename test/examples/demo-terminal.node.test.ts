// The terminal demo as a person sees it: `node examples/demo.mjs` in a real terminal emulator (tmux) of 80x24, up to
// its first prompt. The screen at that moment must show the whole QR code, the manual key and the prompt, and the QR
// code must decode (zbar) from the characters on the screen, rasterised here into an image: each character cell is
// one module wide and two tall (half blocks); every other visible character is drawn as ink, as a camera sees it.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatKeyForManualEntry, parseKeyURI } from 'mfa-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const COLUMNS = 80
const ROWS = 24
const missing = ['tmux', 'zbarimg'].filter((bin) => spawnSync('which', [bin]).status !== 0)
if (missing.length > 0) {
  const reason = `${missing.join(', ')} not installed (apt-get install tmux zbar-tools): terminal demo not checked`
  if (process.env.CI) throw new Error(`${reason}; CI requires it`)
  console.warn(`\n*** SKIPPED terminal demo: ${reason} ***\n`)
}

/** Reads the QR code out of a screen of text: half blocks are modules, any other visible character is ink. */
function rasterise(screen: string[], scale = 4): Buffer {
  const border = 8 * scale
  const width = COLUMNS * scale + 2 * border
  const height = ROWS * 2 * scale + 2 * border
  const pixels = Buffer.alloc(width * height, 255)
  const ink = (x: number, y: number) => {
    for (let dy = 0; dy < scale; dy++) {
      pixels.fill(
        0,
        (border + y * scale + dy) * width + border + x * scale,
        (border + y * scale + dy) * width + border + (x + 1) * scale,
      )
    }
  }
  screen.forEach((line, row) => {
    Array.from(line).forEach((ch, col) => {
      const top = ch === '▀' || ch === '█' || (ch !== ' ' && ch !== '▄')
      const bottom = ch === '▄' || ch === '█' || (ch !== ' ' && ch !== '▀')
      if (top) ink(col, row * 2)
      if (bottom) ink(col, row * 2 + 1)
    })
  })
  return Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`), pixels])
}

describe.skipIf(missing.length > 0)('terminal demo at 80x24 (tmux)', () => {
  const socket = `mfa-demo-${process.pid}`
  const dir = mkdtempSync(join(tmpdir(), 'mfa-demo-'))
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' })
  let screen: string[] = []

  beforeAll(async () => {
    if (!existsSync(`${root}dist/qr.js`)) {
      const build = spawnSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' })
      if (build.status !== 0) throw new Error('tsup failed: cannot run the demo')
    }
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' }
    delete env.NO_COLOR
    const started = spawnSync(
      'tmux',
      ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', String(COLUMNS), '-y', String(ROWS), '-c', root],
      { env, encoding: 'utf8', input: '' },
    )
    // the session's shell starts first; then the demo replaces it, so the pane is the demo's terminal
    expect(started.status, started.stderr).toBe(0)
    tmux('send-keys', '-t', '0', `exec '${process.execPath}' examples/demo.mjs`, 'Enter')
    const deadline = Date.now() + 30_000
    for (;;) {
      screen = tmux('capture-pane', '-p', '-t', '0').stdout.replace(/\n$/, '').split('\n')
      if (screen.some((line) => line.startsWith('First code:'))) break
      if (Date.now() > deadline) throw new Error(`the demo never prompted; the screen:\n${screen.join('\n')}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }, 60_000)

  afterAll(() => {
    tmux('kill-server')
    rmSync(dir, { recursive: true, force: true })
  })

  it('shows the whole QR code, the key and the prompt on one screen, and the code decodes with zbar', () => {
    expect(screen.length).toBe(ROWS)
    expect(screen.every((line) => Array.from(line).length <= COLUMNS)).toBe(true)
    // the prompt is the last line, with the whole code above it
    expect(screen[ROWS - 1]).toMatch(/^First code:/)
    const image = join(dir, 'screen.pgm')
    writeFileSync(image, rasterise(screen))
    const zbar = spawnSync('zbarimg', ['--raw', '-q', '-Sbinary', image], { encoding: 'utf8' })
    expect(zbar.status, `zbarimg could not read the screen:\n${screen.join('\n')}`).toBe(0)
    const uri = zbar.stdout.replace(/\n$/, '')
    const parsed = parseKeyURI(uri)
    expect(parsed).toMatchObject({ issuer: 'Example Cloud', accountName: 'you@example.com', period: 30 })
    // the manual key of the same secret is on the screen too, in two lines of groups
    const groups = formatKeyForManualEntry(parsed.secret).split(' ')
    const text = screen.join('\n')
    expect(text).toContain(groups.slice(0, 4).join(' '))
    expect(text).toContain(groups.slice(4).join(' '))
    // a typical key URI, kept short: no parameter that repeats a default
    expect(uri).not.toMatch(/algorithm=|digits=|period=/)
  })
})

describe('the demo scripts build quietly', () => {
  const { scripts } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }

  it('npm run demo, demo:web and example build with tsup --silent, then start', () => {
    for (const name of ['demo', 'demo:web', 'example']) expect(scripts[name], name).toMatch(/^tsup --silent && node /)
  })

  it('tsup --silent prints nothing (built into a temp dir, so dist/ stays as the other suites use it)', () => {
    const out = mkdtempSync(join(tmpdir(), 'mfa-build-'))
    const build = spawnSync('npx', ['tsup', '--silent', '-d', out], { cwd: root, encoding: 'utf8' })
    rmSync(out, { recursive: true, force: true })
    expect(build.status).toBe(0)
    expect(`${build.stdout}${build.stderr}`).toBe('')
  }, 120_000)
})
