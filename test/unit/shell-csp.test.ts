import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { resolveAppRequest } from '../../electron/shell/appProtocol.ts'
import { appResponseHeaders, effectiveSources, parseContentSecurityPolicy, rendererContentSecurityPolicy } from '../../electron/shell/csp.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

describe("the desktop renderer's Content-Security-Policy", () => {
  const policy = parseContentSecurityPolicy(rendererContentSecurityPolicy())

  it('is strict: nothing by default, scripts only from the app, no eval, no plugins, no framing, no base or forms', () => {
    expect(rendererContentSecurityPolicy()).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-src 'none'; media-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    expect(policy.get('script-src')).toEqual(["'self'"])
    for (const sources of policy.values()) {
      expect(sources).not.toContain("'unsafe-eval'")
      expect(sources).not.toContain('*')
      expect(sources.some((source) => /^(https?|wss?):/.test(source))).toBe(false)
    }
  })

  it("is sent on every app:// answer, with nosniff", () => {
    const headers = appResponseHeaders('text/html; charset=utf-8')
    expect(headers['Content-Security-Policy']).toBe(rendererContentSecurityPolicy())
    expect(headers['X-Content-Type-Options']).toBe('nosniff')
    expect(headers['Content-Type']).toBe('text/html; charset=utf-8')
  })

  it("matches the renderer's meta CSP: never wider, and the same sources for what the page loads", () => {
    const html = readFileSync(path.join(root, 'renderer/index.html'), 'utf8')
    const content = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(content, 'renderer/index.html has a meta CSP').toBeDefined()
    const meta = parseContentSecurityPolicy(content!)
    const directives = new Set([...meta.keys(), ...policy.keys()])
    for (const directive of directives) {
      const header = effectiveSources(policy, directive)
      const page = effectiveSources(meta, directive)
      if (header === null || page === null) continue
      // Whatever the header allows, the page's own policy allows too ('none' allows nothing).
      for (const source of header.filter((source) => source !== "'none'")) expect(page, `${directive} ${source}`).toContain(source)
    }
    // The page's scripts, styles, images and fonts load under both.
    for (const directive of ['script-src', 'style-src', 'img-src', 'font-src']) expect(effectiveSources(policy, directive)).toEqual(effectiveSources(meta, directive))
  })
})

describe('the app:// protocol', () => {
  const dir = path.join(root, 'dist', 'renderer')
  it('serves files of the built renderer with their types', () => {
    expect(resolveAppRequest('app://commons/', 'GET', dir)).toEqual({ ok: true, file: path.join(dir, 'index.html'), contentType: 'text/html; charset=utf-8' })
    expect(resolveAppRequest('app://commons/assets/index-abc.js', 'HEAD', dir)).toMatchObject({ ok: true, contentType: 'text/javascript; charset=utf-8' })
    expect(resolveAppRequest('app://commons/#/c/ch_x', 'GET', dir)).toMatchObject({ ok: true, file: path.join(dir, 'index.html') })
  })

  it('reaches nothing outside it, and answers only GET and HEAD on its own host', () => {
    for (const url of ['app://commons/../package.json', 'app://commons/%2e%2e/package.json', 'app://commons/..%2f..%2fetc/passwd', 'app://commons/%2e%2e%5cpackage.json']) {
      const resolved = resolveAppRequest(url, 'GET', dir)
      if (resolved.ok) expect(resolved.file.startsWith(dir + path.sep)).toBe(true)
      else expect(resolved.status).toBe(404)
    }
    expect(resolveAppRequest('app://commons/a%00b', 'GET', dir)).toMatchObject({ ok: false, status: 400 })
    expect(resolveAppRequest('app://evil/index.html', 'GET', dir)).toMatchObject({ ok: false, status: 404 })
    expect(resolveAppRequest('app://commons/', 'POST', dir)).toMatchObject({ ok: false, status: 405 })
    expect(resolveAppRequest('app://commons/%E0%A4%A', 'GET', dir)).toMatchObject({ ok: false, status: 400 })
  })
})
