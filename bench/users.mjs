// Users enrolled through the MFA service for the benches (bench/mfa.mjs, bench/storage.mjs, bench/login.mjs): each
// with its own service instance and clock, so every timed login can be given a fresh code of a later step.
import { createMFA, decodeBase32 } from '../dist/index.js'
import { generateTOTP } from '../dist/sync.js'

/**
 * With BENCH_KEYS=1 every service of the benches seals secrets and signs records under one encryption key (as a
 * deployment with `encryptionKeys` does): the record MAC and the sealed secrets are then part of every login.
 */
const keyed =
  process.env.BENCH_KEYS === '1' ? { encryptionKeys: { current: 'k1', keys: { k1: new Uint8Array(32).fill(7) } } } : {}

/** The TOTP step (ms) the benches use; every user's clock moves by one step per login. */
export const STEP = 30_000

/**
 * A user with `count` authenticators (the first enrolled, the others added with a proof), each confirmed with two
 * consecutive codes; returns the service, the user's clock, the secrets (bytes) and `bytes` (the first secret).
 */
export async function enrollUser(store, userId, { engine, count = 1, policy, start }) {
  const clock = { now: start }
  const mfa = createMFA({
    store,
    issuer: 'Bench',
    now: () => clock.now,
    engine,
    ...keyed,
    ...(policy ? { policy } : {}),
  })
  const secrets = []
  for (let i = 0; i < count; i++) {
    const proof = i === 0 ? undefined : generateTOTP(secrets[0], { timestamp: clock.now })
    const begun = await mfa.beginEnrollment(userId, { accountName: userId, ...(proof ? { proof } : {}) })
    if (!begun.ok) throw new Error(`beginEnrollment refused: ${begun.reason}`)
    const bytes = decodeBase32(begun.secret)
    const c1 = generateTOTP(bytes, { timestamp: clock.now })
    clock.now += STEP
    const done = await mfa.confirmEnrollment(userId, c1, generateTOTP(bytes, { timestamp: clock.now }))
    if (!done.ok) throw new Error(`confirmEnrollment refused: ${done.reason}`)
    secrets.push(bytes)
    clock.now += STEP
  }
  return { mfa, clock, userId, secrets, bytes: secrets[0] }
}

/**
 * The next `n` steps of a user (moving its clock on), each with the code of secret `pick(i)`: computed with the sync
 * engine before a timed loop, so making the codes costs the timing nothing.
 */
export function nextCodes(user, n, pick = () => 0) {
  const out = []
  for (let i = 0; i < n; i++) {
    user.clock.now += STEP
    const which = pick(i)
    const timestamp = user.clock.now
    out.push({ timestamp, which, code: generateTOTP(user.secrets[which], { timestamp }) })
  }
  return out
}
