// createMFA: load the record, compute the evidence (HMACs, digests), run the pure transition, write back with
// compare-and-set, retry on conflict, emit events only after the write is committed.
import { encodeBase32 } from '../base32.js'
import { describe, integerOption, OTPError } from '../errors.js'
import { randomBytes } from '../internal/crypto.js'
import { type HMACEngine, type HMACSigner, matchStep, matchWindow, webCryptoEngine } from '../internal/engine.js'
import { checkWindow, normalizeCode, timeStep, windowOrder } from '../internal/otp.js'
import { isWellFormed } from '../storage/check.js'
import { memoryStore } from '../storage/memory.js'
import type { MFAStore } from '../storage/store.js'
import { checkEncryptionKeys, createSecretBox, type MFAEncryptionKeys } from './encryption.js'
import { emitEvents, type MFAEvent, type MFAOperation } from './events.js'
import { enrollmentURI } from './key-uri.js'
import {
  begin,
  type CodeEvidence,
  type CodeOperation,
  type CodeReason,
  type ConfirmEvidence,
  type ConfirmReason,
  codeGate,
  confirm,
  confirmGate,
  reset,
  type Transition,
  useCode,
} from './machine.js'
import { type MFAPolicy, misuse, resolvePolicy } from './policy.js'
import { emptyRecord, type MFARecord, parseRecord, type SecretParams } from './record.js'
import { digestRecoveryCode, generateRecoveryCodes, normalizeRecoveryCode } from './recovery.js'

/** Options of {@link createMFA}. */
export interface MFAOptions {
  /** Where records live (default: a new {@link memoryStore} on the service's clock, for one process only). */
  store?: MFAStore
  /** Shown by authenticator apps above the account name, e.g. `'Example Cloud'`. */
  issuer: string
  /** The clock, in milliseconds since the Unix epoch (default `Date.now`). Inject one in tests. */
  now?: () => number
  /** Changes to the {@link DEFAULT_POLICY}. */
  policy?: Partial<MFAPolicy>
  /** Encrypt secrets at rest (AES-GCM); without it secrets are stored as base32 in clear. */
  encryptionKeys?: MFAEncryptionKeys
  /** Receives audit events; its exceptions and rejections are swallowed. */
  onEvent?: (event: MFAEvent) => unknown
  /** Prefix of store keys: a user's record is at `${keyPrefix}${userId}` (default `'mfa:'`). */
  keyPrefix?: string
  /** Extra attempts after a compare-and-set conflict before failing with `ERR_STORAGE` (default 10). */
  maxRetries?: number
  /**
   * The HMAC engine for codes: WebCrypto by default; `syncEngine` from `mfa-core/sync` computes them in pure
   * TypeScript (faster in Node, where each WebCrypto call is a thread-pool round trip). Recovery codes and
   * encryption at rest still use WebCrypto.
   */
  engine?: HMACEngine
}

/** What {@link MFA.beginEnrollment} returns: show the QR code of `uri` and `secret` for manual entry. */
export interface MFAEnrollment {
  /** The secret in base32 (RFC 4648, no padding), for typing into an authenticator app. */
  secret: string
  /** The `otpauth://totp/...` key URI to render as a QR code. */
  uri: string
  /** When the pending enrollment expires, in milliseconds since the Unix epoch. */
  expiresAt: number
}

/** Result of {@link MFA.confirmEnrollment}. `recoveryCodes` are shown this once and never again. */
export type ConfirmEnrollmentResult = { ok: true; recoveryCodes: string[] } | { ok: false; reason: ConfirmReason }

/** Result of {@link MFA.verify}; `retryAfterMs` (ms) is set when the user is or just became locked. */
export type VerifyResult =
  | { ok: true; method: 'totp' | 'recovery' }
  | { ok: false; reason: CodeReason; retryAfterMs?: number }

/** Result of {@link MFA.disable}. */
export type DisableResult = { ok: true } | { ok: false; reason: CodeReason; retryAfterMs?: number }

/** Result of {@link MFA.regenerateRecoveryCodes}. */
export type RegenerateResult =
  | { ok: true; recoveryCodes: string[] }
  | { ok: false; reason: CodeReason; retryAfterMs?: number }

/** Result of {@link MFA.status}. Times in milliseconds since the Unix epoch. */
export interface MFAStatus {
  /** `active`: codes are required; `pending`: an enrollment awaits confirmation; `none`: neither. */
  state: 'none' | 'pending' | 'active'
  enabledAt?: number
  rotatedAt?: number
  recoveryCodesLeft?: number
  /** Set while the user is locked out of code checks. */
  lockedUntil?: number
  /** Expiry of a pending enrollment (a first one, or a rotation while active). */
  pendingExpiresAt?: number
}

