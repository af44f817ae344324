// createMFA: checks the options and wires the transaction, the evidence and the machine, one method per operation.
// The MFA interface it returns, its options and its results are declared in api.ts.
import { decodeBase32, encodeBase32 } from '../base32.js'
import { describe, integerOption, OTPError } from '../errors.js'
import { isBytes } from '../internal/bytes.js'
import { randomBytes } from '../internal/crypto.js'
import { webCryptoEngine } from '../internal/engine.js'
import { MAX_NAME_LENGTH, MAX_PERIOD, MIN_PERIOD } from '../internal/limits.js'
import { checkAlgorithm } from '../internal/otp.js'
import { isWellFormed } from '../storage/check.js'
import { memoryStore } from '../storage/memory.js'
import type { MFAStore } from '../storage/store.js'
import { createKeyURI, parseKeyURI } from '../uri.js'
import type { DisableResult, ImportOptions, MFA, MFAOptions, RemoveResult, ResyncResult, VerifyResult } from './api.js'
import { checkTrustDevice, mintDeviceToken, readDeviceToken } from './device.js'
import { checkEncryptionKeys, createSecretBox } from './encryption.js'
import { createEvidence } from './evidence.js'
import type { ConfirmReason, EnrollReason, NeedsRecovery, ProofReason, Refusal, Transition } from './machine/index.js'
import * as machine from './machine/index.js'
import { type MFAAlgorithm, misuse, resolvePolicy } from './policy.js'
import { checkMaxAge, checkProofKey, createProofCodec } from './proof.js'
import { DEFAULT_LABEL, type RecoveryDigests } from './record.js'
import { createRecoveryHasher, generateRecoveryCodes } from './recovery.js'
import { createTransactions } from './transaction.js'

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

/** Whether a proof was given at all: an empty form field (or only spaces) is none, so the answer is `proof_required`. */
const given = (proof: unknown): boolean =>
  typeof proof === 'string' ? proof.trim() !== '' : proof !== undefined && proof !== null

/** The shortest secret the service imports: 80 bits, what older systems (and Google Authenticator exports) used. */
const MIN_IMPORT_SECRET_BYTES = 10
const LAST_DATE_MS = 8.64e15

/**
 * A new authenticator id: 80 random bits as 20 letters of a 16-letter alphabet (4 bits each), with no digit, so an id
 * in a log or an event never looks like a code.
 */
const newId = (): string => Array.from(randomBytes(20), (b) => 'abcdefghjkmnpqrs'[b & 15]).join('')

/** The secret and parameters of an import, checked as the service verifies them. */
function readImport(options: ImportOptions): {
  bytes: Uint8Array
  algorithm: MFAAlgorithm
  digits: number
  period: number
} {
  if (typeof options !== 'object' || options === null)
    misuse(`import options must be an object, got ${describe(options)}`)
  let bytes: Uint8Array
  let algorithm: unknown
  let digits: unknown
  let period: unknown
  if ('uri' in options) {
    const parsed = parseKeyURI(options.uri)
    if (parsed.type !== 'totp') {
      throw new OTPError('ERR_URI_INVALID', 'invalid key URI: the MFA service imports totp URIs only, not hotp')
    }
    ;({ secret: bytes, algorithm, digits, period } = parsed)
  } else {
    const secret = options.secret
    bytes = typeof secret === 'string' ? decodeBase32(secret) : (secret as Uint8Array)
    if (!isBytes(bytes)) {
      throw new OTPError('ERR_INVALID_SECRET', `secret must be bytes or base32 text, got ${describe(secret)}`)
    }
    ;({ algorithm, digits, period } = options)
  }
  if (bytes.length < MIN_IMPORT_SECRET_BYTES || bytes.length > 1024) {
    throw new OTPError('ERR_INVALID_SECRET', `secret must be 10 to 1024 bytes, got ${describe(bytes)}`)
  }
  return {
    bytes: new Uint8Array(bytes),
    algorithm: checkAlgorithm(algorithm),
    digits: integerOption(digits, 'digits', 6, 10, 6),
    period: integerOption(period, 'period (seconds)', MIN_PERIOD, MAX_PERIOD, 30),
  }
}

/** Fills in the recovery codes a transition asked for; `codes` receives them for the caller. */
async function withRecovery<R>(
  decision: Transition<R> | NeedsRecovery<R>,
  fresh: () => Promise<{ codes: string[]; recovery: RecoveryDigests }>,
  codes: { list: string[] },
): Promise<Transition<R>> {
  codes.list = []
  if (!('needsRecovery' in decision)) return decision
  const { codes: list, recovery } = await fresh()
  codes.list = list
  return decision.needsRecovery(recovery)
}

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
 * if (confirmed.ok) showOnce(confirmed.recoveryCodes)
 * const login = await mfa.verify(user.id, typedCode)
 * @see RFC 6238 §5.2 (window, resynchronisation, replay)
 */
