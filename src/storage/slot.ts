// How the adapters that store a structured value (Durable Object storage, Deno KV) keep a record: one object with the
// data, the version and the expiry. Not part of the public API.
import { OTPError } from '../errors.js'

/** A stored record: data, version (from 1), and the expiry in ms since the Unix epoch (`null`: permanent). */
export interface Slot {
  d: string
  v: number
  e: number | null
}

/**
 * Reads a stored value as a {@link Slot}: null for no value, `ERR_STORAGE` with `notARecord` as the message for
 * anything else that is not one.
 */
export function slotOf(value: unknown, notARecord: string): Slot | null {
  if (value === undefined || value === null) return null
  const slot = value as Partial<Slot>
  if (
    typeof slot !== 'object' ||
    typeof slot.d !== 'string' ||
    !Number.isSafeInteger(slot.v) ||
    (slot.v as number) < 1 ||
    (slot.e !== null && typeof slot.e !== 'number')
  ) {
    throw new OTPError('ERR_STORAGE', notARecord)
  }
  return slot as Slot
}

/** Whether a slot is live at `now` (ms): permanent, or its expiry still ahead. */
export const isLive = (slot: Slot, now: number): boolean => slot.e === null || slot.e > now

/** The slot a compare-and-set writes: the next version, and the expiry `ttlMs` from `now` (ms) if given. */
export const nextSlot = (
  data: string,
  expectedVersion: number | null,
  ttlMs: number | undefined,
  now: number,
): Slot => ({
  d: data,
  v: (expectedVersion ?? 0) + 1,
  e: ttlMs === undefined ? null : now + ttlMs,
})
