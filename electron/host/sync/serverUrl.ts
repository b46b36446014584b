/** The addresses a sync server answers on, from the http(s)://host:port a device stores. */

import { CommonsError } from '../../../shared/errors.ts'

/** Validates a configured server URL and returns it without trailing slashes. */
export function normalizeServerUrl(serverUrl: string): string {
  let url: URL
  try {
    url = new URL(serverUrl)
  } catch {
    throw new CommonsError('invalid-input', `"${serverUrl}" is not a sync server URL`, 'give one like http://sync.example.com:4455')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CommonsError('invalid-input', `"${serverUrl}" is not a sync server URL`, 'it must start with http:// or https://')
  }
  if (url.search !== '' || url.hash !== '') {
    throw new CommonsError('invalid-input', `"${serverUrl}" is not a sync server URL`, 'drop the ?query and #fragment')
  }
  return url.href.replace(/\/+$/, '')
}

/** `ws(s)://host:port/v1/sync`: the base y-websocket appends `/<room>?token=…` to. */
export function syncSocketBase(serverUrl: string): string {
  return normalizeServerUrl(serverUrl).replace(/^http/, 'ws') + '/v1/sync'
}

/** An HTTP API address, e.g. apiUrl(server, 'workspaces', wsId, 'blobs', sha) with each segment encoded. */
export function apiUrl(serverUrl: string, ...segments: string[]): string {
  return normalizeServerUrl(serverUrl) + '/v1/' + segments.map(encodeURIComponent).join('/')
}
