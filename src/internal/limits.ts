// The limits on names and periods that every part of the package shares: createKeyURI and parseKeyURI, the MFA
// service (issuer, accountName, policy.period) and the `mfa-core` command line read these constants and no literal
// of their own, so a key one part accepts is never refused by another.

/**
 * The longest issuer or account name, in UTF-16 code units (`string.length`), that key URIs, the MFA service and the
 * command line accept. 256 holds any e-mail address (RFC 5321 caps a forward path at 256 octets) and stays
 * readable on a phone; a longer name only makes the QR code denser.
 *
 * @example
 * if (accountName.length > MAX_NAME_LENGTH) return { error: 'account name too long' }
 * @see https://github.com/google/google-authenticator/wiki/Key-Uri-Format (label)
 */
export const MAX_NAME_LENGTH = 256

/**
 * The shortest TOTP period, in seconds, that key URIs, the MFA service and the command line accept.
 *
 * @example
 * const ok = period >= MIN_PERIOD && period <= MAX_PERIOD
 * @see RFC 6238 §4 (X, the time step)
 */
export const MIN_PERIOD = 1

/**
 * The longest TOTP period, in seconds, that key URIs, the MFA service and the command line accept: one hour. RFC 6238
 * recommends 30 s; a longer step keeps every code valid that much longer (times the window), so beyond an hour a
 * "one-time" code is a password.
 *
 * @example
 * createKeyURI({ accountName, secret, period: MAX_PERIOD }) // the longest accepted; MAX_PERIOD + 1 throws
 * @see RFC 6238 §5.2 (validation and time-step size)
 */
export const MAX_PERIOD = 3600
