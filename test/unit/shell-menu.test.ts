import { describe, expect, it } from 'vitest'
import { buildMenuTemplate, menuItems, type MenuCommand, type MenuItemSpec } from '../../electron/shell/menu.ts'

const build = (platform: NodeJS.Platform, devTools = false) => {
  const commands: MenuCommand[] = []
  const template = buildMenuTemplate({ platform, appName: 'Commons', devTools }, (command) => commands.push(command))
  return { template, commands, items: menuItems(template) }
}
const roles = (items: MenuItemSpec[]) => items.flatMap((item) => (item.role === undefined ? [] : [item.role]))
const byId = (items: MenuItemSpec[], id: string) => items.find((item) => item.id === id)

describe('the application menu', () => {
  it('on macOS: the app menu first, then File, Edit, View, Window and Help', () => {
    const { template } = build('darwin')
    expect(template.map((menu) => menu.role)).toEqual(['appMenu', 'fileMenu', 'editMenu', 'viewMenu', 'windowMenu', 'help'])
    const appMenu = roles(template[0]!.submenu!)
    expect(appMenu).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit'])
    // Settings lives in the app menu on macOS.
    expect(template[0]!.submenu!.some((item) => item.id === 'settings')).toBe(true)
    expect(roles(template[4]!.submenu!)).toEqual(['minimize', 'zoom', 'front', 'window'])
  })

  it('on Windows and Linux: no app menu; Settings and Quit in File; About in Help', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const { template } = build(platform)
      expect(template.map((menu) => menu.role)).toEqual(['fileMenu', 'editMenu', 'viewMenu', 'windowMenu', 'help'])
      const file = template[0]!.submenu!
      expect(file.map((item) => item.id ?? item.role ?? item.type)).toEqual(['new-workspace', 'join-workspace', 'separator', 'settings', 'separator', 'quit'])
      expect(roles(template[4]!.submenu!)).toEqual(['about'])
      expect(roles(template[3]!.submenu!)).toEqual(['minimize', 'close'])
    }
  })

  it('Edit has the standard editing roles everywhere', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const edit = build(platform).template.find((menu) => menu.role === 'editMenu')!
      expect(roles(edit.submenu!)).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'pasteAndMatchStyle', 'delete', 'selectAll']))
    }
  })

  it("Commons's commands carry their accelerators on every platform", () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const { items } = build(platform)
      expect(byId(items, 'private-assistant')?.accelerator).toBe('CmdOrCtrl+J')
      expect(byId(items, 'quick-switcher')?.accelerator).toBe('CmdOrCtrl+K')
      expect(byId(items, 'settings')?.accelerator).toBe('CmdOrCtrl+,')
      expect(byId(items, 'new-workspace')?.accelerator).toBe('CmdOrCtrl+Shift+N')
      expect(byId(items, 'join-workspace')).toBeDefined()
      // One item per accelerator: no two menu items fight over a key.
      const accelerators = items.flatMap((item) => (item.accelerator === undefined ? [] : [item.accelerator]))
      expect(new Set(accelerators).size).toBe(accelerators.length)
    }
  })

  it('clicking an item hands its command over', () => {
    const { items, commands } = build('linux')
    for (const id of ['new-workspace', 'join-workspace', 'settings', 'quick-switcher', 'private-assistant', 'show-data-folder']) byId(items, id)!.click!()
    expect(commands).toEqual(['new-workspace', 'join-workspace', 'settings', 'quick-switcher', 'private-assistant', 'show-data-folder'])
  })

  it('offers the developer tools only in a development build', () => {
    expect(roles(build('linux', false).items)).not.toContain('toggleDevTools')
    expect(roles(build('linux', true).items)).toContain('toggleDevTools')
  })
})
