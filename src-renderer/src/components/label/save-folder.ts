/**
 * "Into a folder": the whole-dataset label archive unpacked into a folder the user
 * picks (the File System Access API, in Chromium and in Electron), so Praat and
 * Audacity find `<clip>.TextGrid` / `<clip>.txt` without an unzip step. The files are
 * the zip's (labels.exportArchive), written with the zip's sub-folders.
 */
import { strFromU8, unzipSync } from 'fflate'

type PickFolder = (options?: { mode?: 'readwrite'; id?: string }) => Promise<FileSystemDirectoryHandle>

/** The folder picker, where the page may use one (a secure context in Chromium or Electron). */
export function folderPicker(): PickFolder | null {
  const pick = (window as unknown as { showDirectoryPicker?: PickFolder }).showDirectoryPicker
  return typeof pick === 'function' ? pick.bind(window) : null
}

/** Writes every file of the zip under `dir`; returns the paths written. */
export async function unpackInto(dir: FileSystemDirectoryHandle, zip: Uint8Array): Promise<string[]> {
  const files = unzipSync(zip)
  const written: string[] = []
  for (const [name, bytes] of Object.entries(files)) {
    const parts = name.split('/').filter((p) => p && p !== '.' && p !== '..')
    const file = parts.pop()
    if (!file) continue
    let here = dir
    for (const p of parts) here = await here.getDirectoryHandle(p, { create: true })
    const out = await (await here.getFileHandle(file, { create: true })).createWritable()
    await out.write(strFromU8(bytes))
    await out.close()
    written.push(name)
  }
  return written
}
