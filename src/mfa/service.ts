// createMFA: the options checked and the service context built once (context.ts), then one line per operation.
// Each operation (operations/) checks its arguments, runs one transaction step (gate, evidence, machine) and then
// signs or mints; the public types are in api.ts, every rule in machine/.
import type { MFA, MFAOptions } from './api.js'
import { createContext } from './context.js'
import {
  importAuthenticator,
  listAuthenticators,
  removeAuthenticator,
  renameAuthenticator,
} from './operations/authenticators.js'
import { beginEnrollment, cancelEnrollment, confirmEnrollment, pendingEnrollment } from './operations/enrollment.js'
import { rewriteRecord } from './operations/keys.js'
import { checkProof, verify } from './operations/login.js'
import { acknowledgeRecoveryCodes, regenerateRecoveryCodes, unsavedRecoveryCodes } from './operations/recovery-codes.js'
import { resync } from './operations/resync.js'
import { beginSecurityKeyRegistration, challenge, finishSecurityKeyRegistration } from './operations/security-keys.js'
import { status } from './operations/status.js'
import {
  listTrustedDevices,
  revokeTrustedDevice,
  revokeTrustedDevices,
  verifyTrustedDevice,
} from './operations/trusted-devices.js'
import { disable, reset } from './operations/turn-off.js'

/**
 * Creates the MFA service: several authenticators per user, each enrolled with two consecutive codes (or imported);
 * login with replay protection and throttling; a proof before every change; support reset and recovery codes; over
 * a compare-and-set {@link MFAStore}.
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
 * const started = await mfa.beginEnrollment(user.id, { accountName: user.email })
 * const confirmed = await mfa.confirmEnrollment(user.id, code1, code2)
 * if (confirmed.ok) show(confirmed.recoveryCodes) // again with unsavedRecoveryCodes until acknowledged
 * const login = await mfa.verify(user.id, typedCode)
 * @see RFC 6238 §5.2 (window, resynchronisation, replay)
 */
export function createMFA(options: MFAOptions): MFA {
  const ctx = createContext(options)
  return {
    beginEnrollment: (userId, opts) => beginEnrollment(ctx, userId, opts),
    confirmEnrollment: (userId, code1, code2) => confirmEnrollment(ctx, userId, code1, code2),
    pendingEnrollment: (userId, opts) => pendingEnrollment(ctx, userId, opts),
    unsavedRecoveryCodes: (userId) => unsavedRecoveryCodes(ctx, userId),
    acknowledgeRecoveryCodes: (userId) => acknowledgeRecoveryCodes(ctx, userId),
    cancelEnrollment: (userId) => cancelEnrollment(ctx, userId),
    verify: (userId, input, opts) => verify(ctx, userId, input, opts),
    challenge: (userId) => challenge(ctx, userId),
    beginSecurityKeyRegistration: (userId, opts) => beginSecurityKeyRegistration(ctx, userId, opts),
    finishSecurityKeyRegistration: (userId, response) => finishSecurityKeyRegistration(ctx, userId, response),
    checkProof: (userId, proof, opts) => checkProof(ctx, userId, proof, opts),
    verifyTrustedDevice: (userId, token) => verifyTrustedDevice(ctx, userId, token),
    listTrustedDevices: (userId) => listTrustedDevices(ctx, userId),
    revokeTrustedDevice: (userId, deviceId) => revokeTrustedDevice(ctx, userId, deviceId),
    revokeTrustedDevices: (userId) => revokeTrustedDevices(ctx, userId),
    resync: (userId, code1, code2) => resync(ctx, userId, code1, code2),
    listAuthenticators: (userId) => listAuthenticators(ctx, userId),
    renameAuthenticator: (userId, id, label) => renameAuthenticator(ctx, userId, id, label),
    removeAuthenticator: (userId, id, proof) => removeAuthenticator(ctx, userId, id, proof),
    importAuthenticator: (userId, opts) => importAuthenticator(ctx, userId, opts),
    disable: (userId, proof) => disable(ctx, userId, proof),
    regenerateRecoveryCodes: (userId, proof) => regenerateRecoveryCodes(ctx, userId, proof),
    reset: (userId, opts) => reset(ctx, userId, opts),
    status: (userId) => status(ctx, userId),
    rewriteRecord: (userId) => rewriteRecord(ctx, userId),
  }
}
