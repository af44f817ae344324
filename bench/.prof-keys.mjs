import { createMFA, memoryStore } from '../dist/index.js'
import { createSoftKey, WEBAUTHN_OPTION } from '../test/runtimes/conformance.mjs'
const clock = { now: Date.UTC(2026, 0, 1) }
const store = memoryStore()
const mfa = createMFA({ store, issuer: 'Bench', now: () => clock.now, webauthn: WEBAUTHN_OPTION })
const key = await createSoftKey()
const begun = await mfa.beginSecurityKeyRegistration('u1')
await mfa.finishSecurityKeyRegistration('u1', await key.register(begun.options))
let tc = 0, tv = 0
for (let i = 0; i < 3000; i++) {
  clock.now += 1000
  let s = performance.now()
  const c = await mfa.challenge('u1')
  tc += performance.now() - s
  const a = await key.sign(c.options)
  s = performance.now()
  const r = await mfa.verify('u1', a)
  tv += performance.now() - s
  if (!r.ok) throw new Error(r.reason)
}
console.log('challenge us', (tc / 3) | 0, 'verify us', (tv / 3) | 0)
