/** Read side of the labelling service: the SQL is the store's (store/label-queries.ts). */
export { labelClips, liveRows, progress, requireDataset, unlabelledClips, wholeClipLabelsByAnnotator, type ExportRow } from '../store/label-queries'
