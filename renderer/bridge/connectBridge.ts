import { asBridgeRequestError, BridgeRequestError } from '../../shared/bridge/bridgeRequestError.ts'
import type { Bridge } from '../../shared/bridge/contract.ts'
import { bridgeSocketPath } from '../../shared/bridge/wireFormat.ts'
import { SocketBridge, type SocketLike } from './socketBridge.ts'

/**
 * The renderer's way to the Host: `window.commons` in Electron (electron/preload.ts), otherwise the web
 * host's websocket, with the per-launch token the page was opened with (`?token=…`). The token is moved
 * out of the address bar into this tab's sessionStorage, so a reload keeps working and the address can
 * be shared or shown without it.
 */

const tokenKey = 'commons.bridgeToken'

export interface ConnectBridgeOptions {
  /** For tests: the socket factory of the websocket client. */
  createSocket?: (url: string) => SocketLike
}

export function connectBridge(options: ConnectBridgeOptions = {}): Bridge {
  const preload = (globalThis as { commons?: Partial<Bridge> }).commons
  if (typeof preload?.request === 'function' && typeof preload.on === 'function') return electronBridge(preload as Bridge)
  const token = takeToken()
  if (token === null) {
    throw new BridgeRequestError('access', 'this page was opened without its access token', 'open the address `npm run web` printed, which ends in ?token=…')
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return new SocketBridge({ url: `${scheme}//${location.host}${bridgeSocketPath}?token=${encodeURIComponent(token)}`, ...(options.createSocket ? { createSocket: options.createSocket } : {}) })
}

/** The preload's bridge, with its errors turned back into BridgeRequestErrors (contextBridge drops an Error's fields). */
function electronBridge(preload: Bridge): Bridge {
  return {
    request: (name, input) => preload.request(name, input).catch((error: unknown) => Promise.reject(asBridgeRequestError(error))),
    on: (name, listener) => preload.on(name, listener)
  }
}

function takeToken(): string | null {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl !== null && fromUrl !== '') {
    try {
      sessionStorage.setItem(tokenKey, fromUrl)
      url.searchParams.delete('token')
      history.replaceState(history.state, '', url.pathname + url.search + url.hash)
    } catch {
      // Storage refused (a private window's policy): keep the token in the address bar instead.
    }
    return fromUrl
  }
  try {
    return sessionStorage.getItem(tokenKey)
  } catch {
    return null
  }
}
