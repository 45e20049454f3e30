#!/usr/bin/python3
"""Compares the C engine's layer activations with an independent PyTorch
reading of the same tfjs weights (tests/tfjs_torch.py). Prints TAP.

usage: test-torch-reference.py DUMP_TOOL MODEL_JSON IMAGE
           [--layers a,b,c] [--size WxH] [--tolerance T] [--classify PHOTO]

The image is shrunk with PIL to a small PNG in a temp dir; both sides read
that PNG losslessly (pixel / 255). Exit 77 (skip) without weights or torch;
a missing image is a failure (the set-up fetches it: .ci/fetch-test-images).
"""

import argparse
import os
import subprocess
import sys
import tempfile

SKIP = 77
RESNET_LAYERS = "activation,activation_9,activation_21,activation_39"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dump_tool")
    parser.add_argument("model_json", help="a model.json, or 'default' for the engine's default weights")
    parser.add_argument("image")
    parser.add_argument("--layers", default=RESNET_LAYERS, help="comma-separated layer names")
    parser.add_argument("--size", default="96x64", help="WxH of the test image")
    parser.add_argument("--tolerance", type=float, default=1e-4, help="max |a-b| / max |b|")
    parser.add_argument("--classify", metavar="PHOTO", help="also print torch's top-1 fc1000 class of PHOTO at 224x224")
    return parser.parse_args()


def default_weights():
    """The model.json the engine finds without flags (see engine/ns-weights.c)."""
    env = os.environ.get("NEURAL_STYLE_WEIGHTS")
    if env:
        return os.path.join(env, "model.json") if os.path.isdir(env) else env
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(data, "neural-style", "resnet50", "model.json")


def skip_all(reason):
    print("1..0 # SKIP %s" % reason)
    sys.exit(SKIP)


def run_dump_tool(tool, model_json, png, layer, out_path):
    """Returns the C engine's (H, W, C) float32 activations of layer."""
    import numpy as np
    proc = subprocess.run([tool, "--weights", model_json, "--image", png, "--layer", layer, "--output", out_path],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (os.path.basename(tool), proc.returncode, proc.stderr.strip()))
    h, w, c = (int(v) for v in proc.stdout.split()[:3])
    data = np.fromfile(out_path, dtype="<f4")
    if data.size != h * w * c:
        raise RuntimeError("dump has %d floats, expected %d x %d x %d" % (data.size, h, w, c))
    return data.reshape(h, w, c)


def compare(name, c_side, torch_side, tolerance):
    """Returns (passed, diagnostic line)."""
    import numpy as np
    if c_side.shape != torch_side.shape:
        return False, "shape C %s vs torch %s" % (c_side.shape, torch_side.shape)
    ref = torch_side.astype(np.float64)
    diff = c_side.astype(np.float64) - ref
    scale = np.abs(ref).max()
    if scale == 0.0:
        return False, "torch activations are all zero (degenerate test)"
    max_rel = np.abs(diff).max() / scale
    l2_rel = np.linalg.norm(diff) / np.linalg.norm(ref)
    line = "%s %s: max|a-b|/max|b| = %.3g, relative L2 = %.3g, max|b| = %.4g" % (
        name, "x".join(map(str, ref.shape)), max_rel, l2_rel, scale)
    return bool(max_rel <= tolerance), line


