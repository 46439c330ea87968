/**
 * The contrastive loss of a pair batch (Hadsell, Chopra & LeCun 2006; model/losses.ts
 * contrastivePairs) with its gradient, as one loop over embeddings held in plain arrays: for the
 * fused MLP step on wasm (model/step.ts), where the ~60 kernel dispatches of the composed loss
 * and its gradient cost more than the arithmetic on [2P, 64] floats. Same formula:
 * d = sqrt(|a - b|^2 + 1e-9), term = y d^2 + (1 - y) max(0, m - d)^2, loss = mean;
 * activity = y d + (1 - y) max(0, m - d) (active above ACTIVE_THRESHOLD).
 */

/**
 * e: [U, D] embeddings; pair p joins rows ia[p] and ib[p] (pairs share items: each item is embedded
 * once); same[p] = 1 for a same-class pair. Adds dL/de into de (zeroed by the caller; an item in
 * several pairs gets the sum) and returns the loss and the share of active pairs.
 */
export function contrastiveHead(
  e: Float32Array,
  ia: ArrayLike<number>,
  ib: ArrayLike<number>,
  same: ArrayLike<number>,
  D: number,
  margin: number,
  threshold: number,
  de: Float32Array,
): { loss: number; active: number } {
  const P = same.length
  let loss = 0
  let active = 0
  for (let p = 0; p < P; p++) {
    const a = ia[p] * D
    const b = ib[p] * D
    let s = 0
    for (let k = 0; k < D; k++) {
      const t = e[a + k] - e[b + k]
      s += t * t
    }
    const d = Math.sqrt(s + 1e-9)
    const y = same[p]
    const hinge = Math.max(0, margin - d)
    loss += y * d * d + (1 - y) * hinge * hinge
    if (y * d + (1 - y) * hinge > threshold) active++
    // dL/dd = (2 y d - 2 (1 - y) hinge) / P; dd/da = (a - b) / d
    const g = (2 * y * d - (hinge > 0 ? 2 * (1 - y) * hinge : 0)) / P / d
    for (let k = 0; k < D; k++) {
      const t = (e[a + k] - e[b + k]) * g
      de[a + k] += t
      de[b + k] -= t
    }
  }
  return { loss: loss / P, active: active / Math.max(1, P) }
}
