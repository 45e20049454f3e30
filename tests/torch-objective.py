#!/usr/bin/python3
"""Checks the C engine's style-transfer objective and its gradient against an
independent float64 PyTorch evaluation of the same model (tests/tfjs_torch.py)
and the losses of docs/losses.md. Used by test-vgg19.c.

usage: torch-objective.py MODEL_JSON DIR

DIR holds params.json (width, height, weights, layer names, the engine's loss
terms, coordinates to probe) and raw little-endian float64 HWC arrays x.f64
(the image), content.f64 and style.f64 (both at the working size, so that the
engine does not resample them) and grad.f64 (the engine's gradient at x).

Compares: the loss terms (relative 1e-4); the whole gradient against torch
autograd (relative L2 < 1e-3); and at the probe coordinates against central
differences of the float64 objective (step 1e-6, relative error < 1e-3 of
max(|g|, a tenth of the rms gradient)). Exit 0 if all hold, 1 if not, 77 if
torch is missing.
"""

import json
import os
import sys

SKIP = 77
FD_STEP = 1e-6


def main():
    model_json, folder = sys.argv[1:3]
    try:
        import numpy as np
        import torch
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import tfjs_torch
    except ImportError as e:
        print("torch reference unavailable: %s" % e)
        return SKIP

    with open(os.path.join(folder, "params.json"), encoding="utf-8") as f:
        p = json.load(f)
    h, w = p["height"], p["width"]

    def read(name):
        data = np.fromfile(os.path.join(folder, name), dtype="<f8").reshape(h, w, 3)
        return torch.from_numpy(np.ascontiguousarray(data.transpose(2, 0, 1)))[None]

    x, content, style, engine_grad = (read(n) for n in ("x.f64", "content.f64", "style.f64", "grad.f64"))
    model = tfjs_torch.load_model(model_json).double()
    style_layers, content_layers = p["style_layers"], p["content_layers"]
    with torch.no_grad():
        style_grams = {n: tfjs_torch.gram(t) for n, t in
                       model(tfjs_torch.preprocess(style), style_layers).items()}
        content_targets = model(tfjs_torch.preprocess(content), content_layers)

    def objective(rgb):
        feats = model(tfjs_torch.preprocess(rgb), list(dict.fromkeys(style_layers + content_layers)))
        terms = {
            "content": p["content_weight"] * sum(torch.mean((feats[n] - content_targets[n]) ** 2)
                                                 for n in content_layers),
            "style": p["style_weight"] * sum(torch.mean((tfjs_torch.gram(feats[n]) - style_grams[n]) ** 2)
                                             for n in style_layers),
            "tv": p["tv_weight"] * tfjs_torch.tv_loss(rgb, p["tv_epsilon"]),
        }
        return sum(terms.values()), terms

    failures = 0
    xg = x.clone().requires_grad_(True)
    total, terms = objective(xg)
    total.backward()
    for name, value in terms.items():
        rel = abs(p["engine_" + name] - value.item()) / abs(value.item())
        ok = rel < 1e-4
        failures += not ok
        print("%s %s loss: engine %.9g, torch %.9g, rel. error %.2g" % (
            "ok" if ok else "FAIL", name, p["engine_" + name], value.item(), rel))

    g = engine_grad.flatten().numpy()
    ref = xg.grad.flatten().numpy()
    l2 = np.linalg.norm(g - ref) / np.linalg.norm(ref)
    ok = l2 < 1e-3
    failures += not ok
    print("%s gradient vs autograd: relative L2 error %.3g over %d values" % ("ok" if ok else "FAIL", l2, g.size))

    floor = 0.1 * np.sqrt(np.mean(g * g))
    flat = x.flatten()
    with torch.no_grad():
        for coord in p["coords"]:
            # coord indexes the engine's HWC layout; torch's is CHW.
            y, rest = divmod(coord, w * 3)
            col, c = divmod(rest, 3)
            index = (c * h + y) * w + col
            values = []
            for step in (FD_STEP, -FD_STEP):
                xp = flat.clone()
                xp[index] += step
                values.append(objective(xp.reshape(x.shape))[0].item())
            fd = (values[0] - values[1]) / (2 * FD_STEP)
            err = abs(g[index] - fd) / max(abs(g[index]), abs(fd), floor)
            ok = err < 1e-3
            failures += not ok
            print("%s coordinate %d: engine %.7g, float64 central difference %.7g, rel. error %.2g" % (
                "ok" if ok else "FAIL", coord, g[index], fd, err))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
