import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'

/**
 * Window size and position, remembered across launches in a small JSON file in the data directory
 * (`window-state.json`, one entry per kind of window). A remembered place is used only where it is still
 * visible: after a monitor was unplugged or the resolution dropped, the window is moved and shrunk onto
 * a display it fits, or centered on the primary display when none of it would show.
 */

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface SavedWindow {
  bounds: Rect
  maximized: boolean
  fullScreen: boolean
}

export interface WindowDefaults {
  width: number
  height: number
  minWidth: number
  minHeight: number
}

export const windowKinds = {
  main: { width: 1280, height: 820, minWidth: 720, minHeight: 480 },
  assistant: { width: 560, height: 760, minWidth: 380, minHeight: 420 }
} as const satisfies Record<string, WindowDefaults>

export type WindowKind = keyof typeof windowKinds

/** Where to open a window: no x/y means "let the system center it". */
export interface RestoredWindow {
  bounds: { x?: number; y?: number; width: number; height: number }
  maximized: boolean
  fullScreen: boolean
}

/** How much of a window must be on a display for its remembered place to count as visible. */
const minimumVisible = { width: 160, height: 80 }

/**
 * Where a window opens, given what was remembered and the displays' work areas (`primary` first among
 * equals: it is where a window with no usable place goes).
 */
export function restoreWindow(saved: SavedWindow | undefined, displays: readonly { workArea: Rect }[], primary: { workArea: Rect }, defaults: WindowDefaults): RestoredWindow {
  const fallback = (width: number, height: number, state: Pick<SavedWindow, 'maximized' | 'fullScreen'>): RestoredWindow => ({
    bounds: fitSize(width, height, primary.workArea, defaults),
    ...state
  })
  if (saved === undefined || !isUsableRect(saved.bounds)) return fallback(defaults.width, defaults.height, { maximized: false, fullScreen: false })
  const state = { maximized: saved.maximized, fullScreen: saved.fullScreen }
  let best: { area: Rect; overlap: Rect } | null = null
  for (const { workArea } of displays) {
    const overlap = intersection(saved.bounds, workArea)
    if (overlap === null) continue
    if (best === null || overlap.width * overlap.height > best.overlap.width * best.overlap.height) best = { area: workArea, overlap }
  }
  const visible =
    best !== null &&
    best.overlap.width >= Math.min(minimumVisible.width, saved.bounds.width) &&
    best.overlap.height >= Math.min(minimumVisible.height, saved.bounds.height)
  if (best === null || !visible) return fallback(saved.bounds.width, saved.bounds.height, state)
  const size = fitSize(saved.bounds.width, saved.bounds.height, best.area, defaults)
  return {
    bounds: {
      x: clamp(saved.bounds.x, best.area.x, best.area.x + best.area.width - size.width),
      y: clamp(saved.bounds.y, best.area.y, best.area.y + best.area.height - size.height),
      ...size
    },
    ...state
  }
}

function fitSize(width: number, height: number, area: Rect, defaults: WindowDefaults): { width: number; height: number } {
  return {
    width: Math.round(Math.min(Math.max(width, defaults.minWidth), area.width)),
    height: Math.round(Math.min(Math.max(height, defaults.minHeight), area.height))
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.round(Math.min(Math.max(value, low), Math.max(low, high)))
}

function intersection(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x)
  const y = Math.max(a.y, b.y)
  const right = Math.min(a.x + a.width, b.x + b.width)
  const bottom = Math.min(a.y + a.height, b.y + b.height)
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null
}

function isUsableRect(rect: Rect): boolean {
  return [rect.x, rect.y, rect.width, rect.height].every(Number.isFinite) && rect.width > 0 && rect.height > 0
}

// ---------------------------------------------------------------------------------------------------
// The file

const rect = z.object({ x: z.number(), y: z.number(), width: z.number().positive(), height: z.number().positive() })
const savedWindow = z.object({ bounds: rect, maximized: z.boolean().default(false), fullScreen: z.boolean().default(false) })
const stateFile = z.object({ version: z.literal(1), windows: z.record(z.string(), z.unknown()) })

export const windowStateFileName = 'window-state.json'

/** The remembered windows; a missing, unreadable or foreign file (or entry) is simply not remembered. */
export async function readWindowStates(file: string): Promise<Record<string, SavedWindow>> {
  let json: unknown
  try {
    json = JSON.parse(await readFile(file, 'utf8'))
  } catch {
    return {}
  }
  const parsed = stateFile.safeParse(json)
  if (!parsed.success) return {}
  const windows: Record<string, SavedWindow> = {}
  for (const [kind, entry] of Object.entries(parsed.data.windows)) {
    const window = savedWindow.safeParse(entry)
    if (window.success) windows[kind] = window.data
  }
  return windows
}

/** Writes the file whole (a temporary file renamed over it, so a crash leaves the old one or the new one). */
export async function writeWindowStates(file: string, windows: Record<string, SavedWindow>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify({ version: 1, windows }, null, 2)}\n`, { mode: 0o600 })
  await rename(temporary, file)
}

/** What the keeper needs of a BrowserWindow. */
export interface TrackedWindow {
  getNormalBounds(): Rect
  isMaximized(): boolean
  isFullScreen(): boolean
  isDestroyed(): boolean
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'enter-full-screen' | 'leave-full-screen' | 'close', listener: () => void): unknown
}

/**
 * Keeps the file current for the windows it tracks: a change is written a moment after the window stops
 * moving (`delayMs`), and at once when the window closes. `flush` waits for the pending write.
 */
export class WindowStateKeeper {
  #windows: Record<string, SavedWindow>
  #timer: ReturnType<typeof setTimeout> | null = null
  #writing: Promise<void> = Promise.resolve()

  private constructor(
    private readonly file: string,
    windows: Record<string, SavedWindow>,
    private readonly delayMs: number,
    private readonly onError: (error: unknown) => void
  ) {
    this.#windows = windows
  }

  static async open(file: string, options: { delayMs?: number; onError?: (error: unknown) => void } = {}): Promise<WindowStateKeeper> {
    return new WindowStateKeeper(file, await readWindowStates(file), options.delayMs ?? 500, options.onError ?? (() => {}))
  }

  saved(kind: string): SavedWindow | undefined {
    return this.#windows[kind]
  }

  track(kind: string, window: TrackedWindow): void {
    const record = () => {
      if (window.isDestroyed()) return
      this.#windows = { ...this.#windows, [kind]: { bounds: window.getNormalBounds(), maximized: window.isMaximized(), fullScreen: window.isFullScreen() } }
    }
    const changed = () => {
      record()
      this.#schedule()
    }
    for (const event of ['resize', 'move', 'maximize', 'unmaximize', 'enter-full-screen', 'leave-full-screen'] as const) window.on(event, changed)
    window.on('close', () => {
      record()
      void this.flush()
    })
  }

  /** Writes what is pending now; resolves once it is on disk (errors go to onError). */
  flush(): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer)
      this.#timer = null
    }
    const windows = this.#windows
    this.#writing = this.#writing.then(() => writeWindowStates(this.file, windows)).catch(this.onError)
    return this.#writing
  }

  #schedule(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = null
      void this.flush()
    }, this.delayMs)
    this.#timer.unref?.()
  }
}
