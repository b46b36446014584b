/**
 * The preload: the renderer's only way to the Host. It exposes one typed bridge (shared/bridge, with the
 * desktop app) through contextBridge, never raw ipcRenderer. Until the bridge lands it exposes only which
 * runtime the renderer is in.
 */
import { contextBridge } from 'electron'

contextBridge.exposeInMainWorld('commons', Object.freeze({ runtime: 'electron' as const }))
