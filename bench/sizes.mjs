#!/usr/bin/env node
// Bundle sizes next to the peers': a tiny app importing generate + verify (and base32 where the library has it
// separately) from each library, bundled, minified and tree-shaken by esbuild for the browser, then gzipped (level 9).
// mfa-core comes from the built dist/ (npm run build first). scripts/check-bundles.mjs guards our own budgets; this
// only reports. Run: npm run bench:sizes
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const CASES = [
  [
    'mfa-core (generateTOTP, verifyTOTP, base32)',
    `export { generateTOTP, verifyTOTP, encodeBase32, decodeBase32 } from '${root}dist/index.js'`,
  ],
  [
    'mfa-core/sync (generateTOTP, verifyTOTP, base32)',
    `export { generateTOTP, verifyTOTP, encodeBase32, decodeBase32 } from '${root}dist/sync.js'`,
  ],
  ['mfa-core/sync (everything)', `export * from '${root}dist/sync.js'`],
  ['otpauth (TOTP, Secret)', `export { TOTP, Secret } from 'otpauth'`],
  ['otplib (generate, verify)', `export { generate, verify } from 'otplib'`],
  [
    '@otplib/plugin-crypto-web + otplib',
    `export { generate, verify } from 'otplib'; export { WebCryptoPlugin } from '@otplib/plugin-crypto-web'`,
  ],
  ['@epic-web/totp (generateTOTP, verifyTOTP)', `export { generateTOTP, verifyTOTP } from '@epic-web/totp'`],
  [
    '@oslojs/otp + @oslojs/encoding (TOTP, base32)',
    `export { generateTOTP, verifyTOTP } from '@oslojs/otp'; export { encodeBase32, decodeBase32 } from '@oslojs/encoding'`,
  ],
]

console.log('| bundle (esbuild, browser, minified) | min KB | min+gzip KB |\n| --- | ---: | ---: |')
for (const [name, contents] of CASES) {
  try {
    const result = await build({
      stdin: { contents, resolveDir: root, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    })
    const text = result.outputFiles[0].text
    const kb = (n) => (n / 1024).toFixed(2)
    console.log(`| ${name} | ${kb(text.length)} | ${kb(gzipSync(text, { level: 9 }).length)} |`)
  } catch (error) {
    console.log(`| ${name} | did not bundle: ${String(error.message).split('\n')[0]} | |`)
  }
}
