// Debian's zbarimg (ZBar) reads back what renderSVG draws, rasterised by rsvg-convert (librsvg): one random text per
// version and level, and the sample key URIs. Exact bytes compared (`-Sbinary`: no charset guessing, no newline).
// Only the QR symbology is enabled: with all of them on, zbar now and then also reports a 1-D barcode that it
// imagines inside the QR pattern, and --raw appends its digits to the output.
// Without the binaries the suite skips with a warning locally and fails in CI (CI installs zbar-tools, librsvg2-bin).
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { renderSVG } from 'mfa-core/qr'
import { afterAll, describe, expect, it } from 'vitest'
import { CAPACITY, KEY_URIS, KINDS, LEVELS, random, randomText } from './decode-helpers'

const run = promisify(execFile)
const SEED = Number(process.env.QR_SEED ?? Math.floor(Math.random() * 2 ** 32))
const missing = ['zbarimg', 'rsvg-convert'].filter((bin) => spawnSync(bin, ['--version']).error !== undefined)
if (missing.length > 0) {
  console.warn(
    `\n!!! ${process.env.CI ? 'FAILING (CI)' : 'SKIPPING'} the zbarimg QR suite: ${missing.join(', ')} not installed (apt-get install zbar-tools librsvg2-bin)\n`,
  )
}
const dir = mkdtempSync(join(tmpdir(), 'mfa-core-qr-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function zbar(svg: string, name: string): Promise<Buffer> {
  const svgPath = join(dir, `${name}.svg`)
  const pngPath = join(dir, `${name}.png`)
  writeFileSync(svgPath, svg)
  await run('rsvg-convert', ['-b', 'white', svgPath, '-o', pngPath])
  const { stdout } = await run('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', '-Sbinary', pngPath], {
    encoding: 'buffer',
    maxBuffer: 1 << 20,
  }).catch((error: { code?: number }) => ({ stdout: Buffer.from(`<zbarimg exit ${error.code}: nothing decoded>`) }))
  return stdout
}

/** Runs the jobs two at a time (the machine has two cores). */
async function pool<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++
      results[i] = await jobs[i]!()
    }
  }
  await Promise.all([worker(), worker()])
  return results
}

describe.skipIf(missing.length > 0 && !process.env.CI)(`zbarimg decodes renderSVG (seed ${SEED})`, () => {
  it('has the binaries (CI installs them)', () => {
    expect(missing, 'missing binaries').toEqual([])
  })

  it('decodes one random text in every version at every level, and every sample key URI', async () => {
    const next = random(SEED)
    const cases: { text: string; ecc: (typeof LEVELS)[number]; label: string }[] = []
    for (let version = 1; version <= 40; version++) {
      for (const ecc of LEVELS) {
        const high = CAPACITY[ecc][version - 1]!
        const low = version === 1 ? 0 : CAPACITY[ecc][version - 2]!
        const kind = KINDS[(version + ecc.charCodeAt(0)) % 3]!
        const bytes = low + 1 + Math.floor(next() * (high - low))
        cases.push({ text: randomText(next, kind, bytes), ecc, label: `v${version} ${ecc} ${kind} ${bytes} bytes` })
      }
    }
    for (const uri of KEY_URIS) cases.push({ text: uri, ecc: 'M', label: uri })
    const outputs = await pool(cases.map((c, i) => () => zbar(renderSVG(c.text, { ecc: c.ecc }), `case${i}`)))
    cases.forEach((c, i) => {
      expect(outputs[i]!.toString('hex'), `seed ${SEED} ${c.label}`).toBe(Buffer.from(c.text, 'utf8').toString('hex'))
    })
    console.info(`zbarimg decoded ${cases.length} SVG symbols`)
  }, 120_000)
})