/** The MFA service returned by {@link createMFA}. Every method validates `userId` (1 to 256 characters). */
export interface MFA {
  /**
   * Starts an enrollment: a fresh secret, pending until confirmed by two consecutive codes. Call it only right after
   * the application has re-authenticated the user (password again): it replaces any pending enrollment.
   *
   * @param userId - your stable user id
   * @param options.accountName - shown in the authenticator app, e.g. the user's email
   * @param options.replaceActive - rotate: the active secret stays valid until the new one is confirmed. Rotation
   * takes no code of the current authenticator, yet it replaces it as surely as `disable` (which needs one): ask for a
   * fresh code with {@link MFA.verify} in the same request first, or a password alone is enough to swap the phone.
   * @returns the base32 secret, the key URI and the expiry (ms)
   * @throws OTPError `ERR_INVALID_OPTION` for a bad argument, or when the user is active and `replaceActive` is not
   * set; `ERR_URI_INVALID` when `accountName` contains `:`; `ERR_STORAGE` when the store fails
   * @example
   * const { uri, secret, expiresAt } = await mfa.beginEnrollment(user.id, { accountName: user.email })
   * showQRCode(uri) // and `secret`, grouped, for typing in by hand
   */
  beginEnrollment(userId: string, options: { accountName: string; replaceActive?: boolean }): Promise<MFAEnrollment>
  /**
   * Activates a pending enrollment with the codes of two consecutive time steps, in order. Consumes the second
   * step: the next login needs a newer code.
   *
   * @param userId - the user who began the enrollment
   * @param code1 - the code the app showed first (step s)
   * @param code2 - the code that replaced it (step s+1)
   * @returns ten recovery codes (shown once), or why not: `malformed`, `same_code`, `reversed`, `not_consecutive`,
   * `invalid`, `expired`, `locked`, `not_pending`
   * @throws OTPError `ERR_STORAGE`, `ERR_DECRYPT`, `ERR_RECORD_INVALID`; never for what the user typed
   * @example
   * const result = await mfa.confirmEnrollment(user.id, firstCode, nextCode)
   * if (result.ok) showOnce(result.recoveryCodes)
   * else showHint(result.reason)
   */
  confirmEnrollment(userId: string, code1: string, code2: string): Promise<ConfirmEnrollmentResult>
  /**
   * Checks a login code: a TOTP code newer than the last accepted one within the login window, or an unused
   * recovery code. While the user is locked, nothing is checked.
   *
   * @param userId - the user signing in
   * @param code - what they typed (spaces ignored; a recovery code in any case, with or without its dash)
   * @returns `{ ok: true, method }`, or `malformed`, `invalid`, `replayed`, `locked`, `not_enrolled` (with
   * `retryAfterMs` in ms when locked or just locked)
   * @throws OTPError `ERR_STORAGE`, `ERR_DECRYPT`, `ERR_RECORD_INVALID`; never for what the user typed
   * @example
   * const login = await mfa.verify(user.id, typedCode)
   * if (!login.ok && login.retryAfterMs) showWait(login.retryAfterMs)
   */
  verify(userId: string, code: string): Promise<VerifyResult>
  /**
   * Removes the authenticator after a fresh TOTP code (recovery codes are not accepted here; a lost phone goes
   * through {@link MFA.reset}). Throttling and replay protection apply as for `verify`.
   *
   * @param userId - the user turning MFA off
   * @param code - a code newer than the last accepted one
   * @returns `{ ok: true }`, or why not (as for `verify`)
   * @throws OTPError `ERR_STORAGE`, `ERR_DECRYPT`, `ERR_RECORD_INVALID`
   * @example
   * const off = await mfa.disable(user.id, freshCode)
   */
  disable(userId: string, code: string): Promise<DisableResult>
  /**
   * The support path for a lost phone: removes everything without a code, also a stored record this version cannot
   * read (damaged, or written by a newer version). Verify the person out of band first.
   *
   * @param userId - the user to reset
   * @param options.actor - who did it (1 to 256 characters), for the `reset` event
   * @param options.reason - why (up to 1000 characters), for the `reset` event
   * @returns `{ ok: true }`, also when there was nothing to remove
   * @throws OTPError `ERR_INVALID_OPTION` for a bad argument, `ERR_STORAGE`
   * @example
   * await mfa.reset(user.id, { actor: `support:${agent.id}`, reason: `ticket ${ticket.id}: phone lost` })
   */
  reset(userId: string, options: { actor: string; reason: string }): Promise<{ ok: true }>
  /**
   * What the user has, for a settings page.
   *
   * @param userId - the user
   * @returns the state, when enabled (and rotated), recovery codes left, lock and pending expiry (ms)
   * @throws OTPError `ERR_STORAGE`, `ERR_RECORD_INVALID`
   * @example
   * const { state, recoveryCodesLeft } = await mfa.status(user.id)
   */
  status(userId: string): Promise<MFAStatus>
  /**
   * Replaces all recovery codes after a fresh TOTP code; the old ones stop working.
   *
   * @param userId - the user
   * @param code - a code newer than the last accepted one
   * @returns the new codes (shown once), or why not (as for `verify`)
   * @throws OTPError `ERR_STORAGE`, `ERR_DECRYPT`, `ERR_RECORD_INVALID`
   * @example
   * const fresh = await mfa.regenerateRecoveryCodes(user.id, code)
   * if (fresh.ok) showOnce(fresh.recoveryCodes)
   */
  regenerateRecoveryCodes(userId: string, code: string): Promise<RegenerateResult>
}

