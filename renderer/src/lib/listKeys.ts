import type { Dispatch, KeyboardEvent, SetStateAction } from 'react'

/**
 * The keys of a text box that drives a list of options (a combobox's listbox, the quick switcher): Up and
 * Down move the active option, stopping at the ends; Enter picks it.
 */
export function moveActiveOption(event: KeyboardEvent, count: number, setActive: Dispatch<SetStateAction<number>>, pick: () => void): void {
  if (event.key === 'ArrowDown') {
    event.preventDefault()
    setActive((index) => Math.min(count - 1, index + 1))
  } else if (event.key === 'ArrowUp') {
    event.preventDefault()
    setActive((index) => Math.max(0, index - 1))
  } else if (event.key === 'Enter') {
    event.preventDefault()
    pick()
  }
}
