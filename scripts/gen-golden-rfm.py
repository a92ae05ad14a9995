# Run: /usr/bin/python3 scripts/gen-golden-rfm.py  (needs apt-get install -y python3-pandas)
# Reference for test/golden/rfm.cases.json: pandas ranks + qcut's edges over ranks 1..N.
import json, math
import numpy as np, pandas as pd

GRID = [
  ['new_customers','potential_loyalist','loyal_customers','champions','champions'],
  ['promising','potential_loyalist','loyal_customers','champions','champions'],
  ['about_to_sleep','need_attention','need_attention','loyal_customers','loyal_customers'],
  ['about_to_sleep','hibernating','at_risk','at_risk','at_risk'],
  ['lost','hibernating','at_risk','cant_lose_them','cant_lose_them'],
]
def to5(s, b): return math.ceil(5*(2*s-1)/(2*b))
def segment(r,f,m,b):
    r5=to5(r,b); fm=(to5(f,b)+to5(m,b))//2
    return GRID[5-r5][fm-1]

def buckets_for(values, B, ties, higher):
    s = pd.Series(values, dtype=float)
    N = len(s)
    if N == 0: return []
    if N == 1: return [1 if ties=='min' else math.ceil(B/2)]
    rank = s.rank(method=ties, ascending=higher)
    if s.nunique() == N:
        # distinct values: exactly qcut on ranks
        q = pd.qcut(s.rank(method='first', ascending=higher), B, labels=False) + 1
        edges = np.quantile(np.arange(1, N+1), np.linspace(0, 1, B+1))
        c = pd.cut(rank, edges, labels=False, include_lowest=True) + 1
        assert list(q) == list(c), (values, list(q), list(c))
        return [int(x) for x in q]
    edges = np.quantile(np.arange(1, N+1), np.linspace(0, 1, B+1))
    return [int(x) for x in pd.cut(rank, edges, labels=False, include_lowest=True) + 1]

def probe_score(v, values, buckets, B, higher):
    g = (lambda x: x) if higher else (lambda x: -x)
    if not values: return B
    best = max(values, key=g)
    if g(v) > g(best): return B
    below = [(g(x), b) for x, b in zip(values, buckets) if g(x) <= g(v)]
    if not below: return 1
    return max(below)[1]

def fit_case(name, population, config=None, probes=None, why=None, with_segments=True):
    cfg = {'buckets': 5, 'ties': 'average', 'onlyCustomers': True, **(config or {})}
    B, ties, only = cfg['buckets'], cfg['ties'], cfg['onlyCustomers']
    fitted = [p for p in population if not (p[0] is None and only)]
    rec_vals = [p[0] for p in fitted if p[0] is not None]
    rb = buckets_for(rec_vals, B, ties, False)
    fb = buckets_for([p[1] for p in fitted], B, ties, True)
    mb = buckets_for([p[2] for p in fitted], B, ties, True)
    fvals = [p[1] for p in fitted]; mvals = [p[2] for p in fitted]
    def score(p):
        if len(fitted) == 0: return None
        if p[0] is None and only: return None
        r = 1 if p[0] is None else probe_score(p[0], rec_vals, rb, B, False)
        f = probe_score(p[1], fvals, fb, B, True)
        m = probe_score(p[2], mvals, mb, B, True)
        return (r, f, m)
    sep = '-' if B > 9 else ''
    def fmt(t): return None if t is None else sep.join(str(x) for x in t)
    scores = [score(p) for p in population]
    case = {'name': name}
    if why: case['why'] = why
    case['config'] = cfg
    case['population'] = [{'recencyDays': p[0], 'frequency': p[1], 'monetary': p[2]} for p in population]
    expected = {'scores': [fmt(t) for t in scores]}
    if with_segments:
        expected['segments'] = [None if t is None else segment(*t, B) for t in scores]
    if probes is not None:
        case['probes'] = [{'recencyDays': p[0], 'frequency': p[1], 'monetary': p[2]} for p in probes]
        expected['probeScores'] = [fmt(score(p)) for p in probes]
    case['expected'] = expected
    return case