export function createMFA(options: MFAOptions): MFA {
  const issuer = checkString('issuer', options?.issuer, MAX_NAME_LENGTH)
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
  const engine = options.engine ?? webCryptoEngine
  if (typeof engine?.prepare !== 'function') {
    misuse('engine must have a prepare function, e.g. syncEngine from mfa-core/sync')
  }
  const allowPlaintext = options.allowPlaintextSecrets ?? false
  if (typeof allowPlaintext !== 'boolean') {
    misuse(`allowPlaintextSecrets must be a boolean, got ${describe(allowPlaintext)}`)
  }
  const policy = resolvePolicy(options.policy)
  const keys = checkEncryptionKeys(options.encryptionKeys)
  const box = createSecretBox(keys, allowPlaintext)
  const hasher = createRecoveryHasher(keys)
  const evidence = createEvidence(engine, box, hasher)
  const store = options.store ?? memoryStore({ now })
  if (typeof store !== 'object' || store === null || typeof store.get !== 'function') {
    misuse(`store must be an MFAStore, got ${describe(store)}`)
  }

  // Milliseconds since the Unix epoch, up to the last Date (so now + a TTL or a lock stays a safe integer). Only a
  // finite number counts: a null, boolean, string or array would otherwise be coerced (null reading as 1970).
  const clock = (): number => {
    const t = now()
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0 || t > LAST_DATE_MS) {
      misuse(`now() must return a finite number of milliseconds from 0 to ${LAST_DATE_MS}, got ${describe(t)}`)
    }
    return Math.floor(t)
  }
  const ring = checkProofKey(options.proofKey)
  const proofs = ring && createProofCodec(ring)
  const needProofs = () => proofs ?? misuse('step-up proofs need the proofKey option of createMFA')
  const tx = createTransactions({ store, keyPrefix, maxRetries, policy, box, clock, onEvent })
  const user = (userId: unknown): string => checkString('userId', userId, 256)
  const context = (userId: string) => ({ storeKey: tx.key(userId), userId })
  const freshRecovery = (userId: string) => () =>
    generateRecoveryCodes(hasher, tx.key(userId), userId, policy.recoveryCodes)
  const binding = (userId: string, id: string) => ({ storeKey: tx.key(userId), userId, id })

  const closed = <Reason extends string>(gate: machine.ClosedGate<Reason>) =>
    machine.refuse(gate.reason, gate.retryAfterMs === undefined ? {} : { retryAfterMs: gate.retryAfterMs })

  /** A step-up proof given as `{ proof, maxAgeMs }`, checked as developer input (before any transaction), or null. */
  const readStepUp = (proof: unknown): { text: unknown; maxAgeMs: number } | null => {
    if (typeof proof !== 'object' || proof === null) return null
    needProofs()
    const { proof: text, maxAgeMs } = proof as { proof?: unknown; maxAgeMs?: unknown }
    return { text, maxAgeMs: checkMaxAge(maxAgeMs) }
  }

  /** What a proof is: a step-up proof opened (its signature checked) for this user's record, or a code. */
  const proofEvidence = async (
    gate: machine.CodeGate,
    proof: unknown,
    userId: string,
  ): Promise<machine.ProofEvidence> => {
    const stepUp = readStepUp(proof)
    if (stepUp === null) return evidence.code(gate, proof, context(userId))
    return { kind: 'proof', opened: await needProofs().open(tx.key(userId), stepUp.text), maxAgeMs: stepUp.maxAgeMs }
  }

  /** Runs an operation that takes a proof: gate, evidence over what the gate allows, then the machine's rule. */
  const withProof = async <Reason extends string, R>(
    gate: machine.ClosedGate<Reason> | machine.CodeGate,
    proof: unknown,
    userId: string,
    rule: (gate: machine.CodeGate, e: machine.ProofEvidence) => Transition<R> | NeedsRecovery<R>,
  ): Promise<Transition<R | Refusal<Reason>> | NeedsRecovery<R | Refusal<Reason>>> => {
    if ('reason' in gate) return closed(gate)
    return rule(gate, await proofEvidence(gate, proof, userId))
  }

  return {
    async beginEnrollment(userId, opts) {
      user(userId)
      const accountName = checkString('accountName', opts?.accountName, MAX_NAME_LENGTH)
      const label = opts.label === undefined ? DEFAULT_LABEL : checkString('label', opts.label, 64)
      const proof = opts.proof
      readStepUp(proof)
      const { algorithm, digits, period } = policy
      // a CSPRNG secret of the policy's length (validated 16 to 64 bytes when the service was created)
      const bytes = randomBytes(policy.secretBytes)
      const uri = createKeyURI({ issuer, accountName, secret: bytes, algorithm, digits, period })
      const id = newId()
      const sealed = await box.seal(bytes, binding(userId, id))
      const secret = { id, label, secret: sealed, algorithm, digits, period }
      type Begun = { ok: true; authenticatorId: string; expiresAt: number } | Refusal<EnrollReason>
      const result = await tx.run<Begun>(userId, 'enroll', async ({ record, at }) => {
        const gate = machine.enrollGate(record, given(proof), at, policy)
        if ('reason' in gate) return closed(gate)
        const e = 'open' in gate ? null : await proofEvidence(gate, proof, userId)
        return machine.begin(record, gate, e, secret, at, policy)
      })
      return result.ok ? { ...result, secret: encodeBase32(bytes), uri } : result
    },

    async confirmEnrollment(userId, code1, code2) {
      const codes = { list: [] as string[] }
      type Confirmed = machine.ConfirmSuccess | Refusal<ConfirmReason>
      const result = await tx.run<Confirmed>(user(userId), 'confirm', async ({ record, at }) => {
        const gate = machine.confirmGate(record, at, policy)
        const e: machine.ConfirmEvidence =
          'reason' in gate ? { kind: 'malformed' } : await evidence.pair(gate, code1, code2, context(userId))
        return withRecovery<Confirmed>(machine.confirm(record, gate, e, at, policy), freshRecovery(userId), codes)
      })
      if (!result.ok) return result
      return { ok: true, authenticatorId: result.authenticatorId, recoveryCodes: codes.list }
    },

    async verify(userId, code, opts) {
      user(userId)
      if (opts !== undefined && (typeof opts !== 'object' || opts === null)) {
        misuse(`verify options must be an object, got ${describe(opts)}`)
      }
      const wantProof = opts?.proof ?? false
      if (typeof wantProof !== 'boolean') misuse(`options.proof must be a boolean, got ${describe(wantProof)}`)
      const signer = wantProof ? needProofs() : undefined
      const trust =
        opts?.trustDevice === undefined ? undefined : checkTrustDevice(opts.trustDevice, policy.trustedDeviceTTLMs)
      // minted once, before the transaction: a retry after a conflict trusts the same device
      const minted = trust && (await mintDeviceToken(tx.key(userId)))
      const extras: machine.VerifyExtras = { proof: wantProof }
      if (trust && minted) extras.trust = { id: minted.id, digest: minted.digest, ...trust }
      let generation = 0
      let verifiedAt = 0
      const result = await tx.run(userId, 'verify', async ({ record, at }) => {
        const gate = machine.codeGate(record, at, policy)
        if ('reason' in gate) return closed(gate)
        const e = await evidence.code(gate, code, context(userId))
        const t = machine.verify(record!, gate, e, at, policy, extras)
        generation = (t.next ?? record!).generation
        verifiedAt = at
        return t
      })
      if (!result.ok) return result
      const { device, ...login } = result
      const out: VerifyResult = login
      // signed only once the login is committed, over the generation it committed
      if (signer) {
        const authenticatorId = login.method === 'totp' ? login.authenticatorId : null
        out.proof = await signer.issue(tx.key(userId), {
          verifiedAt,
          generation,
          method: login.method,
          authenticatorId,
        })
      }
      if (device && minted) out.device = { id: device.id, token: minted.token, expiresAt: device.expiresAt }
      return out
    },

    async checkProof(userId, proof, opts) {
      user(userId)
      const signer = needProofs()
      if (opts !== undefined && (typeof opts !== 'object' || opts === null)) {
        misuse(`checkProof options must be an object, got ${describe(opts)}`)
      }
      const maxAgeMs = checkMaxAge(opts?.maxAgeMs)
      const { record, at } = await tx.read(userId)
      return machine.checkProof(record, await signer.open(tx.key(userId), proof), at, maxAgeMs)
    },

    async verifyTrustedDevice(userId, token) {
      user(userId)
      const presented = await readDeviceToken(tx.key(userId), token)
      const replacement = presented && (await mintDeviceToken(tx.key(userId), presented.id))
      const result = await tx.run(userId, 'device', async ({ record, at }) =>
        machine.useTrustedDevice(record, presented, replacement?.digest ?? '', at, policy),
      )
      if (!result.ok || !replacement) return result as Refusal<machine.DeviceTokenReason>
      return { ok: true, deviceId: result.deviceId, token: replacement.token, expiresAt: result.expiresAt }
    },

    async listTrustedDevices(userId) {
      const { record, at } = await tx.read(user(userId))
      return machine.trustedDevices(record, at)
    },

    async revokeTrustedDevice(userId, deviceId) {
      user(userId)
      const id = checkString('deviceId', deviceId, 64)
      return tx.run(userId, 'revoke_device', async ({ record, at }) => machine.revokeTrustedDevice(record, id, at))
    },

    async revokeTrustedDevices(userId) {
      return tx.run(user(userId), 'revoke_device', async ({ record, at }) => machine.revokeTrustedDevices(record, at))
    },

    async resync(userId, code1, code2) {
      return tx.run<ResyncResult>(user(userId), 'resync', async ({ record, at }) => {
        const gate = machine.resyncCandidates(record, at, policy)
        if ('reason' in gate) return closed(gate)
        return machine.resync(record!, await evidence.resync(gate, code1, code2, context(userId)), at, policy)
      })
    },

    async listAuthenticators(userId) {
      return machine.list((await tx.read(user(userId))).record)
    },

    async renameAuthenticator(userId, authenticatorId, label) {
      user(userId)
      const id = checkString('authenticatorId', authenticatorId, 64)
      const name = checkString('label', label, 64)
      return tx.run(userId, 'rename', async ({ record }) => machine.rename(record, id, name))
    },

    async removeAuthenticator(userId, authenticatorId, proof) {
      user(userId)
      const id = checkString('authenticatorId', authenticatorId, 64)
      readStepUp(proof)
      const hasProof = given(proof)
      return tx.run<RemoveResult>(userId, 'remove', async ({ record, at }) =>
        withRecovery(
          await withProof(machine.removeGate(record, id, hasProof, at, policy), proof, userId, (gate, e) =>
            machine.removeAuthenticator(record!, id, gate, e, at, policy),
          ),
          freshRecovery(userId),
          { list: [] },
        ),
      )
    },

    async importAuthenticator(userId, opts) {
      user(userId)
      const { bytes, algorithm, digits, period } = readImport(opts)
      const label = opts.label === undefined ? DEFAULT_LABEL : checkString('label', opts.label, 64)
      const lastStep = integerOption(opts.lastStep, 'lastStep', -1, Number.MAX_SAFE_INTEGER, -1)
      const wantRecovery = opts.recoveryCodes === true
      const id = newId()
      const imported = {
        id,
        label,
        secret: await box.seal(bytes, binding(userId, id)),
        algorithm,
        digits,
        period,
        lastStep,
      }
      let codes: string[] | undefined
      type Imported = { ok: true; authenticatorId: string } | { ok: false; reason: 'limit_reached' }
      const result = await tx.run<Imported>(userId, 'import', async ({ record, at }) => {
        const gate = machine.importGate(record, policy)
        if ('reason' in gate) return { result: { ok: false, reason: gate.reason }, events: [] }
        const fresh = wantRecovery ? await freshRecovery(userId)() : null
        codes = fresh?.codes
        return machine.importAuthenticator(record, imported, fresh?.recovery ?? null, at)
      })
      return result.ok && codes ? { ...result, recoveryCodes: codes } : result
    },

    async disable(userId, proof) {
      user(userId)
      readStepUp(proof)
      const hasProof = given(proof)
      return tx.run<DisableResult>(userId, 'disable', async ({ record, at }) =>
        withRecovery(
          await withProof(machine.proofGate(record, hasProof, at, policy), proof, userId, (gate, e) =>
            machine.disable(record!, gate, e, at, policy),
          ),
          freshRecovery(userId),
          { list: [] },
        ),
      )
    },

    async regenerateRecoveryCodes(userId, proof) {
      user(userId)
      readStepUp(proof)
      const hasProof = given(proof)
      const codes = { list: [] as string[] }
      const result = await tx.run<{ ok: true } | Refusal<ProofReason>>(userId, 'regenerate', async ({ record, at }) =>
        withRecovery(
          await withProof(machine.proofGate(record, hasProof, at, policy), proof, userId, (gate, e) =>
            machine.regenerateRecoveryCodes(record!, gate, e, at, policy),
          ),
          freshRecovery(userId),
          codes,
        ),
      )
      return result.ok ? { ok: true, recoveryCodes: codes.list } : (result as Refusal<ProofReason>)
    },

    async reset(userId, opts) {
      user(userId)
      const actor = checkString('actor', opts?.actor, 256)
      const reason = checkString('reason', opts.reason, 1000, 0)
      return tx.run(
        userId,
        'reset',
        // an unreadable record's generation is unknown: the clock reading is larger than any counter it reached
        async ({ record, at, unreadable }) => machine.reset(record, actor, reason, unreadable ? at : undefined),
        { raw: true },
      )
    },

    async status(userId) {
      const { record, at } = await tx.read(user(userId))
      return machine.status(record, at)
    },
  }
}
