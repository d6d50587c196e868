#!/usr/bin/python3
"""Plot simulated against observed counts for a result with a /validation group.

    /usr/bin/python3 analysis/plot_validation.py OUT.h5 [-o OUTDIR]

Writes OUTDIR/validation.png (default OUTDIR: OUT_plots next to the file): one panel
per observed region (simulated solid, observed dots) and a last panel with the daily
error, rescaled and unrescaled; the title gives both averaged relative differences
(ARD, Flee's measure: docs/FLEE.md). Prints the path and the ARDs. Exits with
status 1 for a missing or incomplete file, or one without validation data.
"""
import argparse
import os
import sys

import numpy as np

import mfresult


def stored_ard(value):
    """The stored ARD to 4 decimals, or 'not stored' for a file without the attribute."""
    return "not stored" if value is None else f"{float(value):.4f}"


def main(argv=None):
    ap = argparse.ArgumentParser(description="Plot simulated vs observed counts (validation).")
    ap.add_argument("result", help="migflow output file (.h5) with a /validation group")
    ap.add_argument("-o", "--outdir", help="directory for the PNG (default: <result>_plots)")
    a = ap.parse_args(argv)
    try:
        r = mfresult.load(a.result, need_validation=True)
    except mfresult.ResultError as e:
        print(f"plot_validation.py: error: {e}", file=sys.stderr)
        return 1
    v = r.validation
    K = len(v["name"])
    # The ARDs as migflow stored them (docs/OUTPUT.md "/validation"), never recomputed here.
    ard_r, ard_u = stored_ard(v["ard_rescaled"]), stored_ard(v["ard_unrescaled"])

    plt = mfresult.setup_matplotlib()
    panels = K + 1
    ncol = min(4, panels)
    nrow = int(np.ceil(panels / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.0 * nrow + 0.6), squeeze=False,
                             sharex=True)
    d = r.dates
    for k in range(K):
        ax = axes[k // ncol][k % ncol]
        obs = v["observed"][:, k]
        sim = v["simulated"][:, k]
        ax.plot(d, sim, color="tab:blue", label="simulated")
        shown = np.isfinite(obs)
        ax.plot(d[shown], obs[shown], ".", ms=3, color="k", label="observed")
        ax.set_title(v["name"][k])
        ax.set_ylabel("people")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(mfresult.people_formatter())
        mfresult.date_axis(ax)
        if k == 0:
            ax.legend(frameon=False)
    ax = axes[K // ncol][K % ncol]
    ax.plot(d, v["error_rescaled"], color="tab:green", label=f"rescaled (mean {ard_r})")
    ax.plot(d, v["error_unrescaled"], color="tab:red", label=f"unrescaled (mean {ard_u})")
    ax.set_title("Daily error (averaged relative difference)")
    ax.set_ylabel("ARD (1)")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False)
    mfresult.date_axis(ax)
    for k in range(panels, nrow * ncol):
        axes[k // ncol][k % ncol].set_visible(False)
        # sharex hid the date labels of the panel above an empty slot: show them again
        axes[k // ncol - 1][k % ncol].xaxis.set_tick_params(labelbottom=True)
    fig.suptitle(f"{r.name}: simulated vs observed, ARD rescaled {ard_r}, unrescaled {ard_u}")
    fig.tight_layout()
    out = a.outdir or os.path.splitext(a.result)[0] + "_plots"
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "validation.png")
    fig.savefig(path)
    plt.close(fig)
    print(f"ARD rescaled {ard_r}, unrescaled {ard_u} over {K} observed regions")
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
