// Security notifications: the email a user gets when MFA changes on their account (turned on or off, reset by
// support, an authenticator or security key added or removed, a copy of a key seen), built from the MFA service's
// events, and where it goes.
//
// Building a message (securityMail) is separate from sending it. The console has no mailer: devOutbox keeps each
// message in a table and the development outbox page (/dev/outbox) lists them, clearly marked as not sent. To send
// real mail, give startConsole a `mailer` with a `send(message)` method instead, for example around nodemailer:
//   const transport = nodemailer.createTransport(process.env.SMTP_URL)
//   const mailer = { send: (m) => transport.sendMail({ from: 'security@example.com', to: m.to, subject: m.subject, text: m.text }) }

/** The events that send a notification, most important first: one message per change, about the first found. */
const NOTICES = {
  reset: {
    subject: 'Our support team reset MFA on your Example Cloud account',
    body: 'Our support team turned multi-factor authentication off on your account, after checking who asked for it. Your password alone signs you in now; turn MFA on again under Security settings.',
  },
  disabled: {
    subject: 'MFA was turned off for your Example Cloud account',
    body: 'Multi-factor authentication was turned off for your account: your password alone signs you in now.',
  },
  enrolled: {
    subject: 'MFA was turned on for your Example Cloud account',
    body: 'Multi-factor authentication was turned on for your account: an authenticator app was added, and each sign-in now asks for a code from it.',
  },
  authenticator_added: {
    subject: 'An authenticator was added to your Example Cloud account',
    body: 'A new authenticator was added to your account: its codes now sign you in too.',
  },
  authenticator_removed: {
    subject: 'An authenticator was removed from your Example Cloud account',
    body: 'An authenticator was removed from your account: its codes no longer sign you in.',
  },
  cloned: {
    subject: 'A copy of your security key may exist (Example Cloud)',
    body: 'Someone who knew your password tried to sign in with a security key that answered like a copy of yours (its signature counter went back), and was refused. If it was not you, change your password, then under Security settings remove that key and add a new one.',
  },
}

/** The same events about a security key or passkey (their `kind` is `webauthn`), in its words. */
const KEY_NOTICES = {
  enrolled: {
    subject: NOTICES.enrolled.subject,
    body: 'Multi-factor authentication was turned on for your account: a security key or passkey was added, and each sign-in now asks for it.',
  },
  authenticator_added: {
    subject: 'A security key was added to your Example Cloud account',
    body: 'A new security key or passkey was added to your account: it now signs you in too.',
  },
  authenticator_removed: {
    subject: 'A security key was removed from your Example Cloud account',
    body: 'A security key or passkey was removed from your account: it no longer signs you in.',
  },
}

const when = (ms) => `${new Date(ms).toISOString().replace('T', ' ').slice(0, 16)} UTC`

/**
 * The notification for one committed change, or null when it sends none. Pure: no I/O, so it can be tested and
 * reused with any mailer. It names what happened and when, never a code, a secret or a recovery code.
 *
 * @param events - the MFA events of one change (same user, time and operation), as `onEvent` received them
 * @param to - the user's email address
 * @returns `{ to, subject, text, type, at }` or null
 */
export function securityMail(events, to) {
  const type = Object.keys(NOTICES).find((t) => events.some((e) => e.type === t))
  if (!type) return null
  const { at, kind } = events.find((e) => e.type === type)
  const { subject, body } = (kind === 'webauthn' && KEY_NOTICES[type]) || NOTICES[type]
  const text = `Hello,

${body}

When: ${when(at)}
Account: ${to}

If this was you, there is nothing to do. If it was not, sign in to the Example Cloud console at once, change your
password and check your security settings, then reply to this email to reach our support team.

Example Cloud never asks for a code or a recovery code by email.
`
  return { to, subject, text, type, at }
}

/**
 * The development outbox: messages are stored in the `console_outbox` table and listed on /dev/outbox, never sent.
 *
 * @param db - the console's database
 * @returns a mailer (`send`) that also lists what it kept (`list`, newest first; all of them without `to`)
 */
export function devOutbox(db) {
  return {
    async send(message) {
      await db.query('INSERT INTO console_outbox (at, to_address, subject, body) VALUES (?, ?, ?, ?)', [
        message.at,
        message.to,
        message.subject,
        message.text,
      ])
    },
    async list(to) {
      const columns = 'SELECT at, to_address, subject, body FROM console_outbox'
      return to === undefined
        ? db.query(`${columns} ORDER BY id DESC LIMIT 100`)
        : db.query(`${columns} WHERE to_address = ? ORDER BY id DESC LIMIT 100`, [to])
    },
  }
}
