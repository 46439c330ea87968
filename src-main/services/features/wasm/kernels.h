/* Shared by the feature kernels (compiled by scripts/build-wasm.mjs). */
#include <wasm_simd128.h>
#define EXPORT(name) __attribute__((export_name(name)))
