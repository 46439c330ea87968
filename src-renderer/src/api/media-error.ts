/**
 * Why a clip's audio did not load, in the server's words. The media URL carries the
 * session token, so it never goes into a message: the failed request is repeated
 * (no-store, so a stale 410 is not replayed from the cache) and its text is shown.
 */

/** Replaces any token=... query value by token=(hidden). */
export function redactToken(s: string): string {
  return s.replace(/([?&]token=)[^&\s"')]*/gi, '$1(hidden)')
}

const MAX_SHOWN = 500

export async function mediaProblem(url: string, original: unknown, fetchFn: typeof fetch = fetch): Promise<string> {
  try {
    const res = await fetchFn(url, { cache: 'no-store' })
    if (!res.ok) {
      const text = (await res.text()).trim().slice(0, MAX_SHOWN)
      return redactToken(text || `the server answered ${res.status} ${res.statusText}`)
    }
    return 'the browser could not decode the audio it received'
  } catch {
    return redactToken(original instanceof Error ? original.message : String(original))
  }
}
