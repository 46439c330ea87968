/**
 * The training bench refuses a PyTorch reference that is not at its best (bench/train.bench.ts):
 * a reference (Netlib) BLAS or a BLAS it cannot name gives no ratio.
 */
import { describe, expect, it } from 'vitest'
import { describeBlas, unfairReference, type BlasInfo } from '../../../bench/train.bench'

const openblas: BlasInfo = {
  libs: ['/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so'],
  kind: 'OpenBLAS',
  config: 'OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64',
  core: 'Cooperlake',
  threads: 1,
}

describe('training bench reference', () => {
  it('accepts OpenBLAS and names it with its core and thread count', () => {
    expect(unfairReference(openblas)).toBeNull()
    expect(describeBlas(openblas)).toBe('OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64, core Cooperlake, 1 BLAS thread')
  })

  it('refuses the reference Netlib BLAS, an unknown BLAS and a reference that did not say', () => {
    const netlib: BlasInfo = { libs: ['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3'], kind: 'reference (Netlib)', config: null, core: null, threads: null }
    expect(unfairReference(netlib)).toMatch(/Netlib.*install libopenblas0-pthread/)
    expect(unfairReference({ ...netlib, libs: [], kind: 'unknown' })).toMatch(/not an optimised one/)
    expect(unfairReference(undefined)).toMatch(/did not report/)
  })
})
