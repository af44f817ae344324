// Every call the console makes into the MFA service goes through this file: the routes in app.mjs never touch
// createMFA's object. What the console stores about MFA is the service's record (in the MFA store) and the audit
// log below; it never keeps a secret, a code or a recovery code. The same events send the security notifications
// (mail.mjs).
import { createMFA } from 'mfa-core'
import { verificationMail } from './identity.mjs'
import { securityMail } from './mail.mjs'

// What the audit log keeps of an event: the fields that describe it, never a secret or a code (the service never
// puts one in an event; naming the fields keeps it so if a later version adds one).
const AUDIT_FIELDS = [
  'operation',
  'reason',
  'method',
  'kind',
  'detail',
  'retryAfterMs',
  'recoveryCodesLeft',
  'actor',
  'authenticatorId',
  'deviceId',
  'drift',
  'purpose',
  'destination',
]

/**
 * The console's MFA: the service over the given store, with the audit log and the security notifications written
 * from `onEvent`.
 *
 * @param options.db - the database (for the audit log)
 * @param options.store - the MFA store (sqlStore or redisStore)
 * @param options.now - the app's clock (ms)
 * @param options.encryptionKey - 32 bytes: secrets are sealed with AES-GCM before they reach the store
 * @param options.proofKey - 32 bytes signing step-up proofs (kept in the session after a code)
 * @param options.mailer - `{ send({ to, subject, text }) }` for the security notifications (mail.mjs)
 * @param options.webauthn - `{ rpId, origins }` for security keys: the console's host name and its origins
 */
