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

export class MFAStoreObject {
  private readonly store: ReturnType<typeof durableObjectStore>
  constructor(state: { storage: Parameters<typeof durableObjectStore>[0] }) {
    this.store = durableObjectStore(state.storage)
  }
  async fetch(request: Request): Promise<Response> {
    return Response.json(await handle(this.store, (await request.json()) as RPCRequest))
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
