// Server-rendered pages. No script runs in the browser: every form posts to the server, which checks everything.
// `html` escapes every interpolated value unless it is already markup from `html` (or `raw`, used for the QR SVG).

class Markup {
  constructor(text) {
    this.text = text
  }
  toString() {
    return this.text
  }
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeHTML = (value) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c])
const render = (value) =>
  value === undefined || value === null || value === false
    ? ''
    : Array.isArray(value)
      ? value.map(render).join('')
      : value instanceof Markup
        ? value.text
        : escapeHTML(value)

/** Tagged template: markup with every value escaped. */
export const html = (strings, ...values) =>
  new Markup(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''))

/** Trusted markup (the QR code's SVG from mfa-core/qr). */
export const raw = (text) => new Markup(text)

/**
 * What each refusal means to the person at the keyboard, by the service's reason code: the table of
 * docs/reasons.md, word for word (the console's e2e test checks it).
 */
export const REASONS = {
  malformed: 'That is not a code: type the 6 digits your authenticator app shows (or a recovery code where asked).',
  invalid: 'That code is not right. Check the account in your app and that your phone sets its clock automatically.',
  replayed: 'That code has already been used: wait for the next one.',
  cloned: 'This security key could not be trusted (it may have been copied). Use another method, and contact support.',
  locked: 'Too many wrong codes.',
  not_enrolled: 'MFA is not on for this account.',
  proof_required: 'Type a current code of one of your authenticators, or a recovery code, first.',
  proof_expired: 'Your last code was typed too long ago for this change: type a current code.',
  proof_revoked: 'Your MFA settings changed since you last typed a code: type a current code.',
  proof_invalid: 'This change needs a current code: type one.',
  method_not_allowed: 'This change needs a code from your authenticator app, not a recovery code.',
  limit_reached: 'You have as many authenticators as allowed: remove one first.',
  already_registered: 'This security key is already on your account.',
  same_code: 'You typed the same code twice: wait for the app to show the next code and type that one second.',
  reversed: 'The codes are in the wrong order: type the older code first, then the one that replaced it.',
  not_consecutive: 'These codes are not one after the other: type a code, wait for the next one, and type that.',
  enrollment_expired: 'This setup has expired. Start over to get a new QR code.',
  enrollment_locked: 'Too many attempts for this setup. Start over to get a new QR code.',
  not_pending: 'There is no setup in progress. Start over.',
  not_found: 'That is not there any more (removed in another tab?).',
  device_malformed: 'This browser is not trusted: type a code.',
  device_unknown: 'This browser is not trusted: type a code.',
  device_expired: 'This browser was trusted for a limited time, which has run out: type a code.',
  device_revoked: 'This browser is no longer trusted: type a code.',
  too_soon: 'A code was sent a moment ago: use it, or wait before asking for another.',
  expired: 'That code has expired: ask for a new one.',
  no_code: 'There is no code to check (used, replaced or out of attempts): ask for a new one.',
  purpose_mismatch: 'That code was sent for something else: ask for a new one here.',
}

const seconds = (ms) => {
  const s = Math.ceil(ms / 1000)
  return s < 120 ? `${s} second${s === 1 ? '' : 's'}` : `${Math.ceil(s / 60)} minutes`
}

/** What a refusal says, from `messages` by its reason, with the wait when it locked the user. */
export function refusalText(result, messages = REASONS) {
  let text = messages[result.reason] ?? `Refused (${result.reason}).`
  if (result.retryAfterMs) text += ` Locked: try again in ${seconds(result.retryAfterMs)}.`
  return text
}

/** A refusal as a message element; `data-reason` carries the code for tests and stylesheets. */
export function refusal(result, id = 'message', messages = REASONS) {
  const text = refusalText(result, messages)
  return html`<p class="message error" id="${id}" role="alert" data-reason="${result.reason}">${text}</p>`
}

/**
 * A refusal to begin the first setup after the identity check. `method_not_allowed` there means MFA was turned on
 * meanwhile (in another tab, say): an emailed code never authorizes adding to MFA that is on.
 */
export const identityRefusal = (result) =>
  refusal(result, 'message', {
    ...REASONS,
    method_not_allowed:
      'MFA is already on for this account (turned on in another tab?): add an authenticator below, with a code from one you have.',
  })

/**
 * The refusal of a form that only the MFA-off page has (the first setup's), shown at the top of the page that has
 * MFA on: with no form to stand beside, it would not be seen.
 */
export const offPageRefusal = (shown) =>
  shown && (shown.form === 'enable-form' || shown.form === 'key-enable-form') ? shown.message : ''

/** A message of the app itself (`kind`: ok, warning or error). */
export const notice = (kind, reason, text, id = 'message') =>
  html`<p class="message ${kind}" id="${id}" role="${kind === 'ok' ? 'status' : 'alert'}" data-reason="${reason}">${text}</p>`

/**
 * What went wrong with one form, shown beside the field it concerns, with what the user typed kept (never a
 * password): `form` is the form's id, `field` the input's name (or `'form'` for the form as a whole), `message`
 * markup from {@link refusal} or {@link notice}, `values` the fields to fill in again.
 */
export const problem = (form, field, message, values = {}) => ({ form, field, message, values })

/** The message of `shown` (a {@link problem}, or null) if it concerns this form's field, else nothing. */
export const said = (shown, form, field) => (shown?.form === form && shown.field === field ? shown.message : '')

/** The value to fill into a field: what the user typed, if this form was refused, else `fallback`. */
export const kept = (shown, form, field, fallback = '') =>
  shown?.form === form && shown.values[field] !== undefined ? shown.values[field] : fallback

