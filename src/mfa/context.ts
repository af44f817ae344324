// The service context: createMFA's options checked once, and what every operation works with (policy, transactions,
// evidence, secret box, recovery codes, proof codec). The operations are in operations/, one file per concept.
import { describe, integerOption, misuse } from '../errors.js'
import { webCryptoEngine } from '../internal/engine.js'
import { MAX_NAME_LENGTH } from '../internal/limits.js'
import { checkText } from '../internal/text.js'
import { memoryStore } from '../storage/memory.js'
import type { MFAOptions, MFAPolicy } from './api.js'
import { checkedClock } from './arguments.js'
import { checkEncryptionKeys, createSecretBox, type SecretBinding, type SecretBox } from './encryption.js'
import { createEvidence, type Evidence, type EvidenceContext } from './evidence.js'
import type { FreshRecoveryCodes, NeedsRecovery, SealedShown, Transition } from './machine/index.js'
import { resolvePolicy } from './policy.js'
import { checkProofKey, createProofCodec, type ProofCodec } from './proof-token.js'
import { createRecordSeal } from './record-mac.js'
import { createRecoveryHasher, generateRecoveryCodes } from './recovery.js'
import { checkWebAuthnOption, createKeyVerifier, type KeyVerifier } from './security-key-evidence.js'
import { createTransactions, type Transactions } from './transaction.js'

/** What every operation of one service works with. */
export interface ServiceContext {
  /** The issuer shown by authenticator apps. */
  issuer: string
  policy: Readonly<MFAPolicy>
  tx: Transactions
  evidence: Evidence
  box: SecretBox
  /** Signs and opens step-up proofs; undefined without `proofKey`. */
  proofs: ProofCodec | undefined
  /** The record a user's evidence is computed for: its store key and owner. */
  owner(userId: string): EvidenceContext
  /** Where a user's secret belongs (store key, owner, authenticator id), for sealing it. */
  binding(userId: string, id: string): SecretBinding
  /** The proof codec, or `ERR_INVALID_OPTION` when the service has no `proofKey`. */
  needProofs(): ProofCodec
  /** Verifies security keys; undefined without the `webauthn` option. */
  keys: KeyVerifier | undefined
  /** The key verifier, or `ERR_INVALID_OPTION` naming the `webauthn` option when the service has none. */
  needKeys(): KeyVerifier
  /**
   * A transition as it will be written: one that needs fresh recovery codes gets them (generated here, only when
   * the machine will keep them), and they come back in its result.
   */
  withRecoveryCodes<R>(userId: string, decision: Transition<R> | NeedsRecovery<R>): Promise<Transition<R>>
  /** Opens a user's sealed recovery codes (bound to the digests they were issued with). */
  openCodes(userId: string, shown: SealedShown): Promise<string[]>
}

/**
 * Checks the options of createMFA and builds the context of its operations.
 *
 * @throws OTPError `ERR_INVALID_OPTION` when an option has the wrong type or is out of range
 */
export function createContext(options: MFAOptions): ServiceContext {
  const issuer = checkText('issuer', options?.issuer, MAX_NAME_LENGTH)
  if (issuer.includes(':') || issuer.startsWith(' ')) {
    misuse('issuer must not contain ":" or start with a space (key URI label)')
  }
  const now = options.now ?? Date.now
  const clock = checkedClock(now)
  const onEvent = options.onEvent
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    misuse(`onEvent must be a function, got ${describe(onEvent)}`)
  }
  const keyPrefix = options.keyPrefix === undefined ? 'mfa:' : checkText('keyPrefix', options.keyPrefix, 64, 0)
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
  const hasher = createRecoveryHasher(keys, box)
  const store = options.store ?? memoryStore({ now })
  if (typeof store !== 'object' || store === null || typeof store.get !== 'function') {
    misuse(`store must be an MFAStore, got ${describe(store)}`)
  }
  const webauthn = checkWebAuthnOption(options.webauthn)
  const verifier = webauthn && createKeyVerifier(webauthn)
  const ring = checkProofKey(options.proofKey)
  const proofs = ring && createProofCodec(ring)
  const seal = createRecordSeal(keys, allowPlaintext)
  const tx = createTransactions({ store, keyPrefix, maxRetries, policy, box, hasher, seal, clock, onEvent })
  // the codes, their digests, and their sealed copy bound to those digests (to show them again until saved)
  const fresh = async (userId: string): Promise<FreshRecoveryCodes> => {
    const storeKey = tx.key(userId)
    const made = await generateRecoveryCodes(hasher, storeKey, userId, policy.recoveryCodes)
    return { ...made, sealed: await box.sealCodes(made.codes, { storeKey, digests: made.digests.digests }) }
  }
  return {
    issuer,
    policy,
    tx,
    evidence: createEvidence(engine, box, hasher, proofs, verifier),
    box,
    proofs,
    owner: (userId) => ({ storeKey: tx.key(userId), userId }),
    binding: (userId, id) => ({ storeKey: tx.key(userId), userId, id }),
    needProofs: () => proofs ?? misuse('step-up proofs need the proofKey option of createMFA'),
    keys: verifier,
    needKeys: () =>
      verifier ?? misuse('security keys need the webauthn option of createMFA ({ rpId, rpName, origins })'),
    async withRecoveryCodes(userId, decision) {
      return 'needsRecovery' in decision ? decision.needsRecovery(await fresh(userId)) : decision
    },
    openCodes: (userId, shown) => box.openCodes(shown.sealed, { storeKey: tx.key(userId), digests: shown.digests }),
  }
}
