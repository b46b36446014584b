import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultDataDirectory, resolveDataDirectory } from '../../electron/host/dataDirectory.ts'

describe('defaultDataDirectory', () => {
  it('follows each platform', () => {
    expect(defaultDataDirectory('linux', {}, '/home/ada')).toBe('/home/ada/.local/share/Commons')
    expect(defaultDataDirectory('linux', { XDG_DATA_HOME: '/data/ada' }, '/home/ada')).toBe('/data/ada/Commons')
    expect(defaultDataDirectory('linux', { XDG_DATA_HOME: 'relative' }, '/home/ada')).toBe('/home/ada/.local/share/Commons')
    expect(defaultDataDirectory('darwin', {}, '/Users/ada')).toBe('/Users/ada/Library/Application Support/Commons')
    expect(defaultDataDirectory('win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'C:\\Users\\ada')).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Commons'
    )
    expect(defaultDataDirectory('win32', {}, 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Roaming\\Commons')
  })

  it('lets COMMONS_DATA override', () => {
    expect(defaultDataDirectory('linux', { COMMONS_DATA: '/tmp/c', XDG_DATA_HOME: '/x' }, '/home/ada')).toBe('/tmp/c')
    expect(defaultDataDirectory('linux', { COMMONS_DATA: '' }, '/home/ada')).toBe('/home/ada/.local/share/Commons')
  })
})

describe('resolveDataDirectory', () => {
  it('prefers the flag and makes it absolute', () => {
    expect(resolveDataDirectory('rel/dir')).toBe(path.resolve('rel/dir'))
    expect(resolveDataDirectory('~/x')).toBe(path.join(os.homedir(), 'x'))
    expect(path.isAbsolute(resolveDataDirectory())).toBe(true)
  })
})
