# Run: /usr/bin/python3 scripts/gen-golden-experiments.py  (numpy + scipy; scipy 1.10 used)
# Reference values for src/core/experiments/experiments.golden.json: the special functions, Welch
# (scipy.stats.ttest_ind equal_var=False, CI from t.ppf), chi-square goodness of fit
# (scipy.stats.chisquare), Student t quantiles by mpmath (see below), Beta quantiles and P(B > A) by numerical integration (scipy.integrate.quad).
# Wald, Newcombe/Wilson and the delta-method formulas are written out below with scipy's norm.ppf.
import json
import numpy as np
from scipy import stats, special, integrate

rng = np.random.default_rng(20240607)
out = {}

out['normalCdf'] = [[x, float(stats.norm.cdf(x))] for x in [-37.5, -20.0, -8.0, -3.0, -1.959963984540054, -0.5, 0.0, 0.3, 1.0, 2.5, 6.0]]
out['normalQuantile'] = [[p, float(stats.norm.ppf(p))] for p in [1e-300, 1e-20, 1e-10, 1e-4, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999, 1 - 1e-10]]
out['tCdf'] = [[t, df, float(stats.t.cdf(t, df))] for t, df in [(-40.0, 1.0), (-3.0, 2.5), (-2.0, 5.0), (-1e-3, 10.0), (0.5, 3.0), (1.96, 30.0), (2.2, 123.4), (-4.0, 1e5), (8.0, 7.0), (1.5, 0.5)]]
# scipy 1.10's t.ppf (cephes stdtrit) is off by up to ~2e-9 relative (t.cdf(t.ppf(0.9, 30), 30) =
# 0.89999999953), so the quantile reference is the root of the CDF found by mpmath at 40 digits.
import mpmath
mpmath.mp.dps = 40
def t_ppf(p, df):
    p, df = mpmath.mpf(p), mpmath.mpf(df)
    cdf = lambda t: 1 - mpmath.betainc(df / 2, mpmath.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2 if t > 0 else mpmath.betainc(df / 2, mpmath.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2
    return float(mpmath.findroot(lambda t: cdf(t) - p, mpmath.mpf(stats.t.ppf(float(p), float(df)))))
out['tQuantile'] = [[p, df, t_ppf(p, df)] for p, df in [(0.975, 1.0), (0.975, 2.0), (0.975, 3.7), (0.995, 5.0), (0.025, 12.0), (0.9, 30.0), (0.975, 250.5), (0.975, 1e6), (1e-8, 4.0), (0.6, 0.8)]]
out['chiSquareSf'] = [[x, k, float(stats.chi2.sf(x, k))] for x, k in [(0.5, 1), (3.84, 1), (10.0, 2), (25.0, 3), (200.0, 4), (0.01, 5), (60.0, 40)]]
out['regularizedBeta'] = [[x, a, b, float(special.betainc(a, b, x))] for x, a, b in [(0.1, 2.0, 3.0), (0.5, 0.5, 0.5), (0.9, 10.0, 1.5), (0.999, 200.0, 0.5), (0.3, 1000.0, 2000.0), (0.02, 0.7, 40.0)]]
out['regularizedGammaP'] = [[a, x, float(special.gammainc(a, x))] for a, x in [(0.5, 0.1), (1.0, 2.0), (3.5, 1.0), (10.0, 12.0), (100.0, 90.0), (0.5, 30.0)]]

welch = []
for na, nb, ma, mb, sa, sb in [(12, 15, 1.0, 1.4, 1.0, 2.0), (200, 180, 10.0, 10.3, 3.0, 3.5), (5000, 5100, 0.0, 0.02, 1.0, 1.2), (3, 40, 2.0, 2.0, 0.5, 4.0)]:
    a = rng.normal(ma, sa, na); b = rng.normal(mb, sb, nb)
    r = stats.ttest_ind(b, a, equal_var=False)
    va, vb = a.var(ddof=1) / na, b.var(ddof=1) / nb
    df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))
    se = np.sqrt(va + vb); d = b.mean() - a.mean(); q = stats.t.ppf(0.975, df)
    welch.append({'a': {'n': na, 'mean': float(a.mean()), 'variance': float(a.var(ddof=1))},
                  'b': {'n': nb, 'mean': float(b.mean()), 'variance': float(b.var(ddof=1))},
                  't': float(r.statistic), 'pValue': float(r.pvalue), 'df': float(df), 'lower': float(d - q * se), 'upper': float(d + q * se)})
out['welch'] = welch

def wilson(x, n, z):
    p = x / n; den = 1 + z * z / n; c = (p + z * z / (2 * n)) / den
    h = z / den * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)); return max(0, c - h), min(1, c + h)

