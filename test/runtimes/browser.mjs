// Runs in the browser page: loads the built dist/ as ES modules and leaves the result for the launcher to read.
import * as mfa from '../../dist/index.js'
import * as qr from '../../dist/qr.js'
import * as testing from '../../dist/testing.js'
import * as webauthn from '../../dist/webauthn.js'
import { run } from './conformance.mjs'
import { WEBAUTHN_FIXTURES } from './webauthn-fixtures.mjs'

globalThis.__conformance = run(mfa, qr, testing, { webauthn: { module: webauthn, fixtures: WEBAUTHN_FIXTURES } }).then(
  (result) => ({
    ...result,
    secureContext: globalThis.isSecureContext,
  }),
)
