// Launcher for Node's CommonJS build (what `require('mfa-core')` loads). The suite itself is an ES module, loaded
// with import(); the modules under test come from require.
const mfa = require('../../dist/index.cjs')
const qr = require('../../dist/qr.cjs')
const testing = require('../../dist/testing.cjs')
const webauthn = require('../../dist/webauthn.cjs')

Promise.all([import('./conformance.mjs'), import('./webauthn-fixtures.mjs')]).then(
  async ([{ report, run }, { WEBAUTHN_FIXTURES }]) => {
    const result = await run(mfa, qr, testing, { webauthn: { module: webauthn, fixtures: WEBAUTHN_FIXTURES } })
    report('node-cjs', `Node ${process.version}`, result)
  },
)
