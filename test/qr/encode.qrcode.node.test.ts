// Module-for-module comparison with the `qrcode` npm package (an independent encoder) at the same version, level and
// mask, and a check of our automatic mask choice against an independent implementation of the ISO penalty score.
import { createRequire } from 'node:module'
import { encodeQR, type QRMatrix } from 'mfa-core/qr'
import { describe, expect, it } from 'vitest'
import { CAPACITY, KEY_URIS, KINDS, LEVELS, random, randomText } from './decode-helpers'

// qrcode ships no types (and @types/qrcode is not a dev dependency): the little used here
interface QRCodeSymbol {
  modules: { size: number; data: Uint8Array }
  maskPattern: number
}
const QRCode = createRequire(import.meta.url)('qrcode') as {
  create(
    data: string | { data: Uint8Array; mode: 'byte' }[],
    options: { errorCorrectionLevel: string; version?: number; maskPattern?: number },
  ): QRCodeSymbol
}

const SEED = Number(process.env.QR_SEED ?? Math.floor(Math.random() * 2 ** 32))

function sameModules(ours: QRMatrix, theirs: { size: number; data: Uint8Array }): number {
  let differing = 0
  for (let y = 0; y < ours.size; y++) {
    for (let x = 0; x < ours.size; x++) if (ours.get(x, y) !== (theirs.data[y * theirs.size + x] === 1)) differing++
  }
  return differing
}

/** ISO/IEC 18004 §7.8.3 penalty, written independently of src/qr/matrix.ts: explicit runs, blocks and windows. */
function isoPenalty(m: QRMatrix): number {
  const n = m.size
  const at = (x: number, y: number): number => (m.get(x, y) ? 1 : 0)
  const lines: number[][] = []
  for (let i = 0; i < n; i++) {
    lines.push(Array.from({ length: n }, (_, j) => at(j, i)))
    lines.push(Array.from({ length: n }, (_, j) => at(i, j)))
  }
  let score = 0
  for (const line of lines) {
    let start = 0
    for (let j = 1; j <= n; j++) {
      if (j === n || line[j] !== line[start]) {
        if (j - start >= 5) score += 3 + (j - start - 5)
        start = j
      }
    }
    const text = line.join('')
    for (let j = 0; j + 11 <= n; j++) {
      const window = text.slice(j, j + 11)
      if (window === '10111010000' || window === '00001011101') score += 40
    }
  }
  for (let y = 0; y + 1 < n; y++) {
    for (let x = 0; x + 1 < n; x++) {
      const c = at(x, y)
      if (at(x + 1, y) === c && at(x, y + 1) === c && at(x + 1, y + 1) === c) score += 3
    }
  }
  let dark = 0
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) dark += at(x, y)
  const percent = (dark * 100) / (n * n)
  // 10 points for each full 5% step of deviation beyond the first: 45-55% scores 0, 40-45% and 55-60% score 10...
  score += Math.floor(Math.abs(percent - 50) / 5) * 10
  return score
}

describe(`encodeQR against the qrcode package (seed ${SEED})`, () => {
  it('draws the same modules for the same version, level and mask, in every version', () => {
    const next = random(SEED)
    let compared = 0
    for (let version = 1; version <= 40; version++) {
      for (const ecc of LEVELS) {
        const high = CAPACITY[ecc][version - 1]!
        const low = version === 1 ? 0 : CAPACITY[ecc][version - 2]!
        const text = randomText(next, KINDS[version % 3]!, low + 1 + Math.floor(next() * (high - low)))
        const mask = Math.floor(next() * 8)
        const ours = encodeQR(text, { ecc, mask })
        expect(ours.version).toBe(version)
        const theirs = QRCode.create([{ data: new TextEncoder().encode(text), mode: 'byte' }], {
          errorCorrectionLevel: ecc,
          version,
          maskPattern: mask,
        })
        expect(sameModules(ours, theirs.modules), `seed ${SEED} v${version} ${ecc} mask ${mask}`).toBe(0)
        compared++
      }
    }
    console.info(`identical to qrcode in ${compared} symbols`)
  })

  it('picks a mask with the lowest ISO penalty score', () => {
    const next = random(SEED + 1)
    const texts = [...KEY_URIS, ...Array.from({ length: 30 }, (_, i) => randomText(next, KINDS[i % 3]!, 1 + i * 20))]
    let sameAsQrcode = 0
    for (const text of texts) {
      const auto = encodeQR(text)
      const scores = Array.from({ length: 8 }, (_, mask) => isoPenalty(encodeQR(text, { mask })))
      expect(scores[auto.mask], `scores ${scores} chose ${auto.mask}`).toBe(Math.min(...scores))
      if (QRCode.create(text, { errorCorrectionLevel: 'M' }).maskPattern === auto.mask) sameAsQrcode++
    }
    // qrcode scores N4 differently (any deviation from 50% costs), so its choice may differ: informative only
    console.info(`same mask as qrcode for ${sameAsQrcode} of ${texts.length} texts`)
  })
})
