// A tiny static server for the browser launchers: serves dist/ and test/runtimes/ of the repository on 127.0.0.1 at
// a random port. http://127.0.0.1 is a potentially trustworthy origin (W3C Secure Contexts §3.1), so the page is a
// secure context and has crypto.subtle without TLS.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.map': 'application/json' }
const ALLOWED = ['/dist/', '/test/runtimes/']

/**
 * Starts the server.
 *
 * @returns the page's URL and a function that stops the server
 */
export async function serve() {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname))
    const type = TYPES[extname(path)]
    if (!ALLOWED.some((prefix) => path.startsWith(prefix)) || type === undefined) {
      response.writeHead(404).end()
      return
    }
    try {
      const body = await readFile(join(root, path))
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body)
    } catch {
      response.writeHead(404).end()
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}/test/runtimes/browser.html`,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}