def naive_stem(model, img):
    """Independent float64 numpy evaluation of the graph's stem (padding, the
    first convolution, batch norm, up to the first ReLU) with plain loops over
    kernel taps. Returns (layer name, HWC array). Checks tfjs_torch itself."""
    import numpy as np
    import tfjs_torch
    x = (img[:, :, ::-1] * 255.0 - np.array(tfjs_torch.CAFFE_MEAN_BGR)).astype(np.float64)
    name = next(n for n in model.order if not model.inputs[n])
    while True:
        name = next(n for n in model.order if model.inputs[n] == [name])
        layer = model.by_name[name]
        kind, cfg = layer["class_name"], layer["config"]
        if kind == "ZeroPadding2D":
            (top, bottom), (left, right) = cfg["padding"]
            x = np.pad(x, ((top, bottom), (left, right), (0, 0)))
        elif kind == "Conv2D":
            kernel = model.tensor(name, "kernel").numpy().transpose(2, 3, 1, 0).astype(np.float64)  # HWIO
            kh, kw, _, cout = kernel.shape
            sh, sw = cfg["strides"]
            if cfg["padding"] == "same":
                x = np.pad(x, ((kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))   # stride 1, odd kernel
            oh, ow = (x.shape[0] - kh) // sh + 1, (x.shape[1] - kw) // sw + 1
            out = np.zeros((oh, ow, cout)) + model.tensor(name, "bias").numpy()
            for i in range(kh):
                for j in range(kw):
                    out += x[i:i + sh * oh:sh, j:j + sw * ow:sw, :] @ kernel[i, j]
            x = np.maximum(out, 0.0) if cfg["activation"] == "relu" else out
            if cfg["activation"] == "relu":
                return name, x
        elif kind == "BatchNormalization":
            t = {k: model.tensor(name, k).numpy().astype(np.float64)
                 for k in ("gamma", "beta", "moving_mean", "moving_variance")}
            x = (x - t["moving_mean"]) / np.sqrt(t["moving_variance"] + cfg["epsilon"]) * t["gamma"] + t["beta"]
        elif kind == "Activation" and cfg["activation"] == "relu":
            return name, np.maximum(x, 0.0)
        else:
            raise ValueError("unexpected %s in the stem" % kind)


def classify(model, photo):
    import numpy as np
    from PIL import Image
    import tfjs_torch
    img = Image.open(photo).convert("RGB").resize((224, 224), Image.LANCZOS)
    probs = tfjs_torch.features(model, np.asarray(img, dtype=np.float32) / 255.0, ["fc1000"])["fc1000"]
    top = np.argsort(probs)[::-1][:5]
    print("# torch fc1000 on %s: top-1 class %d (p = %.3f); top-5 %s" % (
        os.path.basename(photo), top[0], probs[top[0]], ", ".join("%d" % i for i in top)))


def main():
    args = parse_args()
    if args.model_json == "default":
        args.model_json = default_weights()
    if not os.path.isfile(args.model_json):
        skip_all("no weights at %s" % args.model_json)
    if not os.path.isfile(args.image):
        print("1..0\nBail out! no test image at %s: .ci/setup fetches it (.ci/fetch-test-images)" % args.image)
        return 1
    try:
        import numpy as np
        from PIL import Image
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import tfjs_torch
    except ImportError as e:
        skip_all("python module missing: %s" % e)

    layers = [name for name in args.layers.split(",") if name]
    width, height = (int(v) for v in args.size.lower().split("x"))
    model = tfjs_torch.load_model(args.model_json)
    print("1..%d" % (len(layers) + 1))

    failures = 0
    with tempfile.TemporaryDirectory(prefix="ns-torch-ref-") as tmp:
        png = os.path.join(tmp, "input.png")
        Image.open(args.image).convert("RGB").resize((width, height), Image.LANCZOS).save(png)
        img = np.asarray(Image.open(png).convert("RGB"), dtype=np.float32) / 255.0
        reference = tfjs_torch.features(model, img, layers)
        for number, layer in enumerate(layers, start=1):
            try:
                c_side = run_dump_tool(args.dump_tool, args.model_json, png, layer, os.path.join(tmp, layer + ".f32"))
                passed, line = compare(layer, c_side, reference[layer], args.tolerance)
            except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as e:
                passed, line = False, "%s: %s" % (layer, e)
            print("%s %d - %s" % ("ok" if passed else "not ok", number, line))
            failures += 0 if passed else 1
        # The reference itself against a naive float64 evaluation of the stem.
        stem, expected = naive_stem(model, img)
        passed, line = compare(stem, tfjs_torch.features(model, img, [stem])[stem], expected, args.tolerance)
        print("%s %d - torch reference vs naive numpy, %s" % ("ok" if passed else "not ok", len(layers) + 1, line))
        failures += 0 if passed else 1

    if args.classify:
        classify(model, args.classify)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
