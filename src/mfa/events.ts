/**
 * What happened (`authenticatorId` names the authenticator concerned, where there is one):
 * - `enrollment_started`: `beginEnrollment` created a pending enrollment
 * - `enrolled`: two consecutive codes confirmed the user's first authenticator; MFA is active
 * - `authenticator_added`: two consecutive codes confirmed a further authenticator
 * - `authenticator_removed`: `removeAuthenticator` removed one (or a 0.1.0 rotation replaced it)
 * - `authenticator_renamed`: `renameAuthenticator` changed a label
 * - `imported`: `importAuthenticator` added an active authenticator
 * - `verified`: a code was accepted (`method`: `'totp'` or `'recovery'`)
 * - `failed`: a code or a confirmation was refused (`reason`, e.g. `invalid`, `malformed`, `locked`)
 * - `replay_rejected`: a code of an already used time step was refused
 * - `locked`: too many failures; codes are not checked for `retryAfterMs` (or, for a pending enrollment, until
 *   it expires or is begun again)
 * - `disabled`: MFA was turned off with a proof (or the last authenticator was removed)
 * - `reset`: support removed everything (`actor`, `reason` as passed to `reset`)
 * - `recovery_used`: a recovery code was spent (`recoveryCodesLeft`)
 * - `recovery_regenerated`: a new set of recovery codes replaced the old one
 * - `proof_issued`: `verify(..., { proof: true })` handed out a step-up proof (`method`, `authenticatorId`)
 * - `device_trusted`: `verify(..., { trustDevice })` trusted a device (`deviceId`)
 * - `device_revoked`: a trusted device was revoked (`deviceId`; `reason`: `user`, `limit` when the cap pushed it
 *   out, or `security` when disable, reset, a removal or a recovery regeneration revoked every device)
 * - `resynced`: `resync` set an authenticator's drift (`authenticatorId`, `drift` in steps)
 *
 * `verified` with `method: 'device'` is a trusted device's token accepted (`deviceId`).
 */
export type MFAEventType =
  | 'enrollment_started'
  | 'enrolled'
  | 'authenticator_added'
  | 'authenticator_removed'
  | 'authenticator_renamed'
  | 'imported'
  | 'verified'
  | 'failed'
  | 'replay_rejected'
  | 'locked'
  | 'disabled'
  | 'reset'
  | 'recovery_used'
  | 'recovery_regenerated'
  | 'proof_issued'
  | 'device_trusted'
  | 'device_revoked'
  | 'resynced'

/** The service call that produced an event. */
export type MFAOperation =
  | 'enroll'
  | 'confirm'
  | 'verify'
  | 'disable'
  | 'regenerate'
  | 'reset'
  | 'remove'
  | 'rename'
  | 'import'
  | 'device'
  | 'revoke_device'
  | 'resync'

/**
 * An audit event passed to `onEvent`. It never contains a secret, a code or a recovery code.
 *
 * @example
 * createMFA({ store, issuer: 'Example', onEvent: (e) => audit.write(`${e.at} ${e.userId} ${e.type} ${e.reason ?? ''}`) })
 */
export interface MFAEvent {
  type: MFAEventType
  userId: string
  /** When, in milliseconds since the Unix epoch (from the service's clock). */
  at: number
  operation: MFAOperation
  /** Why it failed (a reason code), or the free text support gave to `reset`. */
  reason?: string
  method?: 'totp' | 'recovery' | 'device'
  retryAfterMs?: number
  recoveryCodesLeft?: number
  /** Who ran `reset`. */
  actor?: string
  /** The authenticator concerned (its id, never its secret). */
  authenticatorId?: string
  /** The trusted device concerned (its id, never its token). */
  deviceId?: string
  /** The drift `resync` set, in steps (+: the phone is ahead). */
  drift?: number
}

/** An event as the state machine produces it, before the service adds who, when and which operation. */
export type MFAEventDraft = Omit<MFAEvent, 'userId' | 'at' | 'operation'>

/**
 * Delivers events to a handler that must not be able to break the operation: a throw or a rejected promise is
 * swallowed (the state change has already been committed).
 */
export function emitEvents(
  handler: ((event: MFAEvent) => unknown) | undefined,
  drafts: readonly MFAEventDraft[],
  context: Pick<MFAEvent, 'userId' | 'at' | 'operation'>,
): void {
  if (handler === undefined) return
  for (const draft of drafts) {
    try {
      // each handler call gets its own object: nothing it does can reach the service or another call
      const returned = handler({ ...draft, ...context })
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        ;(returned as Promise<unknown>).then(undefined, () => {})
      }
    } catch {
      // An audit handler's failure must not undo or fail a committed state change.
    }
  }
}
