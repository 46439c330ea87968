/** Runs espeak-ng | sox (| ffmpeg for AVI) for one clip, with no shell in between. */
import { spawn, type ChildProcess } from 'node:child_process'

function waitFor(child: ChildProcess, name: string, errOut: { text: string }): Promise<void> {
  child.stderr?.on('data', (d) => (errOut.text += `${name}: ${d}`))
  return new Promise((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'ENOENT' ? `${name} is not installed (the corpus generator needs espeak-ng, sox and, for eNTERFACE, ffmpeg)` : `${name}: ${e.message}`)),
    )
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}: ${errOut.text.trim().slice(-400)}`))))
  })
}

/** espeak-ng args -> sox effects -> 16-bit mono WAV at `out`, or an AVI (MJPEG video + PCM audio) when `avi`. */
export async function renderClip(espeakArgs: string[], soxEffects: string[], out: string, avi: boolean): Promise<void> {
  const err = { text: '' }
  const espeak = spawn('espeak-ng', espeakArgs, { stdio: ['ignore', 'pipe', 'pipe'] })
  const soxOut = avi ? ['-t', 'wav', '-'] : [out]
  // -R: repeatable dither and noise, so a seed gives the same corpus (and the default model) byte for byte
  const sox = spawn('sox', ['-V1', '-R', '-t', 'wav', '-', '-b', '16', '-c', '1', ...soxOut, ...soxEffects], { stdio: ['pipe', avi ? 'pipe' : 'ignore', 'pipe'] })
  espeak.stdout!.pipe(sox.stdin!)
  sox.stdin!.on('error', () => undefined)
  const waits = [waitFor(espeak, 'espeak-ng', err), waitFor(sox, 'sox', err)]
  if (avi) {
    const ff = spawn(
      'ffmpeg',
      ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0x505050:s=64x48:r=10', '-f', 'wav', '-i', 'pipe:0',
        '-map', '0:v', '-map', '1:a', '-shortest', '-c:v', 'mjpeg', '-q:v', '15', '-c:a', 'pcm_s16le', '-f', 'avi', out],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    )
    sox.stdout!.pipe(ff.stdin!)
    ff.stdin!.on('error', () => undefined)
    waits.push(waitFor(ff, 'ffmpeg', err))
  }
  await Promise.all(waits)
}

/** A tiny video-only MP4 (RAVDESS modality 02 files), for the importer to recognise and leave out. */
export async function renderVideoOnly(out: string): Promise<void> {
  const err = { text: '' }
  const ff = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=gray:s=32x24:r=5:d=0.4', '-c:v', 'mpeg4', out], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  await waitFor(ff, 'ffmpeg', err)
}

/** Runs tasks with at most `limit` in flight; stops starting new ones after the first failure. */
export async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failed: unknown = null
  const lane = async () => {
    while (failed === null && next < items.length) {
      const item = items[next++]
      try {
        await fn(item)
      } catch (e) {
        failed ??= e
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
  if (failed !== null) throw failed
}
