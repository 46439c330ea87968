/**
 * The feature extractors' names, declared once: the model card, the live contract, the feature
 * service and the training data all take them from here.
 */
import { z } from 'zod'
import type { ArchitectureKind } from './losses'

export const EXTRACTOR_NAMES = ['egemaps', 'logmel'] as const
export const ExtractorNameSchema = z.enum(EXTRACTOR_NAMES)
export type ExtractorName = z.infer<typeof ExtractorNameSchema>

/** The features each network reads: the MLP the 88 eGeMAPS functionals, the CNN log-mel frames. */
export const EXTRACTOR_OF: Record<ArchitectureKind, ExtractorName> = { mlp: 'egemaps', cnn: 'logmel' }
