/**
 * The 88 eGeMAPS v02 functionals, named and ordered exactly as openSMILE 3.x
 * writes them (config/egemaps/v02/eGeMAPSv02.conf, `opensmile` Python package
 * FeatureSet.eGeMAPSv02, FeatureLevel.Functionals), so a user can line our
 * vectors up column by column with an openSMILE CSV.
 */
const meanStd = (lld: string) => [`${lld}_amean`, `${lld}_stddevNorm`]
const full = (lld: string) => [
  `${lld}_amean`,
  `${lld}_stddevNorm`,
  `${lld}_percentile20.0`,
  `${lld}_percentile50.0`,
  `${lld}_percentile80.0`,
  `${lld}_pctlrange0-2`,
  `${lld}_meanRisingSlope`,
  `${lld}_stddevRisingSlope`,
  `${lld}_meanFallingSlope`,
  `${lld}_stddevFallingSlope`,
]

export const EGEMAPS_NAMES: string[] = [
  ...full('F0semitoneFrom27.5Hz_sma3nz'),
  ...full('loudness_sma3'),
  ...meanStd('spectralFlux_sma3'),
  ...[1, 2, 3, 4].flatMap((i) => meanStd(`mfcc${i}_sma3`)),
  ...meanStd('jitterLocal_sma3nz'),
  ...meanStd('shimmerLocaldB_sma3nz'),
  ...meanStd('HNRdBACF_sma3nz'),
  ...meanStd('logRelF0-H1-H2_sma3nz'),
  ...meanStd('logRelF0-H1-A3_sma3nz'),
  ...[1, 2, 3].flatMap((i) => [
    ...meanStd(`F${i}frequency_sma3nz`),
    ...meanStd(`F${i}bandwidth_sma3nz`),
    ...meanStd(`F${i}amplitudeLogRelF0_sma3nz`),
  ]),
  ...meanStd('alphaRatioV_sma3nz'),
  ...meanStd('hammarbergIndexV_sma3nz'),
  ...meanStd('slopeV0-500_sma3nz'),
  ...meanStd('slopeV500-1500_sma3nz'),
  ...meanStd('spectralFluxV_sma3nz'),
  ...[1, 2, 3, 4].flatMap((i) => meanStd(`mfcc${i}V_sma3nz`)),
  'alphaRatioUV_sma3nz_amean',
  'hammarbergIndexUV_sma3nz_amean',
  'slopeUV0-500_sma3nz_amean',
  'slopeUV500-1500_sma3nz_amean',
  'spectralFluxUV_sma3nz_amean',
  'loudnessPeaksPerSec',
  'VoicedSegmentsPerSec',
  'MeanVoicedSegmentLengthSec',
  'StddevVoicedSegmentLengthSec',
  'MeanUnvoicedSegmentLength',
  'StddevUnvoicedSegmentLength',
  'equivalentSoundLevel_dBp',
]

/** Index of each name in EGEMAPS_NAMES. */
export const EGEMAPS_INDEX: Record<string, number> = Object.fromEntries(EGEMAPS_NAMES.map((n, i) => [n, i]))
