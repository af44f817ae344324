// The console's only script, on the pages that use a security key or passkey. It decides nothing: it passes the
// server's options to the browser's WebAuthn API and the key's answer back to the server, which checks everything.
//
//   <button type="button" data-webauthn="create">  registers a key with the options the page carries, in
//                                                   <script type="application/json" id="webauthn-options">
//   <button type="button" data-webauthn="get" data-options="/path">  asks the server for a fresh challenge (a POST
//                                                   with the form's CSRF token), then for the key's signature
// Either way, the answer (`credential.toJSON()`) goes into the form's hidden `response` field and the form is posted
// like every other form here. What goes wrong in the browser is said beside the button.

const MESSAGES = {
  unsupported: 'This browser cannot use a security key here. Update it, or use another way to continue.',
  NotAllowedError:
    'No security key answered: it was cancelled or timed out, or this key is not one of yours. Try again.',
  InvalidStateError: 'This security key is already registered to your account: use another one.',
  SecurityError: 'The browser refused: open the console at its own address (the one with a name, not a number).',
  options: 'The server could not start this: reload the page and try again.',
  other: 'The security key could not be used. Try again.',
}

const supported =
  typeof PublicKeyCredential === 'function' &&
  typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function' &&
  typeof PublicKeyCredential.prototype.toJSON === 'function'

/** Shows what went wrong beside the button (`data-reason` names it, as the server's messages do). */
function say(button, reason, text = MESSAGES[reason] ?? MESSAGES.other) {
  const message = button.form.querySelector('.webauthn-message')
  message.hidden = false
  message.dataset.reason = reason
  message.textContent = text
}

/**
 * The request options for a sign-in or a confirmation: a fresh challenge from the server, which keeps it. When it
 * gives none (the user is locked out, say), its answer says why, in its words.
 */
async function requestOptions(button) {
  const csrf = button.form.elements.namedItem('csrf').value
  const answer = await fetch(button.dataset.options, { method: 'POST', body: new URLSearchParams({ csrf }) })
  if (answer.ok) return answer.json()
  const refused = await answer.json().catch(() => ({}))
  throw Object.assign(new Error('no options'), { name: 'options', reason: refused.reason, text: refused.message })
}

async function useKey(button) {
  let credential
  if (button.dataset.webauthn === 'create') {
    const json = JSON.parse(document.getElementById('webauthn-options').textContent)
    credential = await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(json),
    })
  } else {
    const json = await requestOptions(button)
    credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(json) })
  }
  button.form.elements.namedItem('response').value = JSON.stringify(credential.toJSON())
  button.form.submit()
}

for (const button of document.querySelectorAll('button[data-webauthn]')) {
  button.addEventListener('click', async () => {
    if (!supported) return say(button, 'unsupported')
    button.disabled = true // one ceremony at a time; the page that answers the post replaces this one
    try {
      await useKey(button)
    } catch (error) {
      if (error.text) say(button, error.reason ?? 'options', error.text)
      else say(button, error.name in MESSAGES ? error.name : 'other')
      button.disabled = false
    }
  })
}