props = []
z = stats.norm.ppf(0.975)
for xa, na, xb, nb in [(10, 100, 18, 110), (0, 30, 3, 30), (480, 10000, 530, 10000), (29, 30, 30, 30)]:
    pa, pb = xa / na, xb / nb; d = pb - pa
    se = np.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb); cc = 0.5 * (1 / na + 1 / nb)
    la, ua = wilson(xa, na, z); lb, ub = wilson(xb, nb, z)
    pool = (xa + xb) / (na + nb); sp = np.sqrt(pool * (1 - pool) * (1 / na + 1 / nb))
    props.append({'counts': {'successesA': xa, 'nA': na, 'successesB': xb, 'nB': nb},
                  'wald': [d - z * se, d + z * se], 'waldCc': [d - z * se - cc, d + z * se + cc],
                  'newcombe': [d - np.sqrt((pb - lb) ** 2 + (ua - pa) ** 2), d + np.sqrt((ub - pb) ** 2 + (pa - la) ** 2)],
                  'pValue': float(2 * stats.norm.sf(abs(d / sp)))})
out['proportions'] = json.loads(json.dumps(props, default=float))

# Delta-method ratio: per-user orders (Poisson) and revenue (gamma per order).
ratios = []
for n, lam, price in [(2000, 1.2, 30.0), (2100, 1.25, 31.0)]:
    orders = rng.poisson(lam, n).astype(float)
    revenue = np.array([rng.gamma(2.0, price / 2.0, int(k)).sum() for k in orders])
    c = np.cov(revenue, orders, ddof=1)
    ratios.append({'n': n, 'meanNum': float(revenue.mean()), 'meanDen': float(orders.mean()), 'varNum': float(c[0, 0]), 'varDen': float(c[1, 1]), 'covNumDen': float(c[0, 1])})
def ratio_var(s):
    r = s['meanNum'] / s['meanDen']
    return r, (s['varNum'] - 2 * r * s['covNumDen'] + r * r * s['varDen']) / (s['n'] * s['meanDen'] ** 2)
(ra, va), (rb, vb) = ratio_var(ratios[0]), ratio_var(ratios[1])
out['ratio'] = {'a': ratios[0], 'b': ratios[1], 'ratioA': ra, 'ratioB': rb, 'seDifference': float(np.sqrt(va + vb)),
                'seLift': float(np.sqrt(vb / ra ** 2 + rb ** 2 * va / ra ** 4))}

srm = []
for obs, w in [([5000, 5100], [1, 1]), ([5000, 5300], [1, 1]), ([1000, 2100, 2900], [1, 2, 3]), ([10, 30], [1, 1])]:
    e = np.array(w) / sum(w) * sum(obs)
    r = stats.chisquare(obs, e)
    srm.append({'observed': obs, 'weights': w, 'statistic': float(r.statistic), 'pValue': float(r.pvalue)})
out['srm'] = srm

bayes = []
for xa, na, xb, nb in [(10, 100, 15, 100), (120, 1000, 150, 1000), (3, 20, 2, 25)]:
    aA, bA, aB, bB = 1 + xa, 1 + na - xa, 1 + xb, 1 + nb - xb
    p = integrate.quad(lambda x: stats.beta.pdf(x, aA, bA) * stats.beta.sf(x, aB, bB), 0, 1, epsabs=1e-13, epsrel=1e-12, limit=500)[0]
    bayes.append({'a': [xa, na], 'b': [xb, nb], 'probBBeatsA': p,
                  'quantilesA': [float(stats.beta.ppf(0.025, aA, bA)), float(stats.beta.ppf(0.975, aA, bA))]})
out['bayes'] = bayes

# Assignment buckets, re-implemented here from the spec in src/core/experiments/assignment.ts, to
# show the hash is portable: FNV-1a 32 over UTF-16 code units of 'v1|len:part|...', murmur3 fmix32.
def utf16_units(text):
    b = text.encode('utf-16-le')
    return [b[i] | (b[i + 1] << 8) for i in range(0, len(b), 2)]
def fnv1a32(text):
    h = 0x811c9dc5
    for u in utf16_units(text):
        h ^= u
        h = (h * 0x01000193) & 0xffffffff
    return h
def fmix32(h):
    h ^= h >> 16; h = (h * 0x85ebca6b) & 0xffffffff
    h ^= h >> 13; h = (h * 0xc2b2ae35) & 0xffffffff
    h ^= h >> 16; return h
def bucket(exp, version, unit, salt=''):
    parts = ['assign', exp, 'v%d' % version, salt, unit]
    text = 'v1' + ''.join('|%d:%s' % (len(utf16_units(p)), p) for p in parts)
    return fmix32(fnv1a32(text)) / 2 ** 32
out['assignment'] = [[e, v, u, s, bucket(e, v, u, s)] for e, v, u, s in [
    ('home-hero', 1, 'user-0', ''), ('home-hero', 1, 'user-1', ''), ('home-hero', 2, 'user-1', ''),
    ('home-hero', 1, 'anon:7f3a', 'salt'), ('checkout', 7, '\u00e9\U0001F642', ''), ('', 0, '', '')]]

with open('src/core/experiments/experiments.golden.json', 'w') as f:
    json.dump(out, f, indent=1)
print('wrote src/core/experiments/experiments.golden.json')
