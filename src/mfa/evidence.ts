// The evidence: what a typed code, recovery code, step-up proof or security key's assertion *is*, computed over
// exactly what a gate allows (HMACs of the steps it lists, in its order; the digest of a recovery code under the
// record's scheme; a proof's signature; an assertion verified by security-key-evidence.ts), deciding nothing. A gate that lets nothing be checked gets no evidence (null): nothing is computed.
import { misuse } from '../errors.js'
import { timingSafeEqualString } from '../internal/bytes.js'
import { createPromiseCache } from '../internal/cache.js'
import { codesAt, findConsecutive, type HMACEngine, type HMACSigner, matchStep } from '../internal/engine.js'
import { normalizeCode } from '../internal/otp.js'
import type { ProofInput } from './arguments.js'
import type { SecretBinding, SecretBox } from './encryption.js'
import type {
  ClosedGate,
  CodeEvidence,
  CodeGate,
  ConfirmEvidence,
  ConfirmGate,
  ProofEvidence,
  ResyncEvidence,
  ResyncGate,
} from './machine/index.js'
import type { ProofCodec } from './proof-token.js'
import type { SecretParams } from './record/shapes.js'
import { normalizeRecoveryCode, type RecoveryHasher } from './recovery.js'
import type { KeyVerifier } from './security-key-evidence.js'

/** The record a piece of evidence is computed for: its store key and owner. */
export interface EvidenceContext {
  storeKey: string
  userId: string
}

/** Any gate the machine may return: closed, open without a code to check, or one of the code gates. */
type Gate<Open> = ClosedGate<string> | { open: true } | Open

/** The identity gate of a first enrollment: only a step-up proof is opened for it. */
type WithIdentity<Open> = Gate<Open> | { identity: true }

/** Computes evidence for one service; holds a bounded cache of prepared HMAC signers. */
export interface Evidence {
  /**
   * What `input` is for a code gate: malformed, the TOTP match (first authenticator and step), a digest, or (an
   * object) a security key's assertion as the key verifier found it (malformed without the `webauthn` option).
   */
  code(gate: Gate<CodeGate>, input: unknown, context: EvidenceContext): Promise<CodeEvidence | null>
  /** What a proof is: a code as {@link Evidence.code}, or a step-up proof opened (its signature checked). */
  proof(gate: WithIdentity<CodeGate>, input: ProofInput, context: EvidenceContext): Promise<ProofEvidence | null>
  /** What two enrollment codes match among a confirmation gate's steps. */
  pair(
    gate: Gate<ConfirmGate>,
    code1: unknown,
    code2: unknown,
    context: EvidenceContext,
  ): Promise<ConfirmEvidence | null>
  /** Where two consecutive codes lie for each authenticator of a resync gate (the first code's step, or null). */
  resync(
    gate: Gate<ResyncGate>,
    code1: unknown,
    code2: unknown,
    context: EvidenceContext,
  ): Promise<ResyncEvidence | null>
}

/**
 * The first of `order` whose code (from `codes`, which holds every step of it) equals `typed`, or null; every step is
 * compared, in constant time, whatever matched first.
 */
function firstEqual(codes: Map<number, string>, typed: string, order: readonly number[]): number | null {
  let found: number | null = null
  for (const step of order) {
    const equal = timingSafeEqualString(codes.get(step) as string, typed)
    if (equal && found === null) found = step
  }
  return found
}

/** Most signers kept prepared; past it the oldest goes (its next login prepares again). */
const MAX_SIGNERS = 1000

/**
 * Creates the evidence side of a service.
 *
 * @param engine - the HMAC engine (WebCrypto by default, or `syncEngine`)
 * @param box - opens stored secrets
 * @param hasher - digests recovery codes
 * @param proofs - opens step-up proofs (undefined without `proofKey`)
 * @param keys - verifies security keys' assertions (undefined without the `webauthn` option)
 */
