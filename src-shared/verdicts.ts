/**
 * One colour per verdict, everywhere: report.html's text and tables, its plots, and the
 * Experiments view. Dark enough for text on white (contrast > 4.5:1); red and green differ
 * in lightness as well as hue, and the word is always written beside the colour.
 */
export const VERDICT_COLOURS = { supported: '#0a7d32', contradicted: '#b00020', inconclusive: '#8a6d00' } as const
export type VerdictName = keyof typeof VERDICT_COLOURS
