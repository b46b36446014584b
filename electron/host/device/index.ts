export { DeviceStore, DeviceFileError, deviceFileName, type OpenDeviceStoreOptions } from './deviceStore.ts'
export { deviceSchemaVersion, type DeviceFile, type DeviceWorkspace, type ServerLink } from './deviceFile.ts'
