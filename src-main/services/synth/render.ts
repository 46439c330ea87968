/** Runs espeak-ng | sox (| ffmpeg for AVI) for one clip, with no shell in between. */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { encodeWav16 } from '../audio/index'

function waitFor(child: ChildProcess, name: string, errOut: { text: string }): Promise<void> {
  child.stderr?.on('data', (d) => (errOut.text += `${name}: ${d}`))
  return new Promise((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          e.code === 'ENOENT' ? `${name} is not installed (the corpus generator needs espeak-ng, sox and, for eNTERFACE, ffmpeg)` : `${name}: ${e.message}`,
        ),
      ),
    )
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}: ${errOut.text.trim().slice(-400)}`))))
  })
}

/** espeak-ng args -> sox effects -> mono float samples at `rate` (the effects must end at that rate). */
export async function renderVoice(espeakArgs: string[], soxEffects: string[], rate: number): Promise<Float32Array> {
  const err = { text: '' }
  const espeak = spawn('espeak-ng', espeakArgs, { stdio: ['ignore', 'pipe', 'pipe'] })
  // -R: repeatable dither and noise, so a seed gives the same corpus (and the default model) byte for byte
  const sox = spawn(
    'sox',
    ['-V1', '-R', '-t', 'wav', '-', '-t', 'raw', '-e', 'floating-point', '-b', '32', '-c', '1', '-r', String(rate), '-', ...soxEffects],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  )
  espeak.stdout!.pipe(sox.stdin!)
  sox.stdin!.on('error', () => undefined)
  const chunks: Buffer[] = []
  sox.stdout!.on('data', (d: Buffer) => chunks.push(d))
  await Promise.all([waitFor(espeak, 'espeak-ng', err), waitFor(sox, 'sox', err)])
  const b = Buffer.concat(chunks)
  // copy into an aligned buffer (little-endian floats, as sox writes them on every platform we run on)
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + (b.length & ~3)))
}

/**
 * 16-bit mono WAV at `out`, or an AVI (64x48 MJPEG video + PCM audio) when
 * `avi`. The AVI is bit-exact for given samples: the video's length comes from
 * the audio's (not from when the pipe closes), and no encoder version is written.
 */
export async function writeClip(samples: Float32Array, rate: number, out: string, avi: boolean): Promise<void> {
  const wav = encodeWav16(samples, rate)
  if (!avi) return fs.promises.writeFile(out, wav)
  const err = { text: '' }
  const dur = (samples.length / rate).toFixed(6)
  const ff = spawn(
    'ffmpeg',
    ['-nostdin', '-v', 'error', '-y', '-threads', '1', '-f', 'lavfi', '-i', `color=c=0x505050:s=64x48:r=10:d=${dur}`, '-f', 'wav', '-i', 'pipe:0',
      '-map', '0:v', '-map', '1:a', '-t', dur, '-c:v', 'mjpeg', '-q:v', '15', '-c:a', 'pcm_s16le',
      '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1', '-f', 'avi', out],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  )
  ff.stdin!.on('error', () => undefined)
  ff.stdin!.end(wav)
  await waitFor(ff, 'ffmpeg', err)
}

/**
 * espeak-ng args -> sox effects (ending with `rate -v R ...`) -> a clean clip at
 * `out`, `levelDb` below the plan's peak (the `clean` preset's level), with no
 * channel. For callers that render single clips (the live tests' speech streams).
 */
export async function renderClip(espeakArgs: string[], soxEffects: string[], out: string, avi: boolean, levelDb = -9): Promise<void> {
  const at = soxEffects.indexOf('rate')
  const rate = Number(soxEffects[at + 2])
  if (at < 0 || soxEffects[at + 1] !== '-v' || !Number.isInteger(rate)) throw new Error('renderClip: the sox effects must include `rate -v RATE`')
  const x = await renderVoice(espeakArgs, soxEffects, rate)
  const g = 10 ** (levelDb / 20)
  await writeClip(x.map((v) => v * g), rate, out, avi)
}

/** A tiny video-only MP4 (RAVDESS modality 02 files), for the importer to recognise and leave out. */
export async function renderVideoOnly(out: string): Promise<void> {
  const err = { text: '' }
  const ff = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-threads', '1', '-f', 'lavfi', '-i', 'color=c=gray:s=32x24:r=5:d=0.4', '-c:v', 'mpeg4',
    '-fflags', '+bitexact', '-flags:v', '+bitexact', '-map_metadata', '-1', out], {
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
