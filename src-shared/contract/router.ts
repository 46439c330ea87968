/**
 * The router's type, for the renderer's typed client. A type-only re-export:
 * nothing from the main process is bundled into the renderer.
 */
export type { AppRouter } from '../../src-main/api/router'
