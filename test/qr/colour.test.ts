// renderSVG's colours: plain colour syntax only (hex, rgb()/rgba()/hsl()/hsla() with numeric arguments, named CSS
// colours, transparent; none for the background), nothing that can reference anything (issue 14, item 4).
import fc from 'fast-check'
import { isOTPError } from 'mfa-core'
import { renderSVG } from 'mfa-core/qr'
import { describe, expect, it } from 'vitest'
import { numRuns } from '../support/env'

function refused(colour: unknown): boolean {
  let dark: unknown
  let light: unknown
  try {
    renderSVG('x', { dark: colour as string })
  } catch (error) {
    dark = error
  }
  try {
    renderSVG('x', { light: colour as string })
  } catch (error) {
    light = error
  }
  return isOTPError(dark, 'ERR_INVALID_OPTION') && isOTPError(light, 'ERR_INVALID_OPTION')
}

const accepted = (colour: string): boolean => {
  const svg = renderSVG('x', { dark: colour, light: colour })
  return svg.includes(`stroke="${colour}"`) && svg.includes(`fill="${colour}"`)
}

const REFERENCES = [
  'url(//other-host/p.svg#g)',
  'url(https://evil.example/p.svg#g)',
  'url(#g)',
  'URL(#g)',
  'u\\rl(#g)',
  'var(--bg)',
  'var(--x, red)',
  'image(url(x.png))',
  'image-set(x.png 1x)',
  'paint(x)',
  'element(#x)',
  'attr(data-c)',
  'env(x)',
  'rgb(var(--r), 0, 0)',
  'rgb(calc(1 + 2), 0, 0)',
  'rgb(from red r g b)',
  'red url(#g)',
  '#000 url(#g)',
  'red;fill:url(#g)',
  'red; background: url(x)',
  '"red"',
  "'red'",
  'red"',
  '#fff/**/',
  '\\72 ed',
  '@import',
  'expression(alert(1))',
  'context-fill',
  'currentColor',
  'inherit',
  'red !important',
  ' red',
  'red ',
  'reed',
  '#12',
  '#12345',
  '#1234567',
  '#123456789',
  '#ggg',
  'rgb()',
  'rgb(1, 2)',
  'rgb(1, 2, 3, 4, 5)',
  'rgb(1 2 3 4)',
  'rgb(1, 2 3)',
  'rgb(a, b, c)',
]

describe('renderSVG colours', () => {
  it.each(REFERENCES)('refuses %s as dark and as light', (colour) => {
    expect(refused(colour)).toBe(true)
  })

  it.each([
    '#000',
    '#0f0a',
    '#1A237E',
    '#1a237e80',
    'rgb(10, 20, 30)',
    'rgba(10,20,30,0.5)',
    'rgb(10 20 30)',
    'rgb(10 20 30 / 50%)',
    'rgb(10%, 20%, 30%)',
    'RGB(0.5, 1e2, 30)',
    'hsl(120, 100%, 25%)',
    'hsl(120deg 100% 25% / .5)',
    'hsla(120, 100%, 25%, 0.5)',
    'red',
    'Red',
    'rebeccapurple',
    'lightgoldenrodyellow',
    'transparent',
  ])('accepts %s and writes it as given', (colour) => {
    expect(accepted(colour)).toBe(true)
  })

  it("keeps 'none' for the background only (a transparent page), not for the modules", () => {
    expect(renderSVG('x', { light: 'none' })).not.toContain('<rect')
    expect(refused('none')).toBe(false)
    expect(() => renderSVG('x', { dark: 'none' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }))
  })

  it('refuses non-strings and hostile values without echoing them', () => {
    for (const value of [42, null, {}, ['red'], { toString: () => 'red' }, '', '\n']) {
      expect(refused(value)).toBe(true)
    }
    try {
      renderSVG('x', { dark: 'url(//other-host/p.svg#g)' })
    } catch (error) {
      expect((error as Error).message).not.toContain('other-host')
    }
  })

  const colourish = fc.oneof(
    fc.string(),
    fc.string({ unit: fc.constantFrom(...'#0123456789abcdefABCDEF(),./%+- rgbahslurvim"\';:\\!@*<>&') }),
    fc
      .tuple(
        fc.constantFrom('red', '#000', 'rgb(1,2,3)', 'transparent', ''),
        fc.constantFrom('url(', 'var(', 'image(', 'attr(', '"', "'", ';', '\\', '/*', '<', '>', '&', ':', '!', '@'),
        fc.string({ maxLength: 12 }),
      )
      .chain(([colour, hostile, rest]) =>
        fc.constantFrom(`${colour}${hostile}${rest}`, `${hostile}${rest}${colour}`, `${colour} ${hostile}${rest}`),
      ),
  )

  it('property: whatever is accepted is plain colour syntax, written verbatim, and references nothing', () => {
    fc.assert(
      fc.property(colourish, (colour) => {
        let svg: string
        try {
          svg = renderSVG('x', { dark: colour, light: colour === 'none' ? '#fff' : colour })
        } catch (error) {
          expect(isOTPError(error, 'ERR_INVALID_OPTION')).toBe(true)
          return
        }
        expect(colour).toMatch(/^(#[0-9a-f]+|[a-z]+|(rgb|hsl)a?\([-+0-9.e%deg ,/]+\))$/i)
        expect(colour).not.toMatch(/url|var|image|attr|["';\\<>&:!@]|\/\*/i)
        expect(svg).toContain(`stroke="${colour}"`)
        expect(svg).not.toMatch(/url\(|var\(|href|;/i)
      }),
      { numRuns: numRuns * 5 },
    )
  })

  it('property: every hostile fragment appended to or put before a valid colour is refused', () => {
    const valid = fc.constantFrom('red', '#000', '#1a237e80', 'rgb(1, 2, 3)', 'hsl(1 2% 3%)', 'transparent')
    const fragment = fc
      .tuple(
        fc.constantFrom('url(#g)', 'var(--x)', 'image(x)', '"', "'", ';', '\\', '/**/', '<', '>', '&', ':', '!', '@'),
        fc.string({ maxLength: 8 }),
      )
      .map(([a, b]) => `${a}${b}`)
    fc.assert(
      fc.property(valid, fragment, fc.boolean(), (colour, hostile, before) => {
        expect(refused(before ? `${hostile}${colour}` : `${colour}${hostile}`)).toBe(true)
        expect(refused(`${colour} ${hostile}`)).toBe(true)
      }),
      { numRuns },
    )
  })
})
