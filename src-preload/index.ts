/**
 * The sandboxed preload: exposes exactly one thing, the tRPC IPC bridge
 * (`window.electronTRPC`), through contextBridge. The renderer gets no Node,
 * no ipcRenderer, no other API.
 */
import { exposeElectronTRPC } from 'trpc-electron/main'

exposeElectronTRPC()
