// The workerd test worker: esbuild bundles it with dist/ and the suite into one ES module (see workerd.mjs).
// `workerd test` calls test(); its console output carries the result as one JSON line after a marker.
import * as mfa from '../../dist/index.js'
import * as qr from '../../dist/qr.js'
import * as testing from '../../dist/testing.js'
import * as webauthn from '../../dist/webauthn.js'
import { run } from './conformance.mjs'
import { WEBAUTHN_FIXTURES } from './webauthn-fixtures.mjs'

export default {
  async test() {
    const result = await run(mfa, qr, testing, { webauthn: { module: webauthn, fixtures: WEBAUTHN_FIXTURES } })
    console.log(`@@conformance ${JSON.stringify(result)}`)
  },
}
