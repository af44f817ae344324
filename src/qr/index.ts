// mfa-core/qr: a dependency-free QR code encoder (ISO/IEC 18004) with SVG and terminal renderers, for showing an
// otpauth:// key URI at enrollment without sending the secret to a chart service.
export { type EncodeQROptions, encodeQR, type QRErrorCorrection, type QRMatrix } from './encode.js'
export { type RenderSVGOptions, renderSVG } from './svg.js'
export { type RenderTerminalOptions, renderTerminal } from './terminal.js'
