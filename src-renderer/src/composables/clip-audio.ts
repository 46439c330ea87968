/**
 * Why a clip's audio did not load, for a player's error line: when the server finds the
 * file gone, its message and the dataset to relink; otherwise the media route's own
 * answer (api/media-error.ts). Neither ever shows the media URL, which carries the token.
 */
import { api } from '../api/client'
import { mediaProblem } from '../api/media-error'
import { clipAudioUrl } from '../api/client'

export type ClipAudioStatus = Awaited<ReturnType<typeof api.datasets.clipAudio.query>>

export async function explainClipError(clipId: number, original: unknown): Promise<{ message: string; missing: ClipAudioStatus | null }> {
  try {
    const status = await api.datasets.clipAudio.query({ clipId })
    if (status.missing && status.message) return { message: status.message, missing: status }
  } catch {
    // the status call failed too: the media route's answer below still says why
  }
  return { message: `cannot load the audio of clip ${clipId}: ${await mediaProblem(clipAudioUrl(clipId), original)}`, missing: null }
}
