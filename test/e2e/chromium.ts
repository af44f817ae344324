// Debian's Chromium for the end-to-end suites: whether it is there (a loud skip, or a failure in CI), launching it,
// and reading the QR code a page shows the way a phone camera would.
import { existsSync } from 'node:fs'
import jsQR from 'jsqr'
import { type Browser, chromium, type Page } from 'playwright'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.mjs'
import { canRun } from '../support/tools.js'

/**
 * True when Chromium is installed; otherwise warns that the suite is not run, or throws in CI, which requires it.
 *
 * @param suite - what is not run, for the message ("browser demo")
 */
export function haveChromium(suite: string): boolean {
  return canRun(suite, existsSync(CHROMIUM_PATH) ? null : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`)
}

/** Launches Chromium headless with the flags every browser suite here uses (test/support/chromium.mjs). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS })
}

/** The text of the page's `#qr svg`, rasterised in the page at 6 pixels a module and read back with jsQR. */
export async function scanQR(page: Page): Promise<string | undefined> {
  const image = await page.evaluate(async () => {
    const svg = document.querySelector('#qr svg') as SVGSVGElement
    const size = Number(svg.getAttribute('viewBox')?.split(' ')[2]) * 6
    const img = new Image()
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.outerHTML)}`
    await img.decode()
    const canvas = document.createElement('canvas')
    canvas.width = size
    canvas.height = size
    const context = canvas.getContext('2d') as CanvasRenderingContext2D
    context.imageSmoothingEnabled = false
    context.drawImage(img, 0, 0, size, size)
    // the pixels as base64: a plain array of them took about 1.5 s a scan to cross the DevTools protocol as JSON
    const pixels = context.getImageData(0, 0, size, size).data
    let binary = ''
    for (let i = 0; i < pixels.length; i += 0x8000) binary += String.fromCharCode(...pixels.subarray(i, i + 0x8000))
    return { size, base64: btoa(binary) }
  })
  return jsQR(new Uint8ClampedArray(Buffer.from(image.base64, 'base64')), image.size, image.size)?.data
}
