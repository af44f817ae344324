// Passwords: scrypt from node:crypto with a per-user salt, and the app's own throttle on password attempts (the MFA
// service throttles codes; guessing passwords is the application's to stop). Shared through the database, so
// several app servers share one budget.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

// scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, tens of milliseconds per check); stored with the hash so it can grow
const COST = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }
const KEY_LENGTH = 32

const derive = (password, salt, { N, r, p }) =>
  new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N, r, p, maxmem: COST.maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  )

/** Hashes a new password: `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password) {
  const salt = randomBytes(16)
  const key = await derive(password, salt, COST)
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

// An unknown email still costs one scrypt, so the time taken does not say whether the account exists.
const DUMMY = hashPassword(randomBytes(16).toString('hex'))

/** Checks a password against a stored hash (or against nothing, in the same time). */
export async function checkPassword(password, stored) {
  const [scheme, N, r, p, salt, hash] = (stored ?? (await DUMMY)).split('$')
  if (scheme !== 'scrypt') return false
  const expected = Buffer.from(hash, 'base64url')
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(N), r: Number(r), p: Number(p) })
  return stored !== undefined && timingSafeEqual(key, expected)
}

/** Password attempts per email before a lock, and how long it lasts (doubling per further failure, at most 15 min). */
export const PASSWORD_POLICY = { maxFailures: 5, lockBaseMs: 30_000, lockMaxMs: 15 * 60_000 }

/**
 * The password throttle, one row per email (also for emails that have no account).
 *
 * @param db - from openDatabase
 * @param now - the app's clock (ms)
 */
export function passwordThrottle(db, now) {
  const read = async (email) =>
    (await db.query('SELECT failures, locked_until FROM console_password_throttle WHERE email = ?', [email]))[0]
  return {
    /** Milliseconds until this email may try again, or 0. */
    async waitMs(email) {
      const row = await read(email)
      return row ? Math.max(0, Number(row.locked_until) - now()) : 0
    },
    /** Counts a wrong password; returns the wait it caused (0 while under the limit). */
    async fail(email) {
      const row = await read(email)
      const failures = (row ? Number(row.failures) : 0) + 1
      const over = failures - PASSWORD_POLICY.maxFailures
      const lockMs =
        over < 0 ? 0 : Math.min(PASSWORD_POLICY.lockMaxMs, PASSWORD_POLICY.lockBaseMs * 2 ** Math.min(over, 30))
      const lockedUntil = lockMs ? now() + lockMs : 0
      // one statement (insert or add one), so two servers counting at once both count
      await db.query(
        `INSERT INTO console_password_throttle (email, failures, locked_until) VALUES (?, 1, ?)
         ON CONFLICT (email) DO UPDATE SET failures = console_password_throttle.failures + 1, locked_until = ?`,
        [email, lockedUntil, lockedUntil],
      )
      return lockMs
    },
    async succeed(email) {
      await db.query('DELETE FROM console_password_throttle WHERE email = ?', [email])
    },
  }
}
