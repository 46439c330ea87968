/**
 * A clip name that fits, shortened in the middle: corpus names share their start
 * (folder, speaker) and differ at the end (take, emotion, extension), so the end is
 * kept longer than the start. The full name stays in the element's title.
 */
export function middleEllipsis(name: string, max = 38): string {
  if (max < 5) throw new RangeError(`middleEllipsis: max ${max} leaves nothing to show (at least 5)`)
  if (name.length <= max) return name
  const tail = Math.ceil((max - 1) * 0.6)
  const head = max - 1 - tail
  return `${name.slice(0, head)}…${name.slice(name.length - tail)}`
}

/**
 * The name the desk shows for a clip. In blind mode it is "clip <id>": corpus names carry
 * the label (CREMA-D "…_SAD_LO", RAVDESS's third field, a folder per emotion), so hiding
 * the corpus label means hiding the name too.
 */
export function shownName(clip: { id: number; relPath: string }, blind: boolean, max = 38): { text: string; title: string } {
  if (blind) return { text: `clip ${clip.id}`, title: 'blind mode: the file name is hidden (corpus names often carry the emotion)' }
  return { text: middleEllipsis(clip.relPath, max), title: clip.relPath }
}
