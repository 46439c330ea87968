/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
interface Window {
  /** Set by the sandboxed preload in Electron; absent in the browser shell. */
  electronTRPC?: unknown
  /** The typed client, for debugging from the console and for end-to-end tests. */
  __serApi?: unknown
}
