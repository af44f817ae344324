// Shared by the QR differential suites: rasterising a matrix, seeded random text of an exact UTF-8 length, the
// Table 7 capacities, and sample key URIs.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type jsQRType from 'jsqr'
import type { QRErrorCorrection, QRMatrix } from 'mfa-core/qr'

/**
 * jsQR 1.4.0 with its one known table error fixed: it puts the fourth alignment centre of version 23 at 74 instead
 * of 78 (ISO/IEC 18004 Annex E, Table E.1; upstream cozmo/jsQR#251), so it cannot read any version-23 symbol at
 * level L from any encoder. The bundled source is loaded with that entry corrected, and nothing else changed.
 */
export const jsQR: typeof jsQRType = (() => {
  const require = createRequire(import.meta.url)
  const source = readFileSync(require.resolve('jsqr'), 'utf8')
  const wrong = 'alignmentPatternCenters: [6, 30, 54, 74, 102]'
  if (source.split(wrong).length !== 2) throw new Error('jsQR changed: review the version-23 workaround here')
  const fixed = source.replace(wrong, 'alignmentPatternCenters: [6, 30, 54, 78, 102]')
  const module = { exports: {} as { default?: typeof jsQRType } & typeof jsQRType }
  new Function('module', 'exports', fixed)(module, module.exports)
  return module.exports.default ?? module.exports
})()

export const LEVELS: QRErrorCorrection[] = ['L', 'M', 'Q', 'H']

export { CAPACITY } from '../support/qr-capacity'

/** RGBA pixels of the matrix: `scale` pixels per module, `margin` light modules around it, black on white. */
export function rasterise(m: QRMatrix, scale: number, margin = 4): { data: Uint8ClampedArray; width: number } {
  const width = (m.size + 2 * margin) * scale
  const data = new Uint8ClampedArray(width * width * 4).fill(255)
  for (let y = 0; y < m.size; y++) {
    for (let x = 0; x < m.size; x++) {
      if (!m.get(x, y)) continue
      for (let dy = 0; dy < scale; dy++) {
        const row = ((y + margin) * scale + dy) * width
        for (let dx = 0; dx < scale; dx++) {
          const i = (row + (x + margin) * scale + dx) * 4
          data[i] = data[i + 1] = data[i + 2] = 0
        }
      }
    }
  }
  return { data, width }
}

/** mulberry32: a small seeded generator, so that a failure names a seed that reproduces it. */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type TextKind = 'ascii' | 'utf8' | 'binary'
export const KINDS: TextKind[] = ['ascii', 'utf8', 'binary']

const UTF8_POOL = [
  [0x20, 0x7e],
  [0xa0, 0x24f], // Latin-1 and Latin Extended: 2 bytes
  [0x391, 0x3c9], // Greek
  [0x4e00, 0x9fff], // CJK: 3 bytes
  [0x1f300, 0x1f6ff], // emoji: 4 bytes, surrogate pairs in UTF-16
] as const

/**
 * Random text of exactly `bytes` UTF-8 bytes. `ascii`: printable ASCII; `utf8`: a mix of 1- to 4-byte characters
 * including emoji; `binary`: any code point from U+0000 to U+00FF, control characters and NUL included.
 */
export function randomText(next: () => number, kind: TextKind, bytes: number): string {
  let text = ''
  let length = 0
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1))
  while (length < bytes) {
    let cp: number
    if (kind === 'ascii') cp = int(0x20, 0x7e)
    else if (kind === 'binary') cp = int(0, 0xff)
    else {
      const [lo, hi] = UTF8_POOL[int(0, UTF8_POOL.length - 1)]!
      cp = int(lo, hi)
    }
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
    if (length + size > bytes) cp = int(0x20, 0x7e) // fill the last bytes with ASCII to land exactly
    text += String.fromCodePoint(cp)
    length += cp < 0x80 ? 1 : size
  }
  return text
}

/** Key URIs as apps and libraries write them (percent-encoding, unicode, every parameter, long labels). */
export const KEY_URIS = [
  'otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example',
  'otpauth://totp/ACME%20Co:john.doe%40email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30',
  'otpauth://hotp/Big%20Corp:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Big%20Corp&counter=18446744073709551615',
  'otpauth://totp/AT%26T:carol?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI&issuer=AT%26T&algorithm=SHA256&digits=8&period=60',
  'otpauth://totp/100%25%20Secure:d%C3%A9sir%C3%A9e?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA&issuer=100%25%20Secure&algorithm=SHA512&digits=10',
  'otpauth://totp/%E6%97%A5%E6%9C%AC:%E5%A4%AA%E9%83%8E?secret=JBSWY3DPEHPK3PXP&issuer=%E6%97%A5%E6%9C%AC',
  'otpauth://totp/Caf%C3%A9%20%F0%9F%94%90:user%2Bmfa%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=Caf%C3%A9%20%F0%9F%94%90&image=https%3A%2F%2Fexample.org%2Flogo.png',
  'OTPAUTH://TOTP/Issuer:acct?secret=jbswy3dpehpk3pxp====&issuer=Issuer&',
  'otpauth://totp/Straße%20GmbH:jürgen?secret=JBSWY3DPEHPK3PXP&issuer=Straße GmbH',
  `otpauth://totp/Long:${'a'.repeat(200)}?secret=${'A'.repeat(103)}&issuer=Long`,
]
