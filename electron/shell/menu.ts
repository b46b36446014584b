/**
 * The application menu, as a template main.ts hands to `Menu.buildFromTemplate` (the shapes here are the
 * subset of Electron's MenuItemConstructorOptions that the menu uses, so this stays Electron-free and
 * testable). The platform's standard menus use Electron's roles: the app menu on macOS, Edit, View,
 * Window and Help; Commons adds its own commands, each handed to `onCommand`:
 *
 * | command           | where                                  | accelerator        |
 * |-------------------|----------------------------------------|--------------------|
 * | new-workspace     | File                                   | CmdOrCtrl+Shift+N  |
 * | join-workspace    | File                                   | –                  |
 * | settings          | app menu (macOS), File (Windows/Linux) | CmdOrCtrl+,        |
 * | quick-switcher    | View                                   | CmdOrCtrl+K        |
 * | private-assistant | View                                   | CmdOrCtrl+J        |
 * | show-data-folder  | Help                                   | –                  |
 */

export type MenuCommand = 'new-workspace' | 'join-workspace' | 'settings' | 'quick-switcher' | 'private-assistant' | 'show-data-folder'

export type MenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front'
  | 'window'
  | 'help'
  | 'appMenu'
  | 'fileMenu'
  | 'editMenu'
  | 'viewMenu'
  | 'windowMenu'
  | 'startSpeaking'
  | 'stopSpeaking'

export interface MenuItemSpec {
  id?: string
  label?: string
  role?: MenuRole
  type?: 'normal' | 'separator' | 'submenu'
  accelerator?: string
  submenu?: MenuItemSpec[]
  click?: () => void
}

export interface MenuOptions {
  platform: NodeJS.Platform
  appName: string
  /** Offer the developer tools (not in a packaged build). */
  devTools: boolean
}

export const menuAccelerators = {
  'new-workspace': 'CmdOrCtrl+Shift+N',
  settings: 'CmdOrCtrl+,',
  'quick-switcher': 'CmdOrCtrl+K',
  'private-assistant': 'CmdOrCtrl+J'
} as const satisfies Partial<Record<MenuCommand, string>>

const separator: MenuItemSpec = { type: 'separator' }

export function buildMenuTemplate(options: MenuOptions, onCommand: (command: MenuCommand) => void): MenuItemSpec[] {
  const mac = options.platform === 'darwin'
  const command = (id: MenuCommand, label: string): MenuItemSpec => ({
    id,
    label,
    ...(id in menuAccelerators ? { accelerator: menuAccelerators[id as keyof typeof menuAccelerators] } : {}),
    click: () => onCommand(id)
  })
  const settings = command('settings', mac ? 'Settings…' : 'Settings')

  const appMenu: MenuItemSpec = {
    label: options.appName,
    role: 'appMenu',
    submenu: [
      { role: 'about', label: `About ${options.appName}` },
      separator,
      settings,
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' }
    ]
  }
  const fileMenu: MenuItemSpec = {
    label: 'File',
    role: 'fileMenu',
    submenu: [
      command('new-workspace', 'New Workspace…'),
      command('join-workspace', 'Join Workspace…'),
      separator,
      ...(mac ? [{ role: 'close' } as MenuItemSpec] : [settings, separator, { role: 'quit' } as MenuItemSpec])
    ]
  }
  const editMenu: MenuItemSpec = {
    label: 'Edit',
    role: 'editMenu',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'pasteAndMatchStyle' },
      { role: 'delete' },
      { role: 'selectAll' },
      ...(mac ? [separator, { label: 'Speech', submenu: [{ role: 'startSpeaking' }, { role: 'stopSpeaking' }] } as MenuItemSpec] : [])
    ]
  }
  const viewMenu: MenuItemSpec = {
    label: 'View',
    role: 'viewMenu',
    submenu: [
      command('quick-switcher', 'Quick Switcher…'),
      command('private-assistant', 'Private Assistant'),
      separator,
      { role: 'reload' },
      { role: 'forceReload' },
      ...(options.devTools ? [{ role: 'toggleDevTools' } as MenuItemSpec] : []),
      separator,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' }
    ]
  }
  const windowMenu: MenuItemSpec = {
    label: 'Window',
    role: 'windowMenu',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }, separator, { role: 'window' }] : [{ role: 'minimize' }, { role: 'close' }]
  }
  const helpMenu: MenuItemSpec = {
    label: 'Help',
    role: 'help',
    submenu: [...(mac ? [] : [{ role: 'about', label: `About ${options.appName}` } as MenuItemSpec, separator]), command('show-data-folder', 'Show Data Folder')]
  }
  return [...(mac ? [appMenu] : []), fileMenu, editMenu, viewMenu, windowMenu, helpMenu]
}

/** Every item of a template, depth first (for tests and lookups). */
export function menuItems(template: readonly MenuItemSpec[]): MenuItemSpec[] {
  return template.flatMap((item) => [item, ...menuItems(item.submenu ?? [])])
}
