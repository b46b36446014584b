import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readWindowStates, restoreWindow, windowKinds, WindowStateKeeper, writeWindowStates, type Rect, type SavedWindow, type TrackedWindow } from '../../electron/shell/windowState.ts'

const laptop = { workArea: { x: 0, y: 25, width: 1440, height: 875 } }
// A second monitor to the right of the laptop.
const monitor = { workArea: { x: 1440, y: 0, width: 2560, height: 1400 } }
const main = windowKinds.main

const saved = (bounds: Rect, state: Partial<SavedWindow> = {}): SavedWindow => ({ bounds, maximized: false, fullScreen: false, ...state })

describe('restoring a window place', () => {
  it('opens at the default size, centered, when nothing was remembered', () => {
    expect(restoreWindow(undefined, [laptop], laptop, main)).toEqual({ bounds: { width: 1280, height: 820 }, maximized: false, fullScreen: false })
  })

  it('keeps a remembered place that is fully visible', () => {
    const restored = restoreWindow(saved({ x: 100, y: 80, width: 1000, height: 700 }, { maximized: true }), [laptop, monitor], laptop, main)
    expect(restored).toEqual({ bounds: { x: 100, y: 80, width: 1000, height: 700 }, maximized: true, fullScreen: false })
  })

  it('keeps a place on the second monitor while it is connected', () => {
    const restored = restoreWindow(saved({ x: 2000, y: 200, width: 1600, height: 1000 }), [laptop, monitor], laptop, main)
    expect(restored.bounds).toEqual({ x: 2000, y: 200, width: 1600, height: 1000 })
  })

  it('centers on the primary display, at a size that fits, when the monitor it was on is gone', () => {
    const restored = restoreWindow(saved({ x: 2000, y: 200, width: 1600, height: 1000 }), [laptop], laptop, main)
    expect(restored.bounds).toEqual({ width: 1440, height: 875 })
    expect(restored.bounds.x).toBeUndefined()
  })

  it('pulls a window that hangs off an edge back inside the display it is mostly on', () => {
    const restored = restoreWindow(saved({ x: 1000, y: 600, width: 800, height: 600 }), [laptop], laptop, main)
    expect(restored.bounds).toEqual({ x: 640, y: 300, width: 800, height: 600 })
  })

  it('shrinks a window larger than its display to the work area', () => {
    const restored = restoreWindow(saved({ x: -50, y: 0, width: 3000, height: 2000 }), [laptop], laptop, main)
    expect(restored.bounds).toEqual({ x: 0, y: 25, width: 1440, height: 875 })
  })

  it('treats a sliver of a window (less than a title bar) as not visible', () => {
    const restored = restoreWindow(saved({ x: 1400, y: 100, width: 900, height: 600 }), [laptop], laptop, main)
    expect(restored.bounds.x).toBeUndefined()
    expect(restored.bounds).toMatchObject({ width: 900, height: 600 })
  })

  it('never goes below the minimum size, nor uses a nonsense rectangle', () => {
    expect(restoreWindow(saved({ x: 10, y: 40, width: 200, height: 100 }), [laptop], laptop, main).bounds).toEqual({ x: 10, y: 40, width: main.minWidth, height: main.minHeight })
    expect(restoreWindow(saved({ x: Number.NaN, y: 0, width: 500, height: 500 }), [laptop], laptop, main).bounds).toEqual({ width: 1280, height: 820 })
  })

  it('a display smaller than the minimum size still holds the window', () => {
    const tiny = { workArea: { x: 0, y: 0, width: 640, height: 400 } }
    expect(restoreWindow(saved({ x: 0, y: 0, width: 1000, height: 800 }), [tiny], tiny, main).bounds).toEqual({ x: 0, y: 0, width: 640, height: 400 })
  })
})

describe('the window-state file', () => {
  let directory: string | null = null
  afterEach(async () => {
    if (directory !== null) await rm(directory, { recursive: true, force: true })
    directory = null
  })
  const file = async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'commons-window-state-'))
    return path.join(directory, 'window-state.json')
  }

  it('round-trips, and forgets a missing, corrupt or foreign file', async () => {
    const target = await file()
    expect(await readWindowStates(target)).toEqual({})
    await writeWindowStates(target, { main: saved({ x: 1, y: 2, width: 800, height: 600 }, { maximized: true }) })
    expect(await readWindowStates(target)).toEqual({ main: saved({ x: 1, y: 2, width: 800, height: 600 }, { maximized: true }) })
    expect((await stat(target)).mode & 0o777).toBe(0o600)
    await writeFile(target, '{"version":1,"windows":{"main":{"bounds":{"x":0}},"assistant":{"bounds":{"x":5,"y":5,"width":400,"height":500}}}}')
    expect(await readWindowStates(target)).toEqual({ assistant: saved({ x: 5, y: 5, width: 400, height: 500 }) })
    await writeFile(target, 'not json')
    expect(await readWindowStates(target)).toEqual({})
    await writeFile(target, '{"version":2,"windows":{}}')
    expect(await readWindowStates(target)).toEqual({})
  })

  it('the keeper records a window as it moves and writes it when it closes', async () => {
    const target = await file()
    const keeper = await WindowStateKeeper.open(target, { delayMs: 10_000 })
    const window = new FakeWindow({ x: 10, y: 20, width: 900, height: 700 })
    keeper.track('main', window)
    window.bounds = { x: 50, y: 60, width: 1000, height: 750 }
    window.emit('move')
    expect(keeper.saved('main')).toEqual(saved({ x: 50, y: 60, width: 1000, height: 750 }))
    window.maximized = true
    window.emit('maximize')
    window.emit('close')
    await keeper.flush()
    expect(JSON.parse(await readFile(target, 'utf8'))).toEqual({ version: 1, windows: { main: saved({ x: 50, y: 60, width: 1000, height: 750 }, { maximized: true }) } })
    expect((await WindowStateKeeper.open(target)).saved('main')?.maximized).toBe(true)
  })
})

/** A stand-in for a BrowserWindow: its normal bounds and state, and its events. */
class FakeWindow implements TrackedWindow {
  maximized = false
  readonly #listeners = new Map<string, Array<() => void>>()
  constructor(public bounds: Rect) {}
  getNormalBounds = () => this.bounds
  isMaximized = () => this.maximized
  isFullScreen = () => false
  isDestroyed = () => false
  on(event: string, listener: () => void) {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener])
    return this
  }
  emit(event: string) {
    for (const listener of this.#listeners.get(event) ?? []) listener()
  }
}