cases = []
distinct10 = [(i, 10 - i, 100 * (i + 1)) for i in range(10)]
cases.append(fit_case('pandas reference: 10 distinct customers, quintiles = qcut(rank(first), 5)', distinct10))
cases.append(fit_case('pandas reference: 7 distinct customers (unequal quintiles 2,1,1,1,2)',
    [(3.5, 2, 40.0), (0.2, 5, 310.5), (12, 1, 12.99), (40, 3, 75), (1.25, 8, 999), (90, 4, 18), (7, 6, 150)]))
cases.append(fit_case('pandas reference: 11 distinct customers, rank on an edge is right-closed',
    [(i * 2.5, i + 1, 10.0 * (11 - i)) for i in range(11)]))
uci = [(1, 1, 77183.6), (2, 7, 4310), (18, 4, 1797.24), (310, 1, 334.4), (36, 1, 1757.55), (204, 1, 689.49),
       (232, 1, 294.4), (214, 1, 1545.41), (22, 8, 2506.04), (3, 11, 5040.7), (4, 2, 2811.43), (58, 6, 2662.06),
       (372, 2, 168.9), (15, 1, 313.25), (3, 2, 3215.4), (10, 1, 1168.06), (101, 1, 148.2), (366, 1, 218.5),
       (8, 3, 892.4), (33, 1, 452.0)]
cases.append(fit_case('pandas reference: 20 customers shaped like UCI Online Retail (recency ties, 55% one-timers), average ties', uci))
cases.append(fit_case('pandas reference: the same 20 UCI-like customers, min ties', uci, {'ties': 'min'}))
retail = [(i * 3 + 1, 1, 20 + 7 * i) for i in range(14)] + [(5, 2, 120), (9, 2, 180), (2, 3, 260), (30, 2, 95), (1, 6, 700), (60, 4, 410)]
cases.append(fit_case('pandas reference: 70% one-time buyers, average ties put them all in F 2 (F 1 empty)', retail,
    why='mid-rank of ranks 1..14 of 20 is 7.5 → q = 6.5/19 → ceil(1.71) = 2'))
cases.append(fit_case('pandas reference: 70% one-time buyers, min ties put them all in F 1', retail, {'ties': 'min'}))
cases.append(fit_case('one customer, average ties: the middle bucket everywhere', [(5, 1, 50)],
    probes=[(5, 1, 50), (1, 2, 60), (9, 1, 10)]))
cases.append(fit_case('one customer, min ties: bucket 1, a better profile gets 5', [(5, 1, 50)], {'ties': 'min'},
    probes=[(1, 2, 60)]))
cases.append(fit_case('two customers: worst 1, best 5', [(1, 3, 300), (20, 1, 20)], probes=[(10, 2, 100), (0.5, 4, 301)]))
cases.append(fit_case('two customers tied in frequency', [(1, 1, 300), (20, 1, 20)]))
cases.append(fit_case('four customers: 1, 2, 4, 5', [(1, 4, 40), (2, 3, 30), (3, 2, 20), (4, 1, 10)]))
cases.append(fit_case('four customers, min ties, three tied', [(1, 1, 40), (2, 1, 30), (3, 1, 20), (4, 2, 10)], {'ties': 'min'}))
cases.append(fit_case('everyone identical, average: all 3', [(7, 2, 99.5)] * 6, probes=[(7, 2, 99.5), (8, 1, 99), (6, 3, 100)]))
cases.append(fit_case('everyone identical, min: all 1, a better profile gets 5', [(7, 2, 99.5)] * 6, {'ties': 'min'},
    probes=[(6, 3, 100)]))
