/**
 * Light, dark, or follow the system. The choice is device-local UI state (localStorage); it is applied
 * as a class on <html> that sets `color-scheme`, which picks a side of every `light-dark()` token.
 */
export type ThemeChoice = 'system' | 'light' | 'dark'

const key = 'commons:theme'

export function readTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(key)
    return value === 'light' || value === 'dark' ? value : 'system'
  } catch {
    return 'system'
  }
}

export function applyTheme(choice: ThemeChoice = readTheme()): void {
  const root = document.documentElement
  root.classList.toggle('theme-light', choice === 'light')
  root.classList.toggle('theme-dark', choice === 'dark')
}

export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(key)
    else localStorage.setItem(key, choice)
  } catch {
    // Without storage the choice lasts for this session.
  }
  applyTheme(choice)
}
