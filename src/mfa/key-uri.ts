// Temporary stand-in for createKeyURI from ../uri.ts until that module lands; same output format.
import { encodeBase32 } from '../base32.js'

export function createKeyURI(p: {
  type: 'totp'
  issuer: string
  accountName: string
  secret: Uint8Array
  algorithm: string
  digits: number
  period: number
}): string {
  const label = `${encodeURIComponent(p.issuer)}:${encodeURIComponent(p.accountName)}`
  const query = `secret=${encodeBase32(p.secret)}&issuer=${encodeURIComponent(p.issuer)}&algorithm=${p.algorithm}&digits=${p.digits}&period=${p.period}`
  return `otpauth://${p.type}/${label}?${query}`
}