/**
 * Checks a string argument. Well-formed Unicode without U+0000 only: SQL and Redis stores encode keys as UTF-8,
 * where a lone surrogate would become U+FFFD (two users, one record), so a user id the memory store accepts in
 * development must not fail or collide in production.
 */
function checkString(name: string, value: unknown, max: number, min = 1): string {
  if (
    typeof value !== 'string' ||
    value.length < min ||
    value.length > max ||
    !isWellFormed(value) ||
    value.includes('\u0000')
  ) {
    misuse(`${name} must be well-formed text of ${min} to ${max} characters without U+0000, got ${describe(value)}`)
  }
  return value
}

/** How long the empty record left by `disable` and `reset` is kept (1 day). */
const TOMBSTONE_TTL_MS = 86_400_000

async function storeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    // Fail closed: the operation is refused. A record is written whole or not at all, never half.
    throw new OTPError('ERR_STORAGE', `the MFA store failed to ${what} the record; the operation was refused`, {
      cause: error,
    })
  }
}

/**
 * Creates the MFA service: enrollment with two consecutive codes, login with replay protection and throttling,
 * disable, support reset and recovery codes, over a compare-and-set {@link MFAStore}.
 *
 * > [!WARNING]
 * > The default in-memory store holds state in this process only: with several app servers, pass a shared store,
 * > or replay protection and throttling hold per server only.
 *
 * @param options - see {@link MFAOptions}; only `issuer` is required
 * @returns the service
 * @throws OTPError `ERR_INVALID_OPTION` when an option has the wrong type or is out of range
 * @example
 * const mfa = createMFA({ store: memoryStore(), issuer: 'Example Cloud' })
 * const { uri, secret } = await mfa.beginEnrollment(user.id, { accountName: user.email })
 * const confirmed = await mfa.confirmEnrollment(user.id, code1, code2)
 * if (confirmed.ok) showOnce(confirmed.recoveryCodes)
 * const login = await mfa.verify(user.id, typedCode)
 * @see RFC 6238 §5.2 (window, resynchronisation, replay)
 */
