import type http from 'node:http'
import type { AddressInfo } from 'node:net'

export class PortBusyError extends Error {
  override name = 'PortBusyError'
}

function listenOnce(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening)
      reject(err)
    }
    const onListening = () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, '127.0.0.1')
  })
}

/**
 * Listens on 127.0.0.1: on `port` when given (a busy port is an error naming it),
 * else on `preferred` (the workspace's last port, so open pages and their
 * unsent labels find the server again) when it is free, else on any free port.
 */
export async function listenPreferred(server: http.Server, port: number, preferred?: number): Promise<number> {
  if (port) {
    try {
      return await listenOnce(server, port)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new PortBusyError(`port ${port} is in use: pick another with --port, or leave it out for any free port`)
      throw err
    }
  }
  if (preferred) {
    try {
      return await listenOnce(server, preferred)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err
      console.warn(
        `[shell] port ${preferred} (this workspace's last) is busy: using another. Pages still open at the old address keep their unsent labels until they ` +
          `can reach it.`,
      )
    }
  }
  return listenOnce(server, 0)
}
