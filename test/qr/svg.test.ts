// The SVG and terminal renderers draw exactly the modules of the matrix, with the quiet zone, and refuse bad options.
import { isOTPError } from 'mfa-core'
import { encodeQR, type QRMatrix, renderSVG, renderTerminal } from 'mfa-core/qr'
import { describe, expect, it } from 'vitest'

const URI = 'otpauth://totp/ACME%20Co:john.doe%40example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co'

function expectInvalid(fn: () => unknown, label: string): void {
  let caught: unknown
  try {
    fn()
  } catch (error) {
    caught = error
  }
  expect(isOTPError(caught, 'ERR_INVALID_OPTION'), label).toBe(true)
}

/** Rebuilds the dark-module set from the path: `M x y+0.5`, then relative `m dx dy h length` strokes. */
function pathModules(svg: string): Set<string> {
  expect(svg).toMatch(/<path stroke="[^"]+" d="M\d+ \d+\.5(m-?\d+ -?\d+h\d+)*"\/>/)
  const d = /<path [^>]*d="([^"]*)"/.exec(svg)?.[1] ?? ''
  const [, startX, startY] = /^M(\d+) (\d+)\.5/.exec(d) ?? []
  let x = Number(startX)
  let y = Number(startY)
  const dark = new Set<string>()
  for (const [, dx, dy, run] of d.matchAll(/m(-?\d+) (-?\d+)h(\d+)/g)) {
    x += Number(dx)
    y += Number(dy)
    expect(Number(run)).toBeGreaterThan(0)
    for (let i = 0; i < Number(run); i++) {
      expect(dark.has(`${x},${y}`)).toBe(false)
      dark.add(`${x},${y}`)
      x++
    }
  }
  return dark
}

function expectSameModules(m: QRMatrix, dark: (x: number, y: number) => boolean, margin: number): void {
  for (let y = -margin; y < m.size + margin; y++) {
    for (let x = -margin; x < m.size + margin; x++) expect(dark(x, y), `module (${x}, ${y})`).toBe(m.get(x, y))
  }
}

describe('renderSVG', () => {
  it('draws every dark module once, in a single path, shifted by the quiet zone', () => {
    for (const margin of [0, 1, 4]) {
      const m = encodeQR(URI)
      const svg = renderSVG(m, { margin })
      const dark = pathModules(svg)
      expectSameModules(m, (x, y) => dark.has(`${x + margin},${y + margin}`), margin)
      expect(svg.match(/<path/g)).toHaveLength(1)
    }
  })

  it('writes a viewBox in modules, pixel size, crisp edges and an accessible name', () => {
    const svg = renderSVG('hello', { moduleSize: 5 })
    const total = 21 + 8
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" ')).toBe(true)
    expect(svg).toContain(`viewBox="0 0 ${total} ${total}"`)
    expect(svg).toContain(`width="${total * 5}" height="${total * 5}"`)
    expect(svg).toContain('shape-rendering="crispEdges"')
    expect(svg).toContain('role="img" aria-label="QR code"><title>QR code</title>')
    expect(svg).toContain(`<rect width="${total}" height="${total}" fill="#fff"/>`)
    expect(svg).toContain('<path stroke="#000" d="M4 4.5m0 0h7m')
    expect(svg.endsWith('</svg>')).toBe(true)
  })

  it('takes text with an ecc level, and renders it like the matrix', () => {
    expect(renderSVG(URI, { ecc: 'H' })).toBe(renderSVG(encodeQR(URI, { ecc: 'H' })))
    expect(renderSVG(URI)).toBe(renderSVG(encodeQR(URI)))
  })

  it('escapes the title, takes colours, and marks an empty title decorative', () => {
    const svg = renderSVG('x', { title: 'Scan <me> & "you" \'now\'', dark: 'rgb(10, 20, 30)', light: 'lavender' })
    expect(svg).toContain('aria-label="Scan &#60;me&#62; &#38; &#34;you&#34; &#39;now&#39;"')
    expect(svg).toContain('<title>Scan &#60;me&#62; &#38; &#34;you&#34; &#39;now&#39;</title>')
    expect(svg).toContain('stroke="rgb(10, 20, 30)"')
    expect(svg).toContain('fill="lavender"')
    expect(renderSVG('x', { light: 'none' })).not.toContain('<rect')
    const decorative = renderSVG('x', { title: '' })
    expect(decorative).toContain('aria-hidden="true"')
    expect(decorative).not.toContain('<title>')
    expect(decorative).not.toContain('role=')
  })

  it('refuses colours that could break out of the attribute, and other bad options', () => {
    for (const colour of ['"/><script>alert(1)</script>', "red' onload='x", 'red;}', '<b>', '', '   ', '\n', 42]) {
      expectInvalid(() => renderSVG('x', { dark: colour as string }), `dark ${String(colour)}`)
      expectInvalid(() => renderSVG('x', { light: colour as string }), `light ${String(colour)}`)
    }
    for (const moduleSize of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '4']) {
      expectInvalid(() => renderSVG('x', { moduleSize: moduleSize as number }), `moduleSize ${String(moduleSize)}`)
    }
    for (const margin of [-1, 1.5, Number.NaN, '4']) {
      expectInvalid(() => renderSVG('x', { margin: margin as number }), `margin ${String(margin)}`)
    }
    expectInvalid(() => renderSVG('x', { title: 5 as unknown as string }), 'title')
    expectInvalid(() => renderSVG(null as unknown as string), 'null input')
    expectInvalid(() => renderSVG({ size: 21 } as unknown as QRMatrix), 'not a matrix')
    expectInvalid(() => renderSVG('x', { ecc: 'Z' as 'L' }), 'ecc')
  })

  it('accepts fractional module sizes', () => {
    expect(renderSVG('x', { moduleSize: 2.5 })).toContain('width="72.5"')
  })
})

