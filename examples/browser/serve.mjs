#!/usr/bin/env node
// `npm run demo:browser`: serves the runtime demo (this folder at /: the MFA service running inside a page, which
// shows the library runs there and protects nothing; the real, server-side app is examples/console, `npm run
// demo:web`) and the built package (dist/ at /dist/) on 127.0.0.1, which browsers treat as a secure context, so WebCrypto is available over plain http.
// No dependencies: node:http, GET and HEAD only, a fixed MIME table, no directory listings, no path escapes.
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const ROOTS = { '/dist/': resolve(here, '../../dist'), '/': resolve(here) }
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}
const HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
}

/** Maps a URL path to a file inside one of the roots, or null (not found, or trying to leave the root). */
function locate(pathname) {
  let path
  try {
    path = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (path.includes('\0') || path.includes('\\')) return null
  if (path.endsWith('/')) path += 'index.html'
  const prefix = path.startsWith('/dist/') ? '/dist/' : '/'
  const root = ROOTS[prefix]
  const file = resolve(root, `.${sep}${normalize(path.slice(prefix.length))}`)
  if (file !== root && !file.startsWith(root + sep)) return null
  if (prefix === '/' && file.endsWith('serve.mjs')) return null
  return file
}

function send(response, status, text) {
  response.writeHead(status, { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' })
  response.end(`${text}\n`)
}

export function createDemoServer() {
  return createServer(async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD')
      return send(response, 405, 'method not allowed')
    }
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
    const file = locate(pathname)
    const type = file && MIME[extname(file)]
    if (!file || !type) return send(response, 404, 'not found')
    try {
      if (!(await stat(file)).isFile()) return send(response, 404, 'not found')
      const body = await readFile(file)
      response.writeHead(200, { ...HEADERS, 'content-type': type, 'content-length': body.length })
      response.end(request.method === 'HEAD' ? undefined : body)
    } catch {
      send(response, 404, 'not found')
    }
  })
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(ROOTS['/dist/'], 'index.js')) || !existsSync(join(ROOTS['/dist/'], 'qr.js'))) {
    console.error('dist/ is missing: build the package first (npm run build), or use npm run demo:browser')
    process.exit(1)
  }
  const port = Number(process.env.PORT ?? 5173)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, got ${process.env.PORT}`)
    process.exit(2)
  }
  const server = createDemoServer()
  server.on('error', (error) => {
    console.error(`cannot listen on 127.0.0.1:${port}: ${error.message}`)
    process.exit(1)
  })
  server.listen(port, '127.0.0.1', () => {
    const address = server.address()
    console.log(
      `mfa-core runtime demo (the MFA service inside the page; the real app: npm run demo:web): http://127.0.0.1:${address.port}/`,
    )
    console.log('Scan the QR code with an authenticator app on your phone. Ctrl+C stops the server.')
  })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)))
}
