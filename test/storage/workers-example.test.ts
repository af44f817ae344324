// docs/storage.md's Durable Object and D1 snippets as written, in workerd (miniflare): they are the files of
// examples/workers (checked here, character for character), bundled with that folder's worker.js and run with the
// bindings its wrangler.toml declares, the keys given as text the way Workers secrets hold them. An enrollment and a
// sign-in go through each, the sign-in's step-up proof signed with the text proofKey.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decodeBase32, generateTOTP } from 'mfa-core'
import { createTableSQL } from 'mfa-core/storage/sql'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { importMiniflare, type Miniflare } from '../runtimes/tools.mjs'
import { bundleForRuntime } from './harness/workers.js'

const servers = inject('storageServers')
const root = fileURLToPath(new URL('../../', import.meta.url))
const folder = join(root, 'examples/workers')
const STEP = 30_000

/** The ```js blocks of a markdown file that name a file of examples/workers in their fence, by that file. */
function snippets(markdown: string): Map<string, string> {
  const found = new Map<string, string>()
  for (const [, file, body] of markdown.matchAll(
    /^```js [^\n]*\b(examples\/workers\/[\w-]+\.js)\)\n([\s\S]*?)^```/gm,
  )) {
    found.set(file!, body!)
  }
  return found
}

/**
 * The parts of wrangler.toml a Worker here depends on: top-level keys, and each `[[table]]` entry's keys (strings and
 * string arrays, the only values the file uses).
 */
function readWranglerToml(text: string) {
  const top: Record<string, unknown> = {}
  const tables: Record<string, Record<string, unknown>[]> = {}
  let current = top
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s*#.*$/, '').trim()
    if (line === '') continue
    const table = /^\[\[([\w.]+)\]\]$/.exec(line)
    if (table) {
      current = {}
      tables[table[1]!] = [...(tables[table[1]!] ?? []), current]
      continue
    }
    const pair = /^(\w+)\s*=\s*(.+)$/.exec(line)
    if (!pair) throw new Error(`wrangler.toml: a line this test does not read: ${line}`)
    current[pair[1]!] = JSON.parse(pair[2]!)
  }
  return { top, tables }
}

describe.skipIf(!servers.workerd)('examples/workers in workerd: the Durable Object and D1 snippets as written', () => {
  const toml = readWranglerToml(readFileSync(join(folder, 'wrangler.toml'), 'utf8'))
  const [object] = toml.tables['durable_objects.bindings'] ?? []
  const [migration] = toml.tables.migrations ?? []
  const [d1] = toml.tables.d1_databases ?? []
  let mf: Miniflare
  let url: URL
  const key = () => crypto.getRandomValues(new Uint8Array(32))

  beforeAll(async () => {
    const scriptPath = await bundleForRuntime(`examples/workers/${toml.top.main}`)
    const { Miniflare } = await importMiniflare()
    mf = new Miniflare({
      modules: true,
      scriptPath,
      compatibilityDate: String(toml.top.compatibility_date),
      durableObjects: {
        [String(object?.name)]: {
          className: String(object?.class_name),
          useSQLite: ((migration?.new_sqlite_classes ?? []) as string[]).includes(String(object?.class_name)),
        },
      },
      d1Databases: [String(d1?.binding)],
      // Workers secrets are text: the encryption key as base64url inside JSON, the proof key as padded base64.
      bindings: {
        MFA_KEYS: JSON.stringify({ current: 'k1', keys: { k1: Buffer.from(key()).toString('base64url') } }),
        MFA_PROOF_KEY: Buffer.from(key()).toString('base64'),
      },
    })
    url = await mf.ready
    // `wrangler d1 migrations apply`: each file of migrations_dir, in order
    const db = await mf.getD1Database(String(d1?.binding))
    for (const file of readdirSync(join(folder, String(d1?.migrations_dir))).sort()) {
      const sql = readFileSync(join(folder, String(d1?.migrations_dir), file), 'utf8')
      await db.prepare(sql.trim().replace(/;$/, '')).run()
    }
  })
  afterAll(() => mf?.dispose())

  test('docs/storage.md shows the files of examples/workers as they are; the migration is createTableSQL', () => {
    const shown = snippets(readFileSync(join(root, 'docs/storage.md'), 'utf8'))
    expect([...shown.keys()].sort()).toEqual(['examples/workers/d1.js', 'examples/workers/mfa-object.js'])
    for (const [file, body] of shown) expect(body).toBe(readFileSync(join(root, file), 'utf8'))
    const migrations = readdirSync(join(folder, String(d1?.migrations_dir)))
    expect(migrations).toEqual(['0001_mfa_store.sql'])
    expect(readFileSync(join(folder, String(d1?.migrations_dir), migrations[0]!), 'utf8')).toBe(
      `${createTableSQL('sqlite')};\n`,
    )
  })

  test.each(['do', 'd1'])('/%s: enrollment with two codes, then a sign-in with a step-up proof', async (where) => {
    const call = async (name: string, body: Record<string, unknown>) => {
      const response = await fetch(new URL(`/${where}/${name}`, url), { method: 'POST', body: JSON.stringify(body) })
      expect(response.status).toBe(200)
      return (await response.json()) as Record<string, any>
    }
    const userId = `worker-user-${where}`
    const begun = await call('begin', { userId, accountName: 'alice@example.com' })
    expect(begun).toMatchObject({ ok: true, uri: expect.stringMatching(/^otpauth:\/\/totp\//) })
    const secret = decodeBase32(begun.secret)
    // workerd's clock is the real one: the codes of the step before now and of now confirm (the second may be up
    // to two steps old), and the next step's code signs in (one step ahead is within the window).
    const now = Date.now()
    const code = (at: number) => generateTOTP(secret, { timestamp: at })
    const confirmed = await call('confirm', { userId, code1: await code(now - STEP), code2: await code(now) })
    expect(confirmed).toMatchObject({ ok: true })
    expect(confirmed.recoveryCodes).toHaveLength(10)
    const signedIn = await call('verify', { userId, code: await code(now + STEP) })
    expect(signedIn).toMatchObject({ ok: true, method: 'totp', proof: expect.any(String) })
    expect(await call('verify', { userId, code: await code(now + STEP) })).toMatchObject({ ok: false })
  })
})
