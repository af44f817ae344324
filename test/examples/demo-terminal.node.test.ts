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
import { type Cell, cells, rasterise, screenText, zbarRead } from '../support/terminal-screen.js'
import { canRun, missingPrograms } from '../support/tools.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const COLUMNS = 80
const ROWS = 24
const missing = missingPrograms(['tmux', 'zbarimg'])
canRun(
  'terminal demo',
  missing.length === 0 ? null : `${missing.join(', ')} not installed (apt-get install tmux zbar-tools)`,
)

describe.skipIf(missing.length > 0)('terminal demo at 80x24 (tmux)', () => {
  const socket = `mfa-demo-${process.pid}`
  const dir = mkdtempSync(join(tmpdir(), 'mfa-demo-'))
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' })
  let screen: string[] = []
  let painted: Cell[][] = []

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
      const captured = tmux('capture-pane', '-e', '-N', '-p', '-t', '0').stdout.replace(/\n$/, '')
      painted = cells(captured)
      screen = screenText(painted)
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
    const decoded = (['light', 'dark'] as const).map((theme) => {
      const image = join(dir, `screen-${theme}.pgm`)
      writeFileSync(image, rasterise(painted, { columns: COLUMNS, rows: ROWS }, theme))
      const read = zbarRead(image)
      expect(read, `zbarimg could not read the ${theme} screen:\n${screen.join('\n')}`).not.toBeNull()
      return read
    })
    expect(decoded[1]).toBe(decoded[0])
    const uri = decoded[0] as string
    // the code is painted black on white: the ANSI colours reached the terminal
    expect(painted.flat().filter((cell) => cell.white).length).toBeGreaterThan(45 * 23 - 1)
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
