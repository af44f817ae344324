// One Deno process of the Deno KV suites, bundled by esbuild and run with `deno run --unstable-kv`: it opens the
// shared KV file and serves the RPC of rpc.ts on a loopback port. Several of these run on one file.
import { denoKvStore } from 'mfa-core/storage/deno-kv'
import { handle, type Request as RPCRequest } from './rpc.js'

declare const Deno: {
  args: string[]
  openKv(path: string): Promise<Parameters<typeof denoKvStore>[0]>
  serve(
    options: { port: number; hostname: string; onListen(): void },
    handler: (request: Request) => Promise<Response>,
  ): unknown
}

const [path, port] = Deno.args
const store = denoKvStore(await Deno.openKv(path!))
Deno.serve({ port: Number(port), hostname: '127.0.0.1', onListen: () => console.log('ready') }, async (request) =>
  Response.json(await handle(store, (await request.json()) as RPCRequest)),
)
