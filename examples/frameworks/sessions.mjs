// The application's side of a sign-in, shared by the three servers: accounts with passwords (scrypt) and server-side
// sessions with a CSRF token. A real application has its own (or its framework's session plugin); what matters for
// MFA is what a session holds: who, how far the sign-in got (`stage`), and the step-up proof. Never a code or secret.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const derive = promisify(scrypt)
const token = () => randomBytes(32).toString('base64url')
const sameText = (a, b) => {
  const x = Buffer.from(String(a))
  const y = Buffer.from(String(b))
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Accounts in memory: `add(email, password)` and `check(email, password)`, which answers `{ id, email }` or null. */
export function createAccounts() {
  const byEmail = new Map()
  const unknown = { salt: randomBytes(16), hash: randomBytes(32) } // an unknown email costs as much as a known one
  return {
    async add(email, password) {
      const salt = randomBytes(16)
      const id = `user-${byEmail.size + 1}`
      byEmail.set(email, { id, email, salt, hash: await derive(password, salt, 32) })
      return id
    },
    async check(email, password) {
      const account = byEmail.get(email)
      const hash = await derive(password, (account ?? unknown).salt, 32)
      return account && timingSafeEqual(hash, account.hash) ? { id: account.id, email } : null
    },
  }
}

/**
 * Sessions in memory, keyed by a random id in an HttpOnly, SameSite=Strict cookie. `stage` is `'mfa'` after the
 * password of a user with MFA on (only the code route is open), `'in'` once signed in.
 *
 * @param options.now - the clock (ms)
 * @param options.ttlMs - how long a session lasts (default 8 hours)
 */
export function createSessions({ now = Date.now, ttlMs = 8 * 3_600_000 } = {}) {
  const byId = new Map()
  return {
    /** A new session (a new id and CSRF token: never keep the one from before the sign-in). */
    start(account, stage) {
      const session = { id: token(), csrf: token(), userId: account.id, email: account.email, stage, proof: null }
      session.expiresAt = now() + ttlMs
      byId.set(session.id, session)
      return session
    },
    /** Moves a session to a new id and token, as on every change of privilege (the MFA step of the sign-in). */
    renew(session, stage) {
      byId.delete(session.id)
      return this.start({ id: session.userId, email: session.email }, stage)
    },
    end(session) {
      byId.delete(session.id)
    },
    /** The Set-Cookie value for a session (add `Secure` behind HTTPS, which production needs). */
    cookie(session) {
      return `sid=${session.id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(ttlMs / 1000)}`
    },
    /**
     * The session of a request at the given stage, or why not. Requests that change something (any method but
     * GET and HEAD) must also carry the session's CSRF token in the `x-csrf-token` header.
     *
     * @returns `{ session }`, or `{ status: 401 | 403, body }` to send
     */
    authorize({ cookie, csrfToken, method, stage }) {
      const id = /(?:^|;\s*)sid=([\w-]+)/.exec(cookie ?? '')?.[1]
      const session = id === undefined ? undefined : byId.get(id)
      if (session && session.expiresAt <= now()) byId.delete(session.id)
      if (!session || session.expiresAt <= now() || session.stage !== stage) {
        return { status: 401, body: { ok: false, error: 'not_signed_in' } }
      }
      if (method !== 'GET' && method !== 'HEAD' && !sameText(csrfToken ?? '', session.csrf)) {
        return { status: 403, body: { ok: false, error: 'csrf' } }
      }
      return { session }
    },
  }
}
