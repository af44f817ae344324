// The worker of the Durable Object and D1 suites, bundled by esbuild and run in workerd through miniflare. Requests
// to /do go to one Durable Object, which runs the adapter (and the MFA service, for the races) on its own storage;
// requests to /d1 run sqlStore over the D1 binding in the worker itself, wired as docs/storage.md shows.
import { durableObjectStore } from 'mfa-core/storage/durable-object'
import { ensureTable, type SQLQuery, sqlStore } from 'mfa-core/storage/sql'
import { handle, type Request as RPCRequest } from './rpc.js'

interface DurableObjectNamespace {
  idFromName(name: string): unknown
  get(id: unknown): { fetch(request: Request): Promise<Response> }
}

type Storage = Parameters<typeof durableObjectStore>[0]
/** The benchmark's bare compare-and-set on the same storage, without mfa-core (bench/storage.mjs). */
type Raw = { op: 'raw-get'; key: string } | { op: 'raw-cas'; key: string; data: string; version: number }

export class MFAStoreObject {
  private readonly store: ReturnType<typeof durableObjectStore>
  private readonly storage: Storage
  constructor(state: { storage: Storage }) {
    this.storage = state.storage
    this.store = durableObjectStore(state.storage)
  }
  async fetch(request: Request): Promise<Response> {
    const body = (await request.json()) as RPCRequest | Raw
    if (body.op === 'raw-get') {
      const slot = (await this.storage.get(`mfa-store:${body.key}`)) as { d: string; v: number }
      return Response.json({ data: slot.d, version: slot.v })
    }
    if (body.op === 'raw-cas') {
      const { key, data, version } = body
      const won = await this.storage.transaction(async (txn) => {
        const slot = (await txn.get(`mfa-store:${key}`)) as { v: number } | undefined
        if (slot?.v !== version) return false
        await txn.put(`mfa-store:${key}`, { d: data, v: version + 1, e: null })
        return true
      })
      return Response.json({ won })
    }
    return Response.json(await handle(this.store, body))
  }
}

interface D1Database {
  prepare(sql: string): { bind(...values: unknown[]): { all(): Promise<{ results: Record<string, unknown>[] }> } }
}

let d1: Promise<ReturnType<typeof sqlStore>> | undefined

export default {
  async fetch(request: Request, env: { MFA: DurableObjectNamespace; DB: D1Database }): Promise<Response> {
    if (new URL(request.url).pathname !== '/d1') return env.MFA.get(env.MFA.idFromName('one')).fetch(request)
    d1 ??= (async () => {
      const query: SQLQuery = async (sql, params) => ({
        rows: (
          await env.DB.prepare(sql)
            .bind(...params)
            .all()
        ).results,
      })
      await ensureTable({ dialect: 'sqlite', query })
      return sqlStore({ dialect: 'sqlite', query })
    })()
    return Response.json(await handle(await d1, (await request.json()) as RPCRequest))
  },
}