/** Reads a rendering back: ANSI codes stripped, each glyph gives its upper and lower module (true = ink). */
function terminalInk(text: string): boolean[][] {
  const rows: boolean[][] = []
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ANSI escape on purpose
  for (const line of text.replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
    const upper: boolean[] = []
    const lower: boolean[] = []
    for (const glyph of line) {
      upper.push(glyph === '▀' || glyph === '█')
      lower.push(glyph === '▄' || glyph === '█')
      expect(' ▀▄█').toContain(glyph)
    }
    rows.push(upper, lower)
  }
  return rows
}

describe('renderTerminal', () => {
  it('uses half blocks, two module rows per line, black on white ANSI colours by default', () => {
    const m = encodeQR(URI)
    const text = renderTerminal(m)
    const lines = text.split('\n')
    const total = m.size + 8
    expect(lines).toHaveLength(Math.ceil(total / 2))
    for (const line of lines) {
      expect(line.startsWith('\x1b[38;5;16;48;5;231m')).toBe(true)
      expect(line.endsWith('\x1b[0m')).toBe(true)
    }
    const ink = terminalInk(text)
    expect(ink[0]).toHaveLength(total)
    expectSameModules(m, (x, y) => ink[y + 4]![x + 4]!, 4)
    expect(text.endsWith('\n')).toBe(false)
  })

  it('draws dark modules as ink in plain text, and light ones with invert', () => {
    const m = encodeQR('terminal', { ecc: 'Q' })
    for (const margin of [0, 1, 2, 3]) {
      const plain = renderTerminal(m, { ansi: false, margin })
      expect(plain).not.toContain('\x1b')
      const ink = terminalInk(plain)
      expectSameModules(m, (x, y) => ink[y + margin]![x + margin]!, margin)
      const inverted = terminalInk(renderTerminal(m, { ansi: false, invert: true, margin }))
      expectSameModules(m, (x, y) => !inverted[y + margin]![x + margin]!, margin)
      // an odd number of rows leaves a last half row, which carries no ink
      const total = m.size + 2 * margin
      if (total % 2 === 1) expect(inverted[total]!.every((cell) => !cell)).toBe(true)
    }
  })

  it('takes text with an ecc level, and refuses bad options', () => {
    expect(renderTerminal(URI, { ecc: 'L' })).toBe(renderTerminal(encodeQR(URI, { ecc: 'L' })))
    expectInvalid(() => renderTerminal('x', { ansi: 'yes' as unknown as boolean }), 'ansi')
    expectInvalid(() => renderTerminal('x', { invert: 1 as unknown as boolean }), 'invert')
    expectInvalid(() => renderTerminal('x', { margin: -2 }), 'margin')
    expectInvalid(() => renderTerminal(undefined as unknown as string), 'undefined input')
  })
})
