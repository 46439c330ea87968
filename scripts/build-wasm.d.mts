/** Types of scripts/build-wasm.mjs for the TypeScript tests. */
export interface WasmTarget {
  dir: string
  generated: string
  prefix: string
  flags: string[]
  importsMemory?: boolean
}
export const TARGETS: WasmTarget[]
/** The feature kernels' folder, generated module and flags (the defaults below). */
export const WASM_DIR: string
export const GENERATED: string
export const FLAGS: string[]
export function activeTargets(): WasmTarget[]
export function sourceHash(t?: WasmTarget): string
export function checkSharedMemoryModule(bytes: Uint8Array): void
export function buildModuleText(t?: WasmTarget, clang?: string): string
