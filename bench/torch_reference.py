"""PyTorch reference for bench/train.bench.ts: the same Siamese architectures, batch,
loss (contrastive, margin 1) and optimiser (Adam, lr 1e-3) as the TensorFlow.js engine,
with pairs sampled from an in-memory dataset exactly like the engine's loop does.
Run with Debian's python3-torch: /usr/bin/python3 bench/torch_reference.py --arch mlp --threads 1
Prints one JSON line: pairs per second (wall time) and per CPU-second (time.process_time over the
warm-up and the measured steps), the process's peak RSS, the BLAS library PyTorch loaded
(read from /proc/self/maps after a matrix product: Debian's python3-torch takes the system's
libblas.so.3, which is the reference (Netlib) BLAS unless an optimised one such as
libopenblas0-pthread is installed), OpenBLAS's configuration, core and thread count, and
torch's intra-op thread count. bench/train.bench.ts refuses a ratio against a reference BLAS."""
import argparse, ctypes, json, os, resource, time
import numpy as np
import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument('--arch', choices=['mlp', 'cnn'], required=True)
p.add_argument('--pairs', type=int, default=64)
p.add_argument('--steps', type=int, default=50)
p.add_argument('--warmup', type=int, default=5)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--frames', type=int, default=128)
p.add_argument('--mels', type=int, default=64)
a = p.parse_args()
torch.set_num_threads(a.threads)


def blas_info():
    """Which BLAS this process multiplies with: the shared objects mapped after a matmul."""
    (torch.ones(8, 8) @ torch.ones(8, 8)).sum()
    libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if len(l.split()) >= 6 and any(k in l.split()[-1] for k in ('blas', 'mkl_', 'blis'))})
    info = {'libs': libs, 'kind': 'unknown', 'config': None, 'core': None, 'threads': None}
    if any('openblas' in p for p in libs):
        info['kind'] = 'OpenBLAS'
        for p in libs:
            try:
                lib = ctypes.CDLL(p)
                f = lib.openblas_get_config
                f.restype = ctypes.c_char_p
                g = lib.openblas_get_corename
                g.restype = ctypes.c_char_p
                info.update(config=f().decode(), core=g().decode(), threads=lib.openblas_get_num_threads())
                break
            except (OSError, AttributeError):
                continue
    elif any('mkl_' in p for p in libs):
        info['kind'] = 'MKL'
    elif any('blis' in p for p in libs):
        info['kind'] = 'BLIS'
    elif any(p.endswith('/blas/libblas.so.3') or 'libblas.so' in p for p in libs):
        # Debian's alternative /usr/lib/<arch>/blas/libblas.so.3 is the Netlib reference implementation
        info['kind'] = 'reference (Netlib)'
    return info


blas = blas_info()
torch.manual_seed(1)
rng = np.random.default_rng(1)

if a.arch == 'mlp':
    net = nn.Sequential(nn.Linear(88, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 64))
    data = torch.randn(2000, 88)
else:
    net = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 64))
    data = torch.randn(200, 1, a.frames, a.mels)
labels = rng.integers(0, 6, len(data))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)

def step():
    ia = rng.integers(0, len(data), a.pairs)
    ib = rng.integers(0, len(data), a.pairs)
    same = torch.from_numpy((labels[ia] == labels[ib]).astype(np.float32))
    x = data[np.concatenate([ia, ib])]
    e = net(x)
    ea, eb = e[:a.pairs], e[a.pairs:]
    d = torch.sqrt(((ea - eb) ** 2).sum(1) + 1e-9)
    loss = (same * d ** 2 + (1 - same) * torch.clamp(1.0 - d, min=0) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss

c0 = time.process_time()
for _ in range(a.warmup):
    step()
t = time.perf_counter()
total = torch.zeros(())
for _ in range(a.steps):
    total = total + step().detach()
float(total)
dt = time.perf_counter() - t
dc = time.process_time() - c0
print(json.dumps({'arch': a.arch, 'pairsPerSecond': a.pairs * a.steps / dt, 'cpuPairsPerSecond': a.pairs * (a.warmup + a.steps) / dc, 'peakRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas,
                  'env': {k: os.environ.get(k) for k in ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS')}}))
