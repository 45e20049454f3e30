"""painted_metrics: how a full-size result looks at 100% and as a whole
(issue 20's targets T1-T4 and T6), computed independently of the engine
(numpy and PyTorch; the texture Grams through tests/tfjs_torch.py).

  copy  Pearson correlation over all pixels of the fine bands of result and
        content; band = Gaussian(sigma 1) - Gaussian(sigma 2) of the
        luminance 0.299R + 0.587G + 0.114B (0-255)                    [T1 <= 0.5]
  fine  std of the result's band / std of the content's band          [T2 >= 0.5]
  tex   sum over ResNet-50's `activation` (conv1's ReLU) and
        `activation_9` (the end of stage 2) of |Gr - Gs|^2_F / |Gs|^2_F,
        G the mean Gram F F^T / (C H W) over 12 random 256x256 crops: the
        result's at 100%, the style image's at its own resolution      [T3 <= 1.25x G'MIC's]
  whole the result scaled down (Lanczos) to our 512 px result's size:
        mean CIELAB Delta E (1976) and the luminance's SSIM (Gaussian
        window, sigma 1.5) against it                                  [T4 dE <= 10, SSIM >= 0.6]
  border per side, mean |result - content| (0-255, RGB) over the outer
        5 px rows/columns over that over the 20 px just inside them    [T6 <= 1.3]

Run as a program: painted_metrics.py --content C --style S --result R
[--reference R512] [--weights W] prints one line per measure.
"""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
import tfjs_torch  # noqa: E402

Image.MAX_IMAGE_PIXELS = None
TEX_LAYERS = ("activation", "activation_9")
TEX_CROPS = 12
TEX_CROP = 256


def rgb_array(path_or_image):
    im = path_or_image if isinstance(path_or_image, Image.Image) else Image.open(path_or_image)
    return np.asarray(im.convert("RGB"), dtype=np.float32)


def luminance(rgb):
    return rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def gaussian(y, sigma):
    """Separable Gaussian blur (reflected edges) of a 2-D array, in torch."""
    r = int(np.ceil(4 * sigma))
    k = torch.exp(-torch.arange(-r, r + 1, dtype=torch.float32) ** 2 / (2 * sigma * sigma))
    k = k / k.sum()
    t = torch.from_numpy(np.ascontiguousarray(y, dtype=np.float32))[None, None]
    t = F.conv2d(F.pad(t, (r, r, 0, 0), mode="reflect"), k.view(1, 1, 1, -1))
    t = F.conv2d(F.pad(t, (0, 0, r, r), mode="reflect"), k.view(1, 1, -1, 1))
    return t[0, 0].numpy()


def band(rgb):
    y = luminance(rgb)
    return gaussian(y, 1.0) - gaussian(y, 2.0)


def copy_and_fine(result, content):
    """(copy, fine) of two RGB arrays of the same size."""
    br, bc = band(result).astype(np.float64).ravel(), band(content).astype(np.float64).ravel()
    copy = float(np.corrcoef(br, bc)[0, 1])
    return copy, float(br.std() / bc.std())


def mean_gram(model, rgb, rng, crops=TEX_CROPS, size=TEX_CROP):
    """{layer: mean Gram over random crops} of an RGB 0-255 array."""
    h, w, _ = rgb.shape
    sums = {}
    for _ in range(crops):
        cw, ch = min(size, w), min(size, h)
        x0, y0 = rng.integers(0, w - cw + 1), rng.integers(0, h - ch + 1)
        crop = rgb[y0:y0 + ch, x0:x0 + cw] / 255.0
        feats = tfjs_torch.features(model, crop, TEX_LAYERS)
        for name, f in feats.items():
            f = torch.from_numpy(f).permute(2, 0, 1)[None]
            g = tfjs_torch.gram(f).double()
            sums[name] = sums.get(name, 0) + g / crops
    return sums


def tex(model, result, style_grams, seed=1):
    grams = mean_gram(model, result, np.random.default_rng(seed))
    return float(sum(((grams[n] - style_grams[n]) ** 2).sum() / (style_grams[n] ** 2).sum() for n in TEX_LAYERS))


def srgb_to_lab(rgb):
    c = rgb.astype(np.float64) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def ssim(a, b, sigma=1.5):
    """Mean SSIM of two luminance arrays (0-255), Gaussian window."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    a, b = a.astype(np.float64), b.astype(np.float64)
    mu_a, mu_b = gaussian(a, sigma), gaussian(b, sigma)
    va = gaussian(a * a, sigma) - mu_a ** 2
    vb = gaussian(b * b, sigma) - mu_b ** 2
    cov = gaussian(a * b, sigma) - mu_a * mu_b
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (va + vb + c2))
    return float(s.mean())


def whole_view(result_path, reference_path):
    """(mean Delta E, luminance SSIM) of the result scaled to the reference's size."""
    ref = Image.open(reference_path).convert("RGB")
    small = rgb_array(Image.open(result_path).convert("RGB").resize(ref.size, Image.LANCZOS))
    ref = rgb_array(ref)
    de = float(np.sqrt(((srgb_to_lab(small) - srgb_to_lab(ref)) ** 2).sum(-1)).mean())
    return de, ssim(luminance(small), luminance(ref))


def borders(result, content, outer=5, inner=20):
    """{side: mean |result - content| over the outer rows/columns / over the inner band}."""
    d = np.abs(result.astype(np.float64) - content.astype(np.float64)).mean(-1)
    sides = {
        "left": (d[:, :outer], d[:, outer:outer + inner]),
        "right": (d[:, -outer:], d[:, -outer - inner:-outer]),
        "top": (d[:outer, :], d[outer:outer + inner, :]),
        "bottom": (d[-outer:, :], d[-outer - inner:-outer, :]),
    }
    return {k: float(o.mean() / max(i.mean(), 1e-9)) for k, (o, i) in sides.items()}


class Metrics:
    """Holds the network and the style's mean Gram for repeated measurements."""

    def __init__(self, weights, style_path):
        self.model = tfjs_torch.load_model(weights)
        self.style_grams = mean_gram(self.model, rgb_array(style_path), np.random.default_rng(0))

    def tex(self, rgb):
        return tex(self.model, rgb, self.style_grams)


def default_weights():
    env = os.environ.get("NEURAL_STYLE_WEIGHTS")
    if env:
        return env
    data = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return os.path.join(data, "neural-style", "resnet50")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--content", required=True)
    p.add_argument("--style", required=True)
    p.add_argument("--result", required=True, nargs="+")
    p.add_argument("--reference", help="our 512 px result, for the whole view")
    p.add_argument("--weights", default=default_weights())
    a = p.parse_args()
    torch.set_num_threads(2)
    m = Metrics(a.weights, a.style)
    content = rgb_array(a.content)
    print("content: tex %.3f" % m.tex(content))
    for path in a.result:
        r = rgb_array(path)
        if r.shape != content.shape:
            r = rgb_array(Image.open(path).convert("RGB").resize(content.shape[1::-1], Image.LANCZOS))
        copy, fine = copy_and_fine(r, content)
        line = "%s: copy %.2f  fine %.2f  tex %.3f" % (os.path.basename(path), copy, fine, m.tex(r))
        if a.reference:
            de, s = whole_view(path, a.reference)
            line += "  dE %.1f  SSIM %.2f" % (de, s)
        b = borders(r, content)
        line += "  borders " + " ".join("%s %.2f" % kv for kv in b.items())
        print(line, flush=True)


if __name__ == "__main__":
    main()
