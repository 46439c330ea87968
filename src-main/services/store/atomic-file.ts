/**
 * Durable file replacement, shared by every service that must never leave a torn file
 * (model files and checkpoints, recorded takes).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Writes to a temporary name, fsyncs the data, renames, then fsyncs the folder: after a
 * power cut or kill the file is either the old one or the whole new one, never a torn one.
 */
export function writeAtomic(file: string, data: Uint8Array | string): void {
  // host and pid in the temporary name: tasks on several nodes may write into one shared folder
  const tmp = `${file}.${os.hostname()}.${process.pid}.tmp`
  const fd = fs.openSync(tmp, 'w')
  try {
    fs.writeFileSync(fd, data)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, file)
  syncDir(path.dirname(file))
}

/** Makes a rename in `dir` durable (no-op where folders cannot be opened, e.g. Windows). */
function syncDir(dir: string): void {
  let fd: number | null = null
  try {
    fd = fs.openSync(dir, 'r')
    fs.fsyncSync(fd)
  } catch {
    /* not supported on this platform */
  } finally {
    if (fd !== null) fs.closeSync(fd)
  }
}
