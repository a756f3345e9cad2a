"""
Golden values for test/stats, computed once with scipy and committed as stats-goldens.json.
Regenerate with:  python3 test/stats/goldens/make-goldens.py > test/stats/goldens/stats-goldens.json
(needs numpy + scipy; versions are recorded in the output's "provenance").
"""
import itertools, json, sys
import numpy as np
import scipy
from scipy import stats
from scipy.stats._resampling import _bca_interval

out = {"provenance": {
    "generator": "test/stats/goldens/make-goldens.py",
    "numpy": np.__version__, "scipy": scipy.__version__,
    "notes": "welch: scipy.stats.ttest_ind(equal_var=False); permutation: scipy.stats.permutation_test "
             "(independent, exact, statistic mean(x)-mean(y)); bootstrapExact: the full n^n bootstrap "
             "distribution of the mean enumerated with itertools.product, percentile ends via "
             "scipy.stats.quantile (linear), BCa levels via scipy.stats._resampling._bca_interval; "
             "bootstrapMonteCarlo: scipy.stats.bootstrap with 400000 resamples (compare with tolerance); "
             "fisher: scipy.stats.fisher_exact; wilson: scipy.stats.binomtest(...).proportion_ci('wilson'); "
             "tQuantile: scipy.stats.t.ppf."}}

# Welch: Wikipedia 'Welch's t-test' example data sets A1/A2, plus small hand-checkable sets.
welch_sets = [
    ("wikipedia-A1-A2",
     [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4],
     [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]),
    ("small-integers", [1, 2, 3, 4, 5], [3, 5, 7, 9, 11]),
    ("unequal-n", [0.81, 0.77, 0.92, 0.85], [0.70, 0.74, 0.69, 0.80, 0.72, 0.66]),
    ("five-seeds", [12.1, 11.8, 12.6, 12.0, 11.5], [10.9, 11.7, 10.2, 11.1, 10.8]),
]
out["welch"] = []
for name, a, b in welch_sets:
    r = stats.ttest_ind(a, b, equal_var=False)
    out["welch"].append({"name": name, "a": a, "b": b, "t": float(r.statistic), "df": float(r.df), "p": float(r.pvalue)})

def mdiff(x, y, axis):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)

perm_sets = [
    ("three-vs-three", [1.0, 2.0, 3.0], [4.0, 5.0, 6.0]),
    ("five-vs-five", [12.1, 11.8, 12.6, 12.0, 11.5], [10.9, 11.7, 10.2, 11.1, 10.8]),
    ("four-vs-six", [0.81, 0.77, 0.92, 0.85], [0.70, 0.74, 0.69, 0.80, 0.72, 0.66]),
    ("overlapping", [3.0, 1.0, 4.0, 1.0, 5.0], [9.0, 2.0, 6.0, 5.0, 3.0]),
    ("ties", [1.0, 1.0, 2.0], [1.0, 2.0, 2.0, 2.0]),
]
out["permutation"] = []
for name, a, b in perm_sets:
    r = stats.permutation_test((a, b), mdiff, permutation_type="independent", n_resamples=np.inf,
                               vectorized=True, alternative="two-sided")
    out["permutation"].append({"name": name, "a": a, "b": b, "diff": float(r.statistic), "p": float(r.pvalue),
                               "permutations": int(len(r.null_distribution))})

# Exact bootstrap of the mean: integer data so resample means tie exactly with the sample mean.
boot_sets = [
    ("three", [1.0, 2.0, 7.0]),
    ("four", [3.0, 8.0, 4.0, 10.0]),
    ("five-skewed", [2.0, 3.0, 3.0, 5.0, 13.0]),
    ("five", [10.0, 12.0, 9.0, 14.0, 11.0]),
]
out["bootstrapExact"] = []
for name, x in boot_sets:
    n = len(x)
    xs = np.array(x)
    dist = np.array([xs[list(idx)].sum() / n for idx in itertools.product(range(n), repeat=n)])
    rec = {"name": name, "values": x, "mean": float(xs.mean()), "resamples": int(len(dist))}
    for level in (0.95, 0.9):
        alpha = (1 - level) / 2
        pl = stats.quantile(dist, np.array([alpha, 1 - alpha]))
        a1, a2, ahat = _bca_interval((xs,), lambda s, axis: np.mean(s, axis=axis), axis=-1, alpha=alpha,
                                     theta_hat_b=dist[None, :] if False else dist, batch=None, xp=np)
        bl = stats.quantile(dist, np.array([float(a1), float(a2)]))
        rec[str(level)] = {"percentile": [float(pl[0]), float(pl[1])], "bca": [float(bl[0]), float(bl[1])],
                           "bcaLevels": [float(a1), float(a2)], "acceleration": float(ahat)}
    out["bootstrapExact"].append(rec)

mc_x = [4.2, 5.1, 3.9, 6.8, 5.5, 4.9, 7.7, 5.0, 4.4, 6.1, 9.3, 5.2]
out["bootstrapMonteCarlo"] = {"values": mc_x, "resamples": 400000}
for method in ("percentile", "BCa"):
    r = stats.bootstrap((mc_x,), np.mean, method=method, n_resamples=400000, rng=12345, confidence_level=0.95)
    out["bootstrapMonteCarlo"][method] = [float(r.confidence_interval.low), float(r.confidence_interval.high)]

fisher_tables = [[[5, 0], [0, 5]], [[4, 1], [1, 4]], [[3, 2], [1, 4]], [[0, 5], [0, 5]], [[1, 4], [5, 0]], [[2, 3], [2, 3]], [[7, 3], [1, 9]]]
out["fisher"] = [{"table": t, "p": float(stats.fisher_exact(t).pvalue)} for t in fisher_tables]

wilson_cases = [(0, 5), (1, 5), (3, 5), (5, 5), (12, 40)]
out["wilson"] = []
for k, n in wilson_cases:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    out["wilson"].append({"successes": k, "n": n, "low": float(ci.low), "high": float(ci.high)})

out["tQuantile"] = [{"p": p, "df": df, "t": float(stats.t.ppf(p, df))} for p, df in [(0.975, 4), (0.975, 10), (0.95, 2), (0.995, 30)]]

json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
