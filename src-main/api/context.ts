import { JobRegistry } from '../services/jobs/registry'
import { openWorkspace, type Workspace } from '../services/store/workspace'

/**
 * Everything the router needs, built once per process. Both transports
 * (Electron IPC and the loopback WebSocket) share one instance, so a job started
 * from one window is visible in every other.
 */
export interface AppServices {
  ws: Workspace
  jobs: JobRegistry
  /** Native desktop abilities, present only in Electron (the browser shell types paths instead). */
  platform?: PlatformAbilities
}

export interface PlatformAbilities {
  pickFolder(title: string): Promise<string | null>
}

export function createAppServices(workspaceDir?: string, platform?: PlatformAbilities): AppServices {
  return { ws: openWorkspace(workspaceDir), jobs: new JobRegistry(), platform }
}

export function disposeAppServices(s: AppServices): void {
  s.jobs.cancelAll()
  s.ws.close()
}

/** Per-request context: the shared services plus where the call came from. */
export interface RequestContext {
  services: AppServices
  transport: 'electron' | 'websocket' | 'direct'
}
