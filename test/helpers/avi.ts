/** Small AVI files for the tests, made by ffmpeg from its generated sources (no input files). */
import { execFileSync } from 'node:child_process'

export interface ToneAvi {
  /** Length in seconds of the sound and of the picture. */
  seconds: number
  /** Sample rate of the 440 Hz sine. */
  rate: number
  /** Frame rate of the grey 32x24 MJPEG picture. */
  fps: number
  /** ffmpeg audio codec, e.g. pcm_s16le or pcm_alaw. */
  audio: string
  /** Audio channels (ffmpeg's default, mono, when not given). */
  channels?: number
}

/** Writes `file`: a 440 Hz sine in codec `o.audio` beside a grey MJPEG picture. */
export function writeToneAvi(file: string, o: ToneAvi): void {
  const sine = `sine=f=440:r=${o.rate}:d=${o.seconds}`
  const picture = `color=c=gray:s=32x24:r=${o.fps}:d=${o.seconds}`
  const channels = o.channels === undefined ? [] : ['-ac', String(o.channels)]
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', sine, '-f', 'lavfi', '-i', picture, ...channels, '-c:a', o.audio, '-c:v', 'mjpeg', file])
}
