// jsQR, an independent decoder, reads back what encodeQR makes: random text of lengths that land in every version
// from 1 to 40 at every error-correction level, in ASCII, UTF-8 (emoji included) and binary-ish code points, and
// key URIs. The matrices are rasterised at 3 pixels per module with the 4-module quiet zone. jsQR is loaded with its
// version-23 alignment table fixed (see decode-helpers.ts: upstream cozmo/jsQR#251).
import { readdirSync, readFileSync } from 'node:fs'
import fc from 'fast-check'
import { type Algorithm, createKeyURI, type KeyURIParams, parseKeyURI } from 'mfa-core'
import { encodeQR, renderTerminal } from 'mfa-core/qr'
import { describe, expect, it } from 'vitest'
import { CAPACITY, jsQR, KEY_URIS, KINDS, LEVELS, random, randomText, rasterise } from './decode-helpers'

const SEED = Number(process.env.QR_SEED ?? Math.floor(Math.random() * 2 ** 32))
// texts per (version, level): 2 here (one random length, one of exactly the capacity), 12 in CI, or QR_PER_VERSION
// (each set ends on one of exactly the capacity)
const PER_VERSION = Number(process.env.QR_PER_VERSION ?? (process.env.CI ? 12 : 2))
const SCALE = 3

function decode(
  text: string,
  options: Parameters<typeof encodeQR>[1],
): { version: number; bytes: number[] | null; data: string | null } {
  const m = encodeQR(text, options)
  const { data, width } = rasterise(m, SCALE)
  const result = jsQR(data, width, width, { inversionAttempts: 'dontInvert' })
  return { version: m.version, bytes: result?.binaryData ?? null, data: result?.data ?? null }
}

