/** SQLite's CURRENT_TIMESTAMP ('YYYY-MM-DD HH:MM:SS') is UTC without a zone; ISO strings with a zone pass through. ms since the epoch, NaN when unreadable. */
export function parseStamp(s: string): number {
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`).getTime()
}
