// QR code benchmark: mfa-core/qr (built dist) against the `qrcode` npm package, on a typical ~100-character key URI,
// level M. Measures the SVG string (encode + render, what an enrollment page serves) and the encoding alone.
// Rounds alternate between the contestants; each prints the median ops/s over the rounds and the ratio.
//   npm run build && node bench/qr.mjs            (MFA_CORE_DIST=/path/to/dist to bench another build)
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)
const QRCode = require('qrcode')
const dist = process.env.MFA_CORE_DIST
  ? pathToFileURL(`${process.env.MFA_CORE_DIST}/`)
  : new URL('../dist/', import.meta.url)
const { encodeQR, renderSVG } = await import(new URL('qr.js', dist).href)

const URI = 'otpauth://totp/Example:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example'
const ROUNDS = Number(process.env.ROUNDS ?? 15)
const ROUND_MS = Number(process.env.ROUND_MS ?? 200)

function qrcodeSVG(text) {
  let out
  // with a callback, qrcode renders synchronously (lib/server.js render()); checked below
  QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M' }, (error, svg) => {
    if (error) throw error
    out = svg
  })
  if (typeof out !== 'string') throw new Error('qrcode.toString did not call back synchronously')
  return out
}

/** ops/s of fn over one round of about ROUND_MS */
function round(fn) {
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < ROUND_MS) {
    for (let i = 0; i < 20; i++) fn(URI)
    ops += 20
    now = performance.now()
  }
  return (ops * 1000) / (now - start)
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function compare(label, ours, theirs) {
  for (let i = 0; i < 200; i++) {
    ours(URI)
    theirs(URI)
  }
  const a = []
  const b = []
  for (let r = 0; r < ROUNDS; r++) {
    a.push(round(ours))
    b.push(round(theirs))
  }
  const [ma, mb] = [median(a), median(b)]
  console.log(
    `${label.padEnd(28)} mfa-core/qr ${ma.toFixed(0).padStart(7)} ops/s   qrcode ${mb.toFixed(0).padStart(7)} ops/s   ratio ${(ma / mb).toFixed(2)}x`,
  )
}

const m = encodeQR(URI)
console.log(
  `node ${process.version}, ${URI.length}-character URI -> version ${m.version}-${m.ecc} (${m.size}x${m.size}), ${ROUNDS} rounds of ${ROUND_MS} ms, medians`,
)
console.log(`SVG bytes: mfa-core/qr ${renderSVG(URI).length}, qrcode ${qrcodeSVG(URI).length}`)
compare('SVG string (encode+render)', (t) => renderSVG(t), qrcodeSVG)
compare(
  'encode only',
  (t) => encodeQR(t),
  (t) => QRCode.create(t, { errorCorrectionLevel: 'M' }),
)
