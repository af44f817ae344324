// Reading a stored record: JSON, then the schema-2 or schema-3 check (check.ts) or the schema-1 upgrade
// (upgrade.ts); and the schema number a record is written under.
import { OTPError } from '../../errors.js'
import { isRecord2, isRecord3 } from './check.js'
import { isTOTP, type MFARecord } from './shapes.js'
import { upgradeRecord1 } from './upgrade.js'

/**
 * Parses and checks a stored record; a schema-1 record comes back upgraded to schema 2 (written on the next change).
 *
 * @param data - the string an {@link MFAStore} returned
 * @returns the record, schema 2
 * @throws OTPError `ERR_RECORD_INVALID` when the text is not JSON, has an unknown schema (e.g. written by a newer
 * version), or any field is missing, extra, of the wrong type or out of range
 */
export function parseRecord(data: string): MFARecord {
  let o: unknown
  try {
    o = JSON.parse(data)
  } catch {}
  const schema = typeof o === 'object' && o !== null ? (o as { schema?: unknown }).schema : undefined
  let record: MFARecord | null = null
  if (schema === 2 || schema === 3) record = checkedRecord(o)
  else if (schema === 1) record = upgradeRecord1(o)
  if (record === null) {
    throw new OTPError(
      'ERR_RECORD_INVALID',
      'stored MFA record is not a valid schema-1, schema-2 or schema-3 record (newer, or damaged)',
    )
  }
  return record
}

/**
 * The record with the schema number it is written under: 3 when it holds a security key, WebAuthn state or
 * verification-code state, else 2, so a record without them stays exactly what the release before wrote (and that
 * release still reads it), and a record with them is refused by that release for its schema number, never by chance.
 * Set before the record is signed: the MAC covers the number stored.
 *
 * @param record - the record about to be written
 * @returns the same record, or a copy with its schema number changed
 */
export function withSchema(record: MFARecord): MFARecord {
  const schema =
    record.webauthn !== undefined || record.verification !== undefined || !record.authenticators.every(isTOTP) ? 3 : 2
  return record.schema === schema ? record : { ...record, schema }
}

/**
 * Parses a text {@link parseRecord} accepted before (at the same store key, in the same service), without checking it
 * again: the same record, as fresh objects (a schema-1 text goes through the upgrade again).
 *
 * @param data - a text parseRecord returned a record for
 * @returns the record, schema 2 or 3
 */
export function parseCheckedRecord(data: string): MFARecord {
  const o = JSON.parse(data) as MFARecord
  if (o.schema !== 2 && o.schema !== 3) return parseRecord(data)
  o.unsaved ??= null
  return o
}

/**
 * The schema-2 or schema-3 record `o` stands for, as {@link parseRecord} returns it (`unsaved` null when absent), or
 * null when it is not a valid one: the check a record about to be written gets before its text is noted as checked.
 *
 * @param o - a parsed JSON object, or a record built in memory
 * @returns the record, or null
 */
export function checkedRecord(o: unknown): MFARecord | null {
  const schema = typeof o === 'object' && o !== null ? (o as { schema?: unknown }).schema : undefined
  const valid = schema === 2 ? isRecord2(o) : schema === 3 && isRecord3(o)
  return valid ? { ...(o as MFARecord), unsaved: (o as MFARecord).unsaved ?? null } : null
}

/**
 * The text a record is stored as: JSON, without `unsaved` while it is null, so a record holding no unsaved recovery
 * codes is exactly what the release before wrote (and that release still reads it).
 *
 * @param record - a schema-2 record
 * @returns the JSON text to store
 */
export function serializeRecord(record: MFARecord): string {
  const { unsaved, ...rest } = record
  return JSON.stringify(unsaved === null ? rest : record)
}