export function createEvidence(
  engine: HMACEngine,
  box: SecretBox,
  hasher: RecoveryHasher,
  proofs: ProofCodec | undefined,
  keys: KeyVerifier | undefined,
): Evidence {
  // Prepared secrets by store key, authenticator and stored secret (ciphertext when sealed): a login then costs
  // the HMACs only. A re-sealed, rotated or replaced secret is another text, so it gets a new entry.
  const signers = createPromiseCache<HMACSigner>(MAX_SIGNERS)
  const signer = (held: SecretParams & { id: string }, context: EvidenceContext): Promise<HMACSigner> => {
    // store keys and ids hold no U+0000
    const cacheKey = `${context.storeKey}\u0000${held.id}\u0000${held.algorithm}${JSON.stringify(held.secret)}`
    return signers.get(cacheKey, () => {
      const binding: SecretBinding = { ...context, id: held.id }
      return box.open(held.secret, binding).then((bytes) => engine.prepare(bytes, held.algorithm))
    })
  }

  const code: Evidence['code'] = async (gate, input, context) => {
    if (!('candidates' in gate)) return null
    if (typeof input === 'object' && input !== null) {
      return keys ? keys.assertion(gate, input) : { kind: 'malformed' }
    }
    const usable = gate.candidates.flatMap(({ authenticator, steps }) => {
      const typed = normalizeCode(input, authenticator.digits)
      return typed === null ? [] : [{ authenticator, steps, typed }]
    })
    if (usable.length > 0) {
      // Fail closed before comparing: every secret this code will be compared against is opened first, so a secret
      // that cannot be opened (a damaged ciphertext, a missing key) refuses the whole attempt (ERR_DECRYPT) before
      // any code is compared; never a comparison whose failure is then dropped by a throw. Opened once, then cached.
      const signed = await Promise.all(usable.map((u) => signer(u.authenticator, context)))
      const signerOf = (i: number) => signed[i] as HMACSigner
      // The likeliest pair alone first (the authenticator used last, at its centre step: the usual login costs one
      // HMAC); then wave k tries step k of every authenticator at once, so a user with many authenticators waits
      // for a few parallel HMACs, not for each in turn. A wrong code computes every step of every window.
      const first = usable[0]!
      const centre = first.steps[0]!
      if ((await matchStep(await signerOf(0), first.typed, first.authenticator.digits, [centre])) !== null) {
        return { kind: 'totp', match: { authenticatorId: first.authenticator.id, step: centre } }
      }
      const waves: [index: number, step: number][][] = []
      for (let k = 0; k < Math.max(...usable.map((u) => u.steps.length)); k++) {
        waves.push(usable.flatMap((u, i) => (k < u.steps.length && (i > 0 || k > 0) ? [[i, u.steps[k]!]] : [])))
      }
      for (const wave of waves) {
        const found = await Promise.all(
          wave.map(async ([i, step]) =>
            matchStep(await signerOf(i), usable[i]!.typed, usable[i]!.authenticator.digits, [step]),
          ),
        )
        const hit = found.findIndex((step) => step !== null)
        if (hit >= 0) {
          const [i, step] = wave[hit]!
          return { kind: 'totp', match: { authenticatorId: usable[i]!.authenticator.id, step } }
        }
      }
      return { kind: 'totp', match: null }
    }
    const canonical = typeof input === 'string' ? normalizeRecoveryCode(input) : null
    if (canonical === null) return { kind: 'malformed' }
    const digest = gate.recovery && (await hasher.digest(gate.recovery, context.storeKey, context.userId, canonical))
    // a code of the other length (0.1.0 vs new) cannot match any stored digest: it is simply wrong
    return { kind: 'recovery', digest: digest ?? '' }
  }

  return {
    code,

    async proof(gate, input, context) {
      if (input.kind === 'none') return null
      const identity = 'identity' in gate
      if (!identity && !('candidates' in gate)) return null
      if (input.kind === 'code') return identity ? null : code(gate, input.text, context)
      if (input.kind === 'assertion') return identity ? null : code(gate, input.response, context)
      const codec = proofs ?? misuse('step-up proofs need the proofKey option of createMFA')
      const opened = await codec.open(context.storeKey, input.text, input.bindTo)
      return { kind: 'proof', opened, maxAgeMs: input.maxAgeMs }
    },

    async pair(gate, code1, code2, context) {
      if (!('holder' in gate)) return null
      const pending = gate.holder
      const a = normalizeCode(code1, pending.digits)
      const b = normalizeCode(code2, pending.digits)
      if (a === null || b === null) return { kind: 'malformed' }
      if (a === b) return { kind: 'same' }
      // Every step of the union of both windows is computed once, then both codes are compared with every step: the
      // work is the same whatever the pair (right, second right only, both wrong), so its timing is no near-miss
      // oracle.
      const codes = await codesAt(await signer(pending, context), pending.digits, [...gate.second, ...gate.first])
      const second = firstEqual(codes, b, gate.second)
      // code1 is most likely the step just before; the other steps only say why it is not
      const likeliest = second === null ? gate.first : [second - 1, ...gate.first.filter((s) => s !== second - 1)]
      const first = firstEqual(codes, a, likeliest)
      return { kind: 'pair', first, second }
    },

    async resync(gate, code1, code2, context) {
      if (!('candidates' in gate)) return null
      const usable = gate.candidates.flatMap(({ authenticator, seconds }) => {
        const a = normalizeCode(code1, authenticator.digits)
        const b = normalizeCode(code2, authenticator.digits)
        return a === null || b === null ? [] : [{ authenticator, seconds, a, b }]
      })
      if (usable.length === 0) return 'malformed'
      if (usable.some(({ a, b }) => a === b)) return 'same'
      // fail closed before comparing, as for a login: every secret searched is opened first
      const signed = await Promise.all(usable.map((u) => signer(u.authenticator, context)))
      const found: { authenticatorId: string; step: number | null }[] = []
      for (const [i, { authenticator, seconds, a, b }] of usable.entries()) {
        const step = await findConsecutive(signed[i] as HMACSigner, a, b, authenticator.digits, seconds)
        found.push({ authenticatorId: authenticator.id, step })
        // stop at the first authenticator with a pair: two consecutive 6-digit codes are no coincidence
        if (step !== null) break
      }
      return found
    },
  }
}
