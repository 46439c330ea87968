/** The feature cache; its table and SQL are the store's (store/feature-cache.ts). */
export { cacheGet, cachePut, fromBlob, pruneStale, toBlob, type CachedFeature } from '../store/feature-cache'