export function createConsoleMFA({ db, store, now, encryptionKey, proofKey, mailer, webauthn }) {
  const writes = new Set()
  const track = (write) => {
    const tracked = Promise.resolve(write).finally(() => writes.delete(tracked))
    writes.add(tracked)
    return tracked
  }

  // The events of one change arrive together, in one synchronous loop after the write committed: gathered until
  // the loop ends, they make one notification (removing the last authenticator is one email, not two).
  let batch = null
  const notify = (event) => {
    if (batch === null) {
      const events = []
      batch = events
      track(
        Promise.resolve()
          .then(async () => {
            batch = null
            const to = (await db.query('SELECT email FROM console_users WHERE id = ?', [events[0].userId]))[0]?.email
            const message = to && securityMail(events, to)
            if (message) await mailer.send(message)
          })
          .catch((error) => console.error('security notification failed:', error.message)),
      )
    }
    batch.push(event)
  }

  const onEvent = (event) => {
    notify(event)
    const detail = {}
    for (const field of AUDIT_FIELDS) if (event[field] !== undefined) detail[field] = event[field]
    return track(
      db.query('INSERT INTO console_audit (at, user_id, type, detail) VALUES (?, ?, ?, ?)', [
        event.at,
        event.userId,
        event.type,
        JSON.stringify(detail),
      ]),
    )
  }
  const mfa = createMFA({
    store,
    issuer: 'Example Cloud',
    now,
    encryptionKeys: { current: 'k1', keys: { k1: encryptionKey } },
    proofKey,
    onEvent,
    // a first authenticator is bound only after an identity check: a code emailed to the account (identity.mjs)
    policy: { requireIdentityProof: true },
    sendCode: ({ destination, code, expiresAt }) =>
      mailer.send(verificationMail({ to: destination, code, expiresAt, at: now() })),
    // security keys and passkeys: the browser binds each signature to this RP ID and origin, which the service checks
    webauthn: { rpId: webauthn.rpId, rpName: 'Example Cloud', origins: webauthn.origins },
  })
  // Events are emitted after the record is written; wait for their rows so the next page shows them.
  const settled = async (result) => {
    await Promise.allSettled([...writes])
    return result
  }

  return {
    /** `{ state: 'none' | 'pending' | 'active', enabledAt?, authenticators?, recoveryCodesLeft?, lockedUntil? }` */
    status: (userId) => mfa.status(userId),

    /** `{ id, label, createdAt, lastUsedAt, algorithm, digits, period }[]`, never a secret. */
    listAuthenticators: (userId) => mfa.listAuthenticators(userId),

    /**
     * Starts adding an authenticator: the first one with the proof of the emailed code (identity.mjs), a further one
     * with a proof (a fresh code of one of the user's authenticators, a recovery code, or `{ proof, maxAgeMs }`).
     * @returns `{ ok: true, authenticatorId, secret, uri, expiresAt }` or `{ ok: false, reason, retryAfterMs? }`
     */
    beginEnrollment: async (userId, { accountName, label, proof }) =>
      settled(await mfa.beginEnrollment(userId, { accountName, label, ...(proof === undefined ? {} : { proof }) })),

    /**
     * Two consecutive codes: `{ ok: true, authenticatorId, recoveryCodes }` (codes for the first one only). The same
     * pair again (a double submit, a reload) answers the same, with the same codes, while they are unsaved.
     */
    confirmEnrollment: async (userId, code1, code2) => settled(await mfa.confirmEnrollment(userId, code1, code2)),

    /**
     * The pending enrollment, to show its QR code again after a refused pair:
     * `{ authenticatorId, label, secret, uri, expiresAt, attemptsLeft }`, or null when none is pending.
     */
    pendingEnrollment: (userId, accountName) => mfa.pendingEnrollment(userId, { accountName }),

    /** Recovery codes issued and not yet saved: `{ recoveryCodes, issuedAt, expiresAt }`, or null. */
    unsavedRecoveryCodes: async (userId) => settled(await mfa.unsavedRecoveryCodes(userId)),

    /** The user saved the recovery codes: they are no longer kept to be shown again. */
    acknowledgeRecoveryCodes: async (userId) => settled(await mfa.acknowledgeRecoveryCodes(userId)),

    /**
     * A sign-in code, recovery code or security key's answer (its JSON, parsed), also returning a step-up proof and,
     * with `trustDevice: { label }`, a device token: `{ ok: true, method, proof, device? }` or
     * `{ ok: false, reason, retryAfterMs? }`.
     */
    verify: async (userId, code, { trustDevice } = {}) =>
      settled(await mfa.verify(userId, code, { proof: true, ...(trustDevice ? { trustDevice } : {}) })),

    /** Whether a step-up proof still stands: `{ ok: true, verifiedAt, method }` or `{ ok: false, reason }`. */
    checkProof: (userId, proof, maxAgeMs) => mfa.checkProof(userId, proof, { maxAgeMs }),

    /** A trusted browser's token: `{ ok: true, deviceId, token }` (the replacement to store) or `{ ok: false, reason }`. */
    verifyTrustedDevice: async (userId, token) => settled(await mfa.verifyTrustedDevice(userId, token)),

    /** `{ id, label, createdAt, lastUsedAt, expiresAt }[]`, never a token. */
    listTrustedDevices: (userId) => mfa.listTrustedDevices(userId),

    /** Revokes one trusted browser, or all of them. */
    revokeTrustedDevice: async (userId, deviceId) => settled(await mfa.revokeTrustedDevice(userId, deviceId)),
    revokeTrustedDevices: async (userId) => settled(await mfa.revokeTrustedDevices(userId)),

    /** Renames one authenticator (no proof: a name protects nothing). */
    renameAuthenticator: async (userId, id, label) => settled(await mfa.renameAuthenticator(userId, id, label)),

    /** Removes one authenticator after a proof; removing the last one turns MFA off. */
    removeAuthenticator: async (userId, id, proof) => settled(await mfa.removeAuthenticator(userId, id, proof)),

    /** Turns MFA off after a proof (the sensitive-operation check). */
    disable: async (userId, proof) => settled(await mfa.disable(userId, proof)),

    /** New recovery codes after a proof; the old ones stop working. */
    regenerateRecoveryCodes: async (userId, proof) => settled(await mfa.regenerateRecoveryCodes(userId, proof)),

    /** Emails a verification code: `{ ok: true, expiresAt, resendAfterMs }` or `{ ok: false, reason, retryAfterMs }`. */
    sendVerificationCode: async (userId, options) => settled(await mfa.sendVerificationCode(userId, options)),

    /** Checks an emailed code: `{ ok: true, channel, proof? }` or `{ ok: false, reason, attemptsLeft?, retryAfterMs? }`. */
    checkVerificationCode: async (userId, code, options) =>
      settled(await mfa.checkVerificationCode(userId, code, options)),

    /**
     * Starts registering a security key or passkey: the first authenticator with the proof of the emailed code
     * (identity.mjs), a further one with a proof. `{ ok: true, authenticatorId, options, expiresAt }` (for
     * navigator.credentials.create, the user's keys excluded) or `{ ok: false, reason }`.
     */
    beginSecurityKeyRegistration: async (userId, { accountName, label, proof }) =>
      settled(
        await mfa.beginSecurityKeyRegistration(userId, {
          accountName,
          label,
          ...(proof === undefined ? {} : { proof }),
        }),
      ),

    /** What the browser's key answered: `{ ok: true, authenticatorId, recoveryCodes }` (codes for the first one only). */
    finishSecurityKeyRegistration: async (userId, response) =>
      settled(await mfa.finishSecurityKeyRegistration(userId, response)),

    /**
     * A sign-in or confirmation challenge: `{ ok: true, methods, options?, expiresAt? }` (options for
     * navigator.credentials.get when the user has a key, its challenge kept in the record) or `{ ok: false, reason }`.
     */
    challenge: async (userId) => settled(await mfa.challenge(userId)),

    /** The support path: removes the user's MFA, recording who and why. */
    reset: async (userId, { actor, reason }) => settled(await mfa.reset(userId, { actor, reason })),
  }
}
