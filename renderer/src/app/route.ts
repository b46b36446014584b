import { useSyncExternalStore } from 'react'

/**
 * Where the person is, kept in the URL hash so it survives a reload and works the same under app://
 * (Electron) and http:// (the web host). Views that another part of the app fills in (deliverables,
 * memory, coworkers, workflows) are routes here already.
 */
export type Route =
  | { view: 'home' }
  | { view: 'channel'; channelId: string }
  | { view: 'deliverables'; deliverableId: string | null }
  | { view: 'files'; fileId: string | null }
  | { view: 'memory' }
  | { view: 'coworkers'; coworkerId: string | null }
  | { view: 'workflows'; workflowId: string | null }
  | { view: 'settings'; section?: SettingsSection }
  /** The private assistant full-window (Electron opens it in its own window): a session, or a new one with a channel's context. */
  | { view: 'assistant'; sessionId: string | null; channelId?: string | null }

export const settingsSections = ['profile', 'models', 'sync', 'appearance'] as const
export type SettingsSection = (typeof settingsSections)[number]

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent)
  const [head, id] = parts
  switch (head) {
    case 'c':
      return id === undefined ? { view: 'home' } : { view: 'channel', channelId: id }
    case 'deliverables':
      return { view: 'deliverables', deliverableId: id ?? null }
    case 'files':
      return { view: 'files', fileId: id ?? null }
    case 'memory':
      return { view: 'memory' }
    case 'coworkers':
      return { view: 'coworkers', coworkerId: id ?? null }
    case 'workflows':
      return { view: 'workflows', workflowId: id ?? null }
    case 'settings':
      return settingsSections.includes(id as SettingsSection) ? { view: 'settings', section: id as SettingsSection } : { view: 'settings' }
    case 'assistant':
      if (id === 'new') return { view: 'assistant', sessionId: null, channelId: parts[2] ?? null }
      return { view: 'assistant', sessionId: id ?? null }
    default:
      return { view: 'home' }
  }
}

export function routeHash(route: Route): string {
  switch (route.view) {
    case 'home':
      return '#/'
    case 'channel':
      return `#/c/${encodeURIComponent(route.channelId)}`
    case 'deliverables':
      return route.deliverableId === null ? '#/deliverables' : `#/deliverables/${encodeURIComponent(route.deliverableId)}`
    case 'files':
      return route.fileId === null ? '#/files' : `#/files/${encodeURIComponent(route.fileId)}`
    case 'memory':
      return '#/memory'
    case 'coworkers':
      return route.coworkerId === null ? '#/coworkers' : `#/coworkers/${encodeURIComponent(route.coworkerId)}`
    case 'workflows':
      return route.workflowId === null ? '#/workflows' : `#/workflows/${encodeURIComponent(route.workflowId)}`
    case 'settings':
      return route.section === undefined ? '#/settings' : `#/settings/${route.section}`
    case 'assistant':
      if (route.sessionId !== null) return `#/assistant/${encodeURIComponent(route.sessionId)}`
      return route.channelId == null ? '#/assistant' : `#/assistant/new/${encodeURIComponent(route.channelId)}`
  }
}

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const hash = routeHash(route)
  if (location.hash === hash) return
  if (options.replace === true) history.replaceState(null, '', hash)
  else history.pushState(null, '', hash)
  window.dispatchEvent(new HashChangeEvent('hashchange'))
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener)
  window.addEventListener('popstate', listener)
  return () => {
    window.removeEventListener('hashchange', listener)
    window.removeEventListener('popstate', listener)
  }
}

let cachedHash: string | null = null
let cachedRoute: Route = { view: 'home' }

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => {
    if (location.hash !== cachedHash) {
      cachedHash = location.hash
      cachedRoute = parseRoute(location.hash)
    }
    return cachedRoute
  })
}