cases.append(fit_case('non-customers are not scored (null) with onlyCustomers', [(None, 0, 0)] + distinct10[:5] + [(None, 0, 0)]))
cases.append(fit_case('non-customers are scored R 1 without onlyCustomers', [(None, 0, 0), (None, 0, 0)] + distinct10[:6],
    {'onlyCustomers': False}))
cases.append(fit_case('only non-customers: nothing to compare with, all null', [(None, 0, 0), (None, 0, 0)]))
cases.append(fit_case('net monetary can be negative (refunds)', [(3, 2, -40), (1, 1, 0), (9, 3, 120), (4, 1, -5), (2, 5, 60)]))
pop25 = [(((i * 37) % 25) * 1.5, 1 + (i * 7) % 6, round(10 + ((i * 53) % 25) * 13.7, 2)) for i in range(25)]
cases.append(fit_case('pandas reference: 3 buckets (terciles) on 25 customers', pop25, {'buckets': 3}))
cases.append(fit_case('pandas reference: 4 buckets (quartiles) on 25 customers', pop25, {'buckets': 4}))
cases.append(fit_case('pandas reference: 10 buckets (deciles), scores joined with "-"', pop25, {'buckets': 10}))
cases.append(fit_case('probes: unseen values score like their worse neighbour; beyond the best → top; below the worst → 1',
    distinct10, probes=[(-1, 11, 1001), (100, 0, 5), (1.5, 3.5, 250), (8.99, 9.5, 999)]))

names = [
  ('name: 555 is Champions', {'r': 5, 'f': 5, 'm': 5, 'buckets': 5}),
  ('name: 511 is New Customers', {'r': 5, 'f': 1, 'm': 1, 'buckets': 5}),
  ('name: 512 rounds FM 1.5 down: New Customers', {'r': 5, 'f': 1, 'm': 2, 'buckets': 5}),
  ('name: 411 is Promising', {'r': 4, 'f': 1, 'm': 1, 'buckets': 5}),
  ('name: 423 is Potential Loyalist', {'r': 4, 'f': 2, 'm': 3, 'buckets': 5}),
  ('name: 533 is Loyal Customers', {'r': 5, 'f': 3, 'm': 3, 'buckets': 5}),
  ('name: 322 is Need Attention', {'r': 3, 'f': 2, 'm': 2, 'buckets': 5}),
  ('name: 311 is About to Sleep', {'r': 3, 'f': 1, 'm': 1, 'buckets': 5}),
  ('name: 233 is At Risk', {'r': 2, 'f': 3, 'm': 3, 'buckets': 5}),
  ('name: 155 is Can\'t Lose Them', {'r': 1, 'f': 5, 'm': 5, 'buckets': 5}),
  ('name: 122 is Hibernating', {'r': 1, 'f': 2, 'm': 2, 'buckets': 5}),
  ('name: 111 is Lost', {'r': 1, 'f': 1, 'm': 1, 'buckets': 5}),
  ('name: 3 buckets, 333 rescales to 555: Champions', {'r': 3, 'f': 3, 'm': 3, 'buckets': 3}),
  ('name: 3 buckets, 222 rescales to 333: Need Attention', {'r': 2, 'f': 2, 'm': 2, 'buckets': 3}),
  ('name: 10 buckets, 10-1-2 rescales to R 5 FM 1: New Customers', {'r': 10, 'f': 1, 'm': 2, 'buckets': 10}),
  ('name: 4 buckets, 1-4-4 rescales to R 1 FM 5: Can\'t Lose Them', {'r': 1, 'f': 4, 'm': 4, 'buckets': 4}),
]
for name, score in names:
    b = score['buckets']
    r5 = to5(score['r'], b); fm = (to5(score['f'], b) + to5(score['m'], b)) // 2
    cases.append({'name': name, 'score': score, 'expected': {'key': GRID[5 - r5][fm - 1], 'cell': {'r': r5, 'fm': fm}}})
print(json.dumps(cases, indent=2))
