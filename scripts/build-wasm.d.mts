/** Types of scripts/build-wasm.mjs for the TypeScript tests. */
export interface WasmTarget {
  dir: string
  generated: string
  prefix: string
  flags: string[]
  importsMemory?: boolean
}
export const TARGETS: WasmTarget[]
export function activeTargets(): WasmTarget[]
export function sourceHash(t: WasmTarget): string
export function checkSharedMemoryModule(bytes: Uint8Array): void
export function buildModuleText(t: WasmTarget, clang?: string): string
