"""An independent re-analysis of an experiment's results.json: `python3 scripts/reanalyse_crossed.py RUN/results.json`.
Crossed bootstrap written from the design alone, not from services/experiment: folds resampled; bases
(source|pretrain_loss|pretrain_seed) resampled once per replicate and shared by every fold; support draws resampled
within each fold. Prints each pooled claim's interval beside the report's and the ratio of their widths."""
import json, sys, random, statistics
from collections import defaultdict

def load(p):
    return json.load(open(p))

def base_of(r):
    if r.get('pretrain_seed') is None: return None
    return f"{r['source']}|{r['pretrain_loss']}|{r['pretrain_seed']}"

def pairs_distance(recs, shots=None):
    key = lambda r: (base_of(r), r['frozen'], r['shots'], r['fold'], r['seed'])
    d = {}; c = {}
    for r in recs:
        if r['method'] != 'finetune': continue
        if shots is not None and r['shots'] != shots: continue
        (d if r['finetune_loss'] == 'distance' else c if r['finetune_loss'] == 'contrastive' else {})[key(r)] = r['uar']
    return [(k[3], k[0], k[4], d[k] - c[k]) for k in d if k in c]

def pairs_finetune(recs, shots=None):
    po = {(base_of(r), r['shots'], r['fold'], r['seed']): r['uar'] for r in recs if r['method'] == 'pretrained_only'}
    out = []
    for r in recs:
        if r['method'] != 'finetune' or (shots is not None and r['shots'] != shots): continue
        k = (base_of(r), r['shots'], r['fold'], r['seed'])
        if k in po: out.append((r['fold'], k[0], r['seed'], r['uar'] - po[k]))
    return out

def crossed(pairs, B=2000, seed=7):
    rng = random.Random(seed)
    folds = sorted({p[0] for p in pairs}); bases = sorted({p[1] for p in pairs}, key=str)
    draws = defaultdict(set); cells = defaultdict(list)
    for f, b, s, v in pairs:
        draws[f].add(s); cells[(f, b, s)].append(v)
    draws = {f: sorted(v) for f, v in draws.items()}
    cellmean = {k: statistics.fmean(v) for k, v in cells.items()}
    def stat(bw, dw):
        # a cell weighs (times its base was drawn) x (times its fold's draw was drawn, over every copy of the fold)
        num = den = 0.0
        for (f, b, s), m in cellmean.items():
            w = bw.get(b, 0) * dw.get((f, s), 0)
            num += w * m; den += w
        return num / den if den else None
    full = stat({b: 1 for b in bases}, {(f, s): 1 for f in folds for s in draws[f]})
    reps = []
    for _ in range(B):
        dw = defaultdict(int); bw = defaultdict(int)
        for b in (rng.choice(bases) for _ in bases): bw[b] += 1
        for f in (rng.choice(folds) for _ in folds):
            for s in (rng.choice(draws[f]) for _ in draws[f]): dw[(f, s)] += 1
        v = stat(bw, dw)
        if v is not None: reps.append(v)
    reps.sort()
    return full, (reps[int(0.025 * len(reps))], reps[int(0.975 * len(reps)) - 1]), len(folds), len(bases)

def label_of(r):
    # the variant names the report uses (services/experiment/variants.ts), rebuilt from the record's fields
    m = r['method']
    if m == 'finetune':
        return f"fine-tuned from {r['source']} (pre-trained {r['pretrain_loss']}, fine-tuned {r['finetune_loss']}, frozen {r['frozen']})"
    if m == 'pretrained_only': return f"pre-trained only on {r['source']} ({r['pretrain_loss']})"
    if m == 'target_only': return f"target only ({r['finetune_loss']})"
    if m == 'recommended': return f"recommended recipe on {r['source']} ({r['pretrain_loss']})"
    return m

def pairs_vs(recs, is_a, is_b, shots=None, by_base=True):
    # A minus B on the same fold, support draw and shots (and base, where both have one)
    key = lambda r: (base_of(r) if by_base else None, r['shots'], r['fold'], r['seed'])
    b = {key(r): r['uar'] for r in recs if is_b(r) and (shots is None or r['shots'] == shots)}
    out = []
    for r in recs:
        if not is_a(r) or (shots is not None and r['shots'] != shots): continue
        k = key(r)
        if k in b: out.append((r['fold'], base_of(r), r['seed'], r['uar'] - b[k]))
    return out

def show(name, pairs, effect, rep, verdict):
    if not pairs: return
    full, ci, nf, nb = crossed(pairs)
    w_ind = ci[1] - ci[0]; w_rep = (rep[1] - rep[0]) if rep else None
    print(f"{name}: independent {100*full:+.2f} [{100*ci[0]:+.2f}, {100*ci[1]:+.2f}] ({nf} folds, {nb} bases); "
          f"report {100*effect:+.2f} {'[%+.2f, %+.2f]' % (100*rep[0], 100*rep[1]) if rep else 'no interval'} {verdict}; "
          f"independent width / report width = {w_ind / w_rep if w_rep else float('nan'):.2f}")

def extra(r, recs):
    claims = {c['id']: c for c in r['claims']}
    c = claims.get('siamese-vs-softmax')
    if c and c.get('variant'):
        v = c['variant']
        show(f"siamese-vs-softmax ({v})", pairs_vs(recs, lambda x: label_of(x) == v, lambda x: x['method'] == 'softmax', by_base=False),
             c['effect'], c.get('ci'), c['verdict'])
    for var in (r.get('recommended') or {}).get('variants', []):
        for m in var['vsBestCandidate']:
            e = m['effect']
            if e.get('effect') is None: continue
            k = e['shots']
            show(f"{var['label']} - {m['best']}, {k} shots",
                 pairs_vs(recs, lambda x: label_of(x) == var['label'], lambda x: label_of(x) == m['best'], shots=k),
                 e['effect'], e.get('ci'), e['verdict'])

if __name__ == '__main__':
    r = load(sys.argv[1]); recs = r['records']
    claims = {c['id']: c for c in r['claims']}
    for cid, fn in (('distance-loss', pairs_distance), ('finetune-vs-pretrained', pairs_finetune)):
        c = claims.get(cid)
        if c: show(cid, fn(recs), c['effect'], c.get('ci'), c['verdict'])
    extra(r, recs)
