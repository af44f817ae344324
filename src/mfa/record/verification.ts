// The verification-code state of a record (schema 3): the one live code sent by email or SMS, as a keyed digest,
// and when the recent codes went out (the cooldown and the hourly limit). Its shape and its check; a record without
// it is a schema-2 record, read and written as the release before wrote it.
import type { VerificationChannel } from '../api.js'
import {
  MAX_VERIFICATION_CODE_ATTEMPTS,
  MAX_VERIFICATION_CODE_TTL_MS,
  MAX_VERIFICATION_CODES_PER_HOUR,
} from '../policy.js'
import { exactKeys, isCount, isHex32, isText, isTime } from './fields.js'

/** A verification code waiting to be checked. Never the code itself: its digest. Times in ms since the Unix epoch. */
export interface PendingCode {
  /**
   * HMAC-SHA-256 (truncated to 128 bits, lower-case hex) of the code with the store key, purpose, channel and `to`,
   * under a key derived from key `kid` (`encryption:<id>` or `proof:<id>`) for this purpose only.
   */
  digest: string
  kid: string
  /** What the code was sent for (`'enroll'`, or the application's own operation). */
  purpose: string
  channel: VerificationChannel
  /** The keyed digest of the destination (lower-case email, or the E.164 number), same key: bound into `digest`. */
  to: string
  /** The destination masked, for events (`a•••@example.com`, `•••• 1234`). */
  masked: string
  /** Digits of the code. */
  length: number
  sentAt: number
  expiresAt: number
  /** Wrong attempts so far; at `policy.verificationCodeAttempts` the code is void. */
  attempts: number
}

/** The verification-code state of a user. */
export interface VerificationState {
  /** The live code, or null (used, voided, expired). */
  code: PendingCode | null
  /** When each code of the last hour went out, oldest first (ms); at most 100, the largest hourly limit of a policy. */
  sent: number[]
}

const CODE_KEYS = ['digest', 'kid', 'purpose', 'channel', 'to', 'masked', 'length', 'sentAt', 'expiresAt', 'attempts']

/** A purpose: 1 to 64 characters of `a-z 0-9 _ . : -`, starting with a letter. */
export const PURPOSE = /^[a-z][a-z0-9_.:-]{0,63}$/

const isCode = (c: unknown): boolean =>
  exactKeys(c, CODE_KEYS) &&
  isHex32(c.digest) &&
  typeof c.kid === 'string' &&
  /^(encryption|proof):[\w.-]{1,64}$/.test(c.kid) &&
  typeof c.purpose === 'string' &&
  PURPOSE.test(c.purpose) &&
  (c.channel === 'email' || c.channel === 'sms') &&
  isHex32(c.to) &&
  isText(c.masked, 300) &&
  isCount(c.length, 10) &&
  (c.length as number) >= 6 &&
  isTime(c.sentAt) &&
  isTime(c.expiresAt) &&
  c.expiresAt > c.sentAt &&
  c.expiresAt - c.sentAt <= MAX_VERIFICATION_CODE_TTL_MS &&
  isCount(c.attempts, MAX_VERIFICATION_CODE_ATTEMPTS)

/**
 * True when `v` is a valid verification-code state: exactly `{ code, sent }`, the code null or well-formed (a keyed
 * digest, a known channel, a life no longer than any policy allows, attempts within the largest policy bound), the
 * send times at most {@link MAX_VERIFICATION_CODES_PER_HOUR}, in order.
 */
export function isVerificationState(v: unknown): boolean {
  if (!exactKeys(v, ['code', 'sent'])) return false
  const sent = v.sent
  return (
    (v.code === null || isCode(v.code)) &&
    Array.isArray(sent) &&
    sent.length <= MAX_VERIFICATION_CODES_PER_HOUR &&
    sent.every((t, i) => isTime(t) && (i === 0 || t >= (sent[i - 1] as number)))
  )
}
