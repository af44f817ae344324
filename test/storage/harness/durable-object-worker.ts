// The worker of the Durable Object suites, bundled by esbuild and run in workerd through miniflare: every request
// goes to one Durable Object, which runs the adapter (and the MFA service, for the races) on its own storage.
import { durableObjectStore } from 'mfa-core/storage/durable-object'
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

export default {
  fetch(request: Request, env: { MFA: DurableObjectNamespace }): Promise<Response> {
    return env.MFA.get(env.MFA.idFromName('one')).fetch(request)
  },
}
