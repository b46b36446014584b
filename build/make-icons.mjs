#!/usr/bin/env node
// Draws the Commons app icon and writes it as PNGs for electron-builder (build/icons/<N>x<N>.png, which
// Linux uses as a set, macOS and Windows convert from the largest). No image library: the shape is drawn
// with distance functions, anti-aliased by supersampling, and encoded by the small PNG writer below.
// Run it after changing the drawing: `node build/make-icons.mjs`; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const here = path.dirname(fileURLToPath(import.meta.url))
export const iconSizes = [16, 32, 48, 64, 128, 256, 512]

/** RGBA bytes of the icon at `size`×`size`. */
export function drawIcon(size) {
  const pixels = Buffer.alloc(size * size * 4)
  const samples = size >= 128 ? 4 : 8
  const top = [79, 70, 229] // indigo
  const bottom = [14, 116, 144] // teal
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let tile = 0
      let mark = 0
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          // Coordinates in a 0..1 square.
          const x = (px + (sx + 0.5) / samples) / size
          const y = (py + (sy + 0.5) / samples) / size
          if (insideTile(x, y)) {
            tile++
            if (insideMark(x, y)) mark++
          }
        }
      }
      const total = samples * samples
      const coverage = tile / total
      const white = tile === 0 ? 0 : mark / tile
      const t = py / Math.max(1, size - 1)
      const offset = (py * size + px) * 4
      for (let channel = 0; channel < 3; channel++) {
        const background = top[channel] + (bottom[channel] - top[channel]) * t
        pixels[offset + channel] = Math.round(background + (255 - background) * white)
      }
      pixels[offset + 3] = Math.round(coverage * 255)
    }
  }
  return pixels
}

// A rounded square with a margin, as platform icon grids expect.
function insideTile(x, y) {
  const margin = 0.06
  const radius = 0.2
  const half = 0.5 - margin
  const dx = Math.max(Math.abs(x - 0.5) - (half - radius), 0)
  const dy = Math.max(Math.abs(y - 0.5) - (half - radius), 0)
  return dx * dx + dy * dy <= radius * radius
}

// In white: a "C" open to the right, and a dot in its opening.
function insideMark(x, y) {
  const cx = 0.47
  const cy = 0.5
  const distance = Math.hypot(x - cx, y - cy)
  const angle = Math.atan2(y - cy, x - cx)
  const ring = distance >= 0.17 && distance <= 0.26 && Math.abs(angle) >= 0.75
  const dot = Math.hypot(x - 0.66, y - 0.5) <= 0.065
  return ring || dot
}

/** A PNG file (RGBA, 8 bits per channel) of the given pixels. */
export function encodePng(width, height, rgba) {
  const rows = Buffer.alloc((width * 4 + 1) * height)
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0 // filter: none
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4)
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  header[10] = 0 // deflate
  header[11] = 0 // adaptive filtering
  header[12] = 0 // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0))
  ])
}

function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length, 0)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body), 0)
  return Buffer.concat([length, body, crc])
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes) {
  let crc = 0xffffffff
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const directory = path.join(here, 'icons')
  mkdirSync(directory, { recursive: true })
  for (const size of iconSizes) {
    writeFileSync(path.join(directory, `${size}x${size}.png`), encodePng(size, size, drawIcon(size)))
  }
  console.log(`wrote ${iconSizes.map((size) => `${size}x${size}`).join(', ')} to ${path.relative(process.cwd(), directory) || directory}`)
}