export function createMFA(options: MFAOptions): MFA {
  const issuer = checkString('issuer', options?.issuer, 256)
  if (issuer.includes(':') || issuer.startsWith(' ')) {
    misuse('issuer must not contain ":" or start with a space (key URI label)')
  }
  const now = options.now ?? Date.now
  if (typeof now !== 'function') misuse(`now must be a function, got ${describe(now)}`)
  const onEvent = options.onEvent
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    misuse(`onEvent must be a function, got ${describe(onEvent)}`)
  }
  const keyPrefix = options.keyPrefix === undefined ? 'mfa:' : checkString('keyPrefix', options.keyPrefix, 64, 0)
  const maxRetries = integerOption(options.maxRetries, 'maxRetries', 0, 1000, 10)
  const engine = options.engine
  if (engine !== undefined && typeof engine?.prepare !== 'function') {
    throw new OTPError('ERR_INVALID_OPTION', 'engine must have a prepare function, e.g. syncEngine')
  }
  const policy = resolvePolicy(options.policy)
  const box = createSecretBox(checkEncryptionKeys(options.encryptionKeys))
  const store = options.store ?? memoryStore({ now })
  if (typeof store !== 'object' || store === null || typeof store.get !== 'function') {
    misuse(`store must be an MFAStore, got ${describe(store)}`)
  }

  // milliseconds since the Unix epoch, up to the last Date (so now + a TTL or a lock stays a safe integer); a
  // fractional clock is floored, anything else is misuse
  const clock = (): number => integerOption(Math.floor(now()), 'now()', 0, 864e13, Number.NaN)

  const user = (userId: unknown): string => checkString('userId', userId, 256)

  /** Re-encrypts secrets under the current key on every write (key rotation happens as users come by). */
  const reseal = async (record: MFARecord, userId: string): Promise<MFARecord> => {
    const out = { ...record }
    for (const part of ['active', 'pending'] as const) {
      const held = out[part]
      if (held && box.stale(held.secret)) {
        ;(out as any)[part] = { ...held, secret: await box.seal(await box.open(held.secret, userId), userId) }
      }
    }
    return out
  }

  // `raw`: do not parse (reset removes whatever is there, even a record this version cannot read)
  const load = async (key: string, raw?: boolean) => {
    const entry = await storeCall('read', () => store.get(key))
    return { entry, record: entry === null || raw ? null : parseRecord(entry.data) }
  }

  async function commit<R>(
    userId: string,
    operation: MFAOperation,
    decide: (record: MFARecord | null, at: number) => Promise<Transition<R>>,
  ): Promise<R> {
    const key = keyPrefix + userId
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      const { entry, record } = await load(key, operation === 'reset')
      const at = clock()
      const { result, next, events } = await decide(record, at)
      let done = true
      // Removal writes an empty record (a tombstone, kept a day) instead of deleting: versions keep growing, so a
      // writer that read the old record can never match a re-created one (the ABA case described on MFAStore).
      const sealed = next === null ? emptyRecord() : next && (await reseal(next, userId))
      if (sealed && (entry !== null || sealed.active !== null || sealed.pending !== null)) {
        const data = JSON.stringify(sealed)
        const expected = entry?.version ?? null
        // Only a record without an active authenticator may expire: a tombstone after a day, a pending enrollment
        // one TTL after it did (so a late confirmation still hears `expired` rather than `not_pending`).
        const ttlMs = sealed.active
          ? 0
          : sealed.pending
            ? sealed.pending.expiresAt - at + policy.enrollmentTTLMs
            : TOMBSTONE_TTL_MS
        done = await storeCall('write', () =>
          ttlMs > 0 ? store.set(key, data, expected, { ttlMs }) : store.set(key, data, expected),
        )
      }
      if (done) {
        emitEvents(onEvent, events, { userId, at, operation })
        return result
      }
    }
    throw new OTPError(
      'ERR_STORAGE',
      `the MFA record kept changing during ${maxRetries + 1} attempts; nothing was written`,
    )
  }

  // Imported HMAC keys of active secrets, by user and stored secret (ciphertext when encrypted): verifyTOTP's fast
  // path, so a login costs the HMACs only. Bounded; a rotated or re-encrypted secret gets a new entry.
  const keys = new Map<string, Promise<HMACSigner>>()
  const hmacKey = (held: SecretParams, userId: string): Promise<HMACSigner> => {
    const id = `${userId}\u0000${held.algorithm}${JSON.stringify(held.secret)}` // user ids hold no U+0000
    let key = keys.get(id)
    if (!key) {
      if (keys.size >= 1000) keys.clear() // bounded memory; the next logins import again
      key = box.open(held.secret, userId).then((bytes) => (engine ?? webCryptoEngine).prepare(bytes, held.algorithm))
      keys.set(id, key)
      key.catch(() => keys.delete(id))
    }
    return key
  }

  /** Classifies a typed code and computes what it matches; locked users never get here. */
  const codeEvidence = async (
    gate: Exclude<ReturnType<typeof codeGate>, { reason: string }>,
    code: unknown,
    userId: string,
    allowRecovery: boolean,
  ): Promise<CodeEvidence> => {
    const { active } = gate
    const typed = normalizeCode(code, active.digits)
    if (typed !== null) {
      const now = timeStep(gate.timestamp, 0, active.period)
      const order = windowOrder(now, checkWindow(gate.window), gate.afterStep)
      const result = await matchWindow(await hmacKey(active, userId), typed, active.digits, now, order)
      if (result.valid) return { step: result.step }
      return result.reason === 'replayed' ? 'replayed' : { step: null }
    }
    const canonical = allowRecovery && typeof code === 'string' ? normalizeRecoveryCode(code) : null
    return canonical === null ? 'malformed' : { digest: await digestRecoveryCode(userId, canonical) }
  }

  const runCode = async (userId: string, operation: CodeOperation, code: unknown) => {
    let codes: string[] = []
    const result = await commit(user(userId), operation, async (record, at) => {
      const gate = codeGate(record, at, policy)
      const evidence = 'reason' in gate ? 'malformed' : await codeEvidence(gate, code, userId, operation === 'verify')
      let digests: string[] = []
      codes = []
      if (operation === 'regenerate' && typeof evidence === 'object' && 'step' in evidence && evidence.step !== null) {
        ;({ codes, digests } = await generateRecoveryCodes(userId, policy.recoveryCodes))
      }
      return useCode(record, operation, evidence, digests, at, policy)
    })
    return { result, codes }
  }

  return {
    async beginEnrollment(userId, opts) {
      user(userId)
      const accountName = checkString('accountName', opts?.accountName, 256)
      // only an explicit true rotates an active authenticator
      const replaceActive = opts.replaceActive === true
      const { algorithm, digits, period } = policy
      // a CSPRNG secret of the policy's length (validated 16 to 64 bytes when the service was created)
      const bytes = randomBytes(policy.secretBytes)
      const uri = enrollmentURI(issuer, accountName, bytes, algorithm, digits, period)
      const params = { secret: await box.seal(bytes, userId), algorithm, digits, period }
      const { expiresAt } = await commit(userId, 'enroll', async (record, at) =>
        begin(record, params, replaceActive, at, policy),
      )
      return { secret: encodeBase32(bytes), uri, expiresAt }
    },

    async confirmEnrollment(userId, code1, code2) {
      let codes: string[] = []
      const result = await commit(user(userId), 'confirm', async (record, at) => {
        const gate = confirmGate(record, at, policy)
        let evidence: ConfirmEvidence = 'malformed'
        let digests: string[] = []
        codes = []
        const a = 'reason' in gate ? null : normalizeCode(code1, gate.pending.digits)
        const b = 'reason' in gate ? null : normalizeCode(code2, gate.pending.digits)
        if (a !== null && b !== null && a === b) evidence = 'same_code'
        else if (a !== null && b !== null && !('reason' in gate)) {
          const { pending } = gate
          const bytes = await box.open(pending.secret, userId)
          const signer = await (engine ?? webCryptoEngine).prepare(bytes, pending.algorithm)
          // Each code is matched over every step the gate allows, oldest first: the oldest matching step is reported.
          const steps: number[] = []
          for (let s = Math.max(0, gate.from); s <= gate.to; s++) steps.push(s)
          const match = (code: string) => matchStep(signer, code, pending.digits, steps)
          evidence = [await match(a), await match(b)]
          if (evidence[0] !== null && evidence[1] === evidence[0] + 1) {
            ;({ codes, digests } = await generateRecoveryCodes(userId, policy.recoveryCodes))
          }
        }
        return confirm(record, evidence, digests, at, policy)
      })
      return result.ok ? { ok: true, recoveryCodes: codes } : result
    },

    async verify(userId, code) {
      return (await runCode(userId, 'verify', code)).result
    },

    async disable(userId, code) {
      const { result } = await runCode(userId, 'disable', code)
      return result.ok ? { ok: true } : result
    },

    async regenerateRecoveryCodes(userId, code) {
      const { result, codes } = await runCode(userId, 'regenerate', code)
      return result.ok ? { ok: true, recoveryCodes: codes } : result
    },

    async reset(userId, opts) {
      user(userId)
      const actor = checkString('actor', opts?.actor, 256)
      const reason = checkString('reason', opts.reason, 1000, 0)
      return commit(userId, 'reset', async () => reset(actor, reason))
    },

    async status(userId) {
      const { record } = await load(keyPrefix + user(userId))
      const at = clock()
      const pending = record?.pending && at < record.pending.expiresAt ? record.pending : null
      const active = record?.active ?? null
      const out: MFAStatus = { state: active ? 'active' : pending ? 'pending' : 'none' }
      if (active) {
        out.enabledAt = active.enabledAt
        if (active.rotatedAt !== null) out.rotatedAt = active.rotatedAt
        out.recoveryCodesLeft = active.recovery.length
        if (active.lockedUntil > at) out.lockedUntil = active.lockedUntil
      }
      if (pending) out.pendingExpiresAt = pending.expiresAt
      return out
    },
  }
}