export const waitText = seconds

const date = (ms) => `${new Date(ms).toISOString().replace('T', ' ').slice(0, 16)} UTC`

/** The hidden CSRF field every form carries. */
export const csrfField = (session) => html`<input type="hidden" name="csrf" value="${session.csrf}">`

/** A form with its CSRF token. */
export const form = (session, action, body, attrs = '') =>
  html`<form method="post" action="${action}" ${raw(attrs)}>${csrfField(session)}${body}</form>`

/** The page frame: header with who is signed in, the content, and the statement about where things run. */
export function layout({ title, session, user, body, where, outbox = false, script = false }) {
  const nav = user
    ? html`<nav><span id="who">${user.email}${user.role === 'support' ? ' (support)' : ''}</span>
        ${user.role === 'support' ? html`<a href="/support">Support</a>` : html`<a href="/security">Security settings</a>`}
        ${outbox ? html`<a href="/dev/outbox" id="outbox-link">Outbox (development)</a>` : ''}
        ${form(session, '/signout', html`<button type="submit" class="link" id="signout">Sign out</button>`)}</nav>`
    : session.stage === 'mfa'
      ? html`<nav>${form(session, '/signout', html`<button type="submit" class="link" id="signout">Cancel sign-in</button>`)}</nav>`
      : html`<nav><a href="/signin">Sign in</a> <a href="/signup">Create an account</a></nav>`
  const scripted = script
    ? html`this page runs one small script (<a href="/security-keys.js">security-keys.js</a>), which only carries
      messages between your security key and the server`
    : 'the page itself runs no script'
  // what the server keeps of a factor, said of the factor this page is about
  const kept = script
    ? 'A security key keeps its private key: the server stores only its public key and signature counter.'
    : "An app's secret key is shown once, while you set it up, and stored encrypted."
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Example Cloud console</title>
<link rel="stylesheet" href="/style.css">
${script ? html`<script src="/security-keys.js" defer></script>` : ''}
</head>
<body>
<header><a class="brand" href="/">Example Cloud <small>console</small></a>${nav}</header>
<main>
<h1>${title}</h1>
${body}
</main>
<footer id="server-side">
<strong>Everything here runs on the server.</strong> Passwords, codes and recovery codes are checked by the Node
process behind this page, with mfa-core's MFA service over ${where}; ${scripted}. ${kept}
</footer>
</body>
</html>`
  page.script = script // its response allows that one script (app.mjs)
  return page
}

export const pages = {
  home: () => html`<p>A small cloud console with the sign-in you would ship: a password, then a code from an
    authenticator app. Create an account, turn on MFA under Security settings, and sign in again.</p>
    <p><a class="button" href="/signup">Create an account</a> <a class="button secondary" href="/signin">Sign in</a></p>`,

  signup: (session, message, email = '') => html`${message}
    ${form(
      session,
      '/signup',
      html`<label>Email <input name="email" type="email" autocomplete="username" required value="${email}"></label>
      <label>Password (at least 10 characters) <input name="password" type="password" autocomplete="new-password"
        required></label>
      <button type="submit">Create account</button>`,
      'id="signup-form"',
    )}`,

  signin: (session, message, email = '') => html`${message}
    ${form(
      session,
      '/signin',
      html`<label>Email <input name="email" type="email" autocomplete="username" required value="${email}"></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">Sign in</button>`,
      'id="signin-form"',
    )}`,

  outbox: (messages) => html`<p class="message warning" id="outbox-note" role="status">Development only: these
    emails were <strong>not sent</strong>. The console has no mailer configured, so its emails (security
    notifications and verification codes) are kept here instead; set <code>SMTP_URL</code> (or give
    <code>startConsole</code> a <code>mailer</code>) to send them (see <code>examples/console/smtp.mjs</code>).</p>
    ${
      messages.length === 0
        ? html`<p id="outbox-empty">No messages yet.</p>`
        : messages.map(
            (m) => html`<section class="mail" data-subject="${m.subject}">
              <h2>${m.subject}</h2>
              <p class="hint">To ${m.to_address}, ${date(Number(m.at))}</p>
              <pre>${m.body}</pre></section>`,
          )
    }`,

  tooLarge:
    () => html`${notice('error', 'too_large', 'What you sent is larger than this console accepts (16 KB a form): nothing was read and nothing changed.')}
    <p>Go back, shorten what you typed (a name is at most 64 characters, a code 6 digits, a recovery code 16
      characters) and send it again.</p>
    <p><a class="button" href="/">Back to the console</a></p>`,

  /** `withApp`: false for a user whose only authenticators are security keys (no app shows them a code). */
  signinCode: (session, message, alternative = '', withApp = true) => html`${message}
    <p id="code-intro">${
      withApp
        ? html`This account has MFA on. Type the code your authenticator app shows for <em>Example Cloud</em>, or one
          of your recovery codes.`
        : 'This account has MFA on with a security key. Without it, type one of your recovery codes.'
    }</p>
    ${form(
      session,
      '/signin/code',
      html`<label>Code or recovery code <input name="code" id="code" autocomplete="one-time-code" inputmode="text"
        required autofocus></label>
      <label class="check"><input type="checkbox" name="trust" id="trust" value="1"> Trust this browser for 30 days:
        do not ask it for a code again (you can revoke it under Security settings)</label>
      <button type="submit">Continue</button>`,
      'id="code-form"',
    )}${alternative}`,
}

export { date }