describe(`jsQR decodes encodeQR (seed ${SEED}, QR_SEED to replay)`, () => {
  for (const ecc of LEVELS) {
    it(`level ${ecc}: ${PER_VERSION} random texts in each version 1-40, the last one of exactly its capacity`, () => {
      const next = random(SEED ^ ecc.charCodeAt(0))
      let decoded = 0
      for (let version = 1; version <= 40; version++) {
        const low = version === 1 ? 0 : CAPACITY[ecc][version - 2]!
        const high = CAPACITY[ecc][version - 1]!
        for (let i = 0; i < PER_VERSION; i++) {
          const bytes = i === PER_VERSION - 1 ? high : low + 1 + Math.floor(next() * (high - low))
          // the kind turns with the version too, so that two texts a version still see all three
          const kind = KINDS[(version + i) % KINDS.length]!
          const text = randomText(next, kind, bytes)
          const expected = Array.from(new TextEncoder().encode(text))
          expect(expected.length).toBe(bytes)
          const result = decode(text, { ecc })
          const label = `seed ${SEED}, ${ecc} v${version} ${kind} ${bytes} bytes`
          expect(result.version, label).toBe(version)
          expect(result.bytes, label).toEqual(expected)
          expect(result.data, label).toBe(text)
          decoded++
        }
      }
      console.info(`jsQR decoded ${decoded} symbols at level ${ecc}`)
    }, 180_000)
  }

  it('decodes every sample key URI at every level and with every forced mask', () => {
    let decoded = 0
    for (const uri of KEY_URIS) {
      for (const ecc of LEVELS) {
        for (let mask = -1; mask < 8; mask++) {
          const result = decode(uri, mask < 0 ? { ecc } : { ecc, mask })
          expect(result.data, `${ecc} mask ${mask}: ${uri}`).toBe(uri)
          decoded++
        }
      }
    }
    console.info(`jsQR decoded ${decoded} key URI symbols`)
  })

  it('decodes with minVersion raising the version above what the text needs', () => {
    for (const minVersion of [3, 9, 10, 27, 40]) {
      const result = decode('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP', { minVersion, ecc: 'L' })
      expect(result.version).toBe(minVersion)
      expect(result.data).toBe('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP')
    }
  })

  it('decodes renderTerminal output, drawn as a terminal would: ANSI black on white, and plain light-on-dark', () => {
    // one glyph = one cell of 1 module wide, 2 modules high; ink is black with ANSI colours, the terminal's light
    // text colour with { ansi: false, invert: true }, where blank cells show the dark terminal background
    const draw = (text: string, inkIsDark: boolean) => {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping the ANSI escapes on purpose
      const lines = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n')
      const size = [...lines[0]!].length
      const rows = lines.length * 2
      const dark = (x: number, y: number): boolean => {
        const glyph = [...lines[y >> 1]!][x]!
        const ink = y % 2 === 0 ? glyph === '▀' || glyph === '█' : glyph === '▄' || glyph === '█'
        return ink === inkIsDark
      }
      return rasterise(
        {
          size: Math.max(size, rows),
          version: 0,
          ecc: 'M',
          mask: 0,
          get: (x, y) => x < size && y < rows && dark(x, y),
        },
        3,
        0,
      )
    }
    for (const uri of KEY_URIS) {
      const colour = draw(renderTerminal(uri), true)
      expect(jsQR(colour.data, colour.width, colour.width)?.data, `ansi ${uri}`).toBe(uri)
      const plain = draw(renderTerminal(uri, { ansi: false, invert: true }), false)
      expect(jsQR(plain.data, plain.width, plain.width)?.data, `plain inverted ${uri}`).toBe(uri)
    }
  })

  it('decodes every otpauth:// URI written in the key-URI test suites, at every level', () => {
    // read from the suites' sources, so that a URI added there is covered here too
    const files = readdirSync('test')
      .filter((f) => /^uri.*\.test\.ts$/.test(f))
      .map((f) => `test/${f}`)
    const uris = new Set<string>()
    for (const file of files) {
      const source = readFileSync(file, 'utf8')
      for (const [, uri] of source.matchAll(/'(otpauth:\/\/[^'\n]*)'/gi)) uris.add(uri!.replace(/\\'/g, "'"))
      for (const [, uri] of source.matchAll(/`(otpauth:\/\/[^`$]*)`/gi)) uris.add(uri!)
    }
    expect(uris.size, `URIs found in ${files.join(', ')}`).toBeGreaterThanOrEqual(10)
    for (const uri of uris) {
      for (const ecc of LEVELS) expect(decode(uri, { ecc }).data, `${ecc}: ${uri}`).toBe(uri)
    }
    console.info(`jsQR decoded ${uris.size * 4} symbols of ${uris.size} URIs from ${files.length} URI suites`)
  })

  it('round-trips createKeyURI through encodeQR and jsQR into the same parseKeyURI result (property)', () => {
    const text = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((s) => !s.includes(':') && s.trim() === s)
    const params: fc.Arbitrary<KeyURIParams> = fc
      .record(
        {
          type: fc.constantFrom('totp' as const, 'hotp' as const),
          issuer: text,
          accountName: text,
          secret: fc.uint8Array({ minLength: 10, maxLength: 64 }),
          algorithm: fc.constantFrom<Algorithm>('SHA1', 'SHA256', 'SHA512'),
          digits: fc.integer({ min: 6, max: 10 }),
          period: fc.integer({ min: 1, max: 300 }),
          counter: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        },
        { requiredKeys: ['type', 'accountName', 'secret'] },
      )
      .map((p) =>
        p.type === 'hotp' ? { ...p, period: undefined, counter: p.counter ?? 0n } : { ...p, counter: undefined },
      )
    fc.assert(
      fc.property(params, fc.constantFrom(...LEVELS), (p, ecc) => {
        const uri = createKeyURI(p)
        const decoded = decode(uri, { ecc }).data
        expect(decoded).toBe(uri)
        expect(parseKeyURI(decoded!)).toEqual(parseKeyURI(uri))
      }),
      { numRuns: Math.min(Number(process.env.FC_NUM_RUNS ?? 200), 500), seed: SEED },
    )
  })
})
