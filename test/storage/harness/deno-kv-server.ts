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

// Opening a local KV file runs its schema setup in a write transaction: a process that opens the file while another
// one does gets "database is locked" (measured: about 1 start in 30 of four processes on a fresh file). Retry that,
// as an application starting several workers on one file must; anything else is fatal.
async function openKv(path: string): Promise<Parameters<typeof denoKvStore>[0]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await Deno.openKv(path)
    } catch (error) {
      if (attempt >= 50 || !/database is locked/.test(String(error))) throw error
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80))
    }
  }
}

const [path, port] = Deno.args
const store = denoKvStore(await openKv(path!))
Deno.serve({ port: Number(port), hostname: '127.0.0.1', onListen: () => console.log('ready') }, async (request) =>
  Response.json(await handle(store, (await request.json()) as RPCRequest)),
)
