#!/usr/bin/python3
"""What the artist's controls of neural-style do to a picture.

Runs the real tool with the real weights on images generated here and
measures the results with an independent sRGB -> CIELAB (D65) conversion:

- --preserve-colors luminance keeps the content's a*b* while L* changes;
  match brings the result's mean colour nearer the content's than none;
- --style-blend 1,0 with two styles gives the bytes of the first alone;
- --style-area on the grey half of a half-colourful style gives grey;
- --style-scale 0.5 and 2 give different pictures;
- two styles on two feathered halves (--region): the colourful style's half
  is colourful, the grey style's half grey, and no hard line between them;
  one style on one half leaves the other half close to the content.

The option errors are in test-cli.py. Skips (77) without the weights.

Usage: test-cli-artist.py PATH-TO-neural-style      Output: TAP.
"""
import importlib.util
import os
import shutil
import sys
import tempfile
import time

import numpy as np
from PIL import Image

# The TAP writer, the weights' path and the tool runner of test-cli.py.
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(os.path.dirname(__file__), "test-cli.py"))
cli = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli)

WIDTH, HEIGHT = 128, 96
RUN = ["--size", str(WIDTH), "--iterations", "40", "--quiet"]
FEATHER = 24          # width in pixels of the regions' soft boundary
SEAM_MARGIN = 3       # CIELAB units a column step at the boundary may exceed those elsewhere


# ---- CIELAB, independent of the engine's ns-colors.c -----------------------

SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
D65_WHITE = np.array([0.95047, 1.0, 1.08883])


def lab(rgb8):
    """H x W x 3 uint8 sRGB -> H x W x 3 float CIELAB (D65)."""
    c = rgb8.astype(np.float64) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    t = (linear @ SRGB_TO_XYZ.T) / D65_WHITE
    delta = 6 / 29
    f = np.where(t > delta ** 3, np.cbrt(t), t / (3 * delta ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def chroma(lab_pixels):
    return np.hypot(lab_pixels[..., 1], lab_pixels[..., 2])


# ---- the generated pictures -----------------------------------------------

def content_image():
    """Soft colour fields with a few shapes: moderate chroma, in gamut."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH] / np.array([HEIGHT, WIDTH])[:, None, None]
    r = 0.45 + 0.2 * np.sin(2 * np.pi * x)
    g = 0.5 + 0.15 * np.cos(2 * np.pi * y)
    b = 0.45 + 0.2 * np.sin(2 * np.pi * (x + y))
    rgb = np.stack([r, g, b], -1)
    for cx, cy, radius, shade in ((0.3, 0.4, 0.15, 0.8), (0.7, 0.6, 0.2, 0.25), (0.5, 0.2, 0.1, 0.6)):
        disk = (x - cx) ** 2 + ((y - cy) * HEIGHT / WIDTH) ** 2 < radius ** 2
        rgb[disk] = 0.5 * rgb[disk] + 0.5 * shade
    return (rgb * 255).round().astype(np.uint8)


def colourful_style(seed=1):
    """Saturated red, yellow, magenta and blue patches: far from the content's palette."""
    rng = np.random.default_rng(seed)
    palette = np.array([[230, 30, 40], [240, 200, 20], [220, 20, 200], [30, 60, 230]], np.float64)
    cells = rng.integers(0, len(palette), (12, 12))
    image = palette[np.kron(cells, np.ones((8, 8), int))]
    return np.clip(image + rng.normal(0, 12, image.shape), 0, 255).astype(np.uint8)


def grey_style(seed=2):
    """A grey texture of blotches and lines: no chroma at all."""
    rng = np.random.default_rng(seed)
    blotches = np.kron(rng.integers(40, 220, (16, 16)), np.ones((6, 6), int)).astype(np.float64)
    lines = (np.arange(96) // 4 % 2)[:, None] * 30
    grey = np.clip(blotches + lines + rng.normal(0, 10, blotches.shape), 0, 255).astype(np.uint8)
    return np.repeat(grey[..., None], 3, -1)


def half_mask(left, feather=FEATHER):
    """White on the left (or right) half, with a linear ramp across the
    middle (feather 0: a hard edge)."""
    x = np.arange(WIDTH) + 0.5
    ramp = np.clip((WIDTH / 2 + feather / 2 - x) / feather, 0, 1) if feather else (x < WIDTH / 2).astype(float)
    row = ramp if left else 1 - ramp
    return (np.tile(row, (HEIGHT, 1)) * 255).round().astype(np.uint8)


def save(path, pixels):
    Image.fromarray(pixels).save(path)
    return path


def load(path):
    return np.asarray(Image.open(path).convert("RGB"))


# ---- the measures ---------------------------------------------------------

def column_steps(pixels):
    """How much the picture's colour changes from each column to the next:
    the CIELAB distance between the mean colours of neighbouring columns
    (len WIDTH - 1; step i is between columns i and i + 1). A seam is a
    large step; texture averages out over a column's rows."""
    columns = lab(pixels).mean(axis=0)
    return np.linalg.norm(np.diff(columns, axis=0), axis=1)


def seam_excess(pixels):
    """The largest column step within the boundary band minus the largest
    elsewhere (the image's first and last 4 columns left out: the borders),
    and those two steps."""
    steps = column_steps(pixels)
    x = np.arange(len(steps)) + 1       # the step's right-hand column
    band = np.abs(x - WIDTH / 2) <= FEATHER / 2 + 2
    inside = (x > 4) & (x < WIDTH - 4)
    return steps[band].max() - steps[inside & ~band].max(), steps[band].max(), steps[inside & ~band].max()


def halves(pixels):
    """The left and right halves away from the boundary band."""
    margin = FEATHER // 2 + 4
    return pixels[:, :WIDTH // 2 - margin], pixels[:, WIDTH // 2 + margin:]


# ---- the cases --------------------------------------------------------------

def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test-cli-artist.py PATH-TO-neural-style")
    tool = sys.argv[1]
    weights = cli.default_weights()
    if not os.path.isfile(weights):
        print("1..0 # SKIP weights not found at %s (run weights/fetch-weights.sh)" % weights)
        sys.exit(cli.SKIP)
    tap = cli.Tap()
    tmp = tempfile.mkdtemp(prefix="ns-test-cli-artist-")
    start = time.monotonic()
    try:
        run_cases(tap, tool, weights, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("# %.0f s" % (time.monotonic() - start))
    print("1..%d" % tap.n)
    print("%d passed, %d failed" % (tap.n - tap.failed, tap.failed))
    sys.exit(1 if tap.failed else 0)


def run_cases(tap, tool, weights, tmp):
    # The CIELAB conversion itself, on published values (sRGB red, mid grey).
    red, grey = lab(np.array([[[255, 0, 0], [119, 119, 119]]], np.uint8))[0]
    tap.result(np.allclose(red, [53.24, 80.09, 67.20], atol=0.05) and np.allclose(grey, [50.03, 0, 0], atol=0.05),
               "the test's sRGB -> CIELAB matches published values", "red %r grey %r" % (red, grey))

    content = content_image()
    content_path = save(os.path.join(tmp, "content.png"), content)
    colourful = save(os.path.join(tmp, "colourful.png"), colourful_style())
    colourful2 = save(os.path.join(tmp, "colourful-2.png"), colourful_style(seed=5))
    grey_path = save(os.path.join(tmp, "grey.png"), grey_style())
    left = save(os.path.join(tmp, "left.png"), half_mask(True))
    right = save(os.path.join(tmp, "right.png"), half_mask(False))
    content_lab = lab(content)
    runs = {}

    def stylize(name, *args):
        """The result of one run (None if it failed, reported as a failure)."""
        output = os.path.join(tmp, name + ".png")
        argv = ["--content", content_path, "--weights", weights, "--output", output] + RUN + list(args)
        proc = cli.run_tool(tool, argv)
        if proc.returncode != 0 or not os.path.exists(output):
            tap.result(False, "run %s" % name, "exit %d\nstderr:\n%s" % (proc.returncode, proc.stderr))
            return None
        runs[name] = output
        return load(output)

    # Colours: none, luminance, match.
    none = stylize("none", "--style", colourful)
    luminance = stylize("luminance", "--style", colourful, "--preserve-colors", "luminance")
    match = stylize("match", "--style", colourful, "--preserve-colors", "match")
    if none is not None and luminance is not None:
        def ab_change(result):
            return np.linalg.norm(lab(result)[..., 1:] - content_lab[..., 1:], axis=-1).mean()
        ab_lum, ab_none = ab_change(luminance), ab_change(none)
        l_change = np.abs(lab(luminance)[..., 0] - content_lab[..., 0]).mean()
        tap.result(ab_lum < 2.5 and ab_none > 4 * ab_lum,
                   "luminance keeps the content's a*b* (mean change %.2f; none: %.2f)" % (ab_lum, ab_none))
        tap.result(l_change > 2.5, "luminance changes the lightness (mean |dL*| %.2f)" % l_change)
    if none is not None and match is not None:
        mean = content_lab.reshape(-1, 3).mean(0)
        d_match = np.linalg.norm(lab(match).reshape(-1, 3).mean(0) - mean)
        d_none = np.linalg.norm(lab(none).reshape(-1, 3).mean(0) - mean)
        tap.result(d_match < 0.5 * d_none, "match brings the mean colour near the content's (CIELAB distance "
                   "%.2f; none: %.2f)" % (d_match, d_none))

    # Blend weights 1,0 are the first style alone, bit for bit.
    blended = stylize("blend-1-0", "--style", colourful, "--style", grey_path, "--style-blend", "1,0")
    if blended is not None and none is not None:
        tap.result(open(runs["blend-1-0"], "rb").read() == open(runs["none"], "rb").read(),
                   "--style-blend 1,0 gives the first style's bytes")
    even = stylize("blend-even", "--style", colourful, "--style", colourful2, "--style", grey_path)
    if even is not None and none is not None:
        grey_share = chroma(lab(even)).mean() / chroma(lab(none)).mean()
        tap.result(grey_share < 0.9, "three styles blended evenly, one grey, lower the chroma (%.2f of the "
                   "colourful style's)" % grey_share)

    # A style's area: of a picture half colourful, half grey, only the grey half.
    both = np.concatenate([colourful_style(), grey_style()], axis=1)
    both_path = save(os.path.join(tmp, "colourful-and-grey.png"), both)
    grey_half = np.zeros(both.shape[:2], np.uint8)
    grey_half[:, both.shape[1] // 2:] = 255
    area = stylize("area", "--style", both_path, "--style-area", save(os.path.join(tmp, "grey-half.png"), grey_half))
    if area is not None and none is not None:
        area_chroma, none_chroma = chroma(lab(area)).mean(), chroma(lab(none)).mean()
        tap.result(area_chroma < 0.5 * none_chroma and area_chroma < chroma(content_lab).mean(),
                   "--style-area on the grey half of a half-colourful style gives a grey result (chroma %.1f; "
                   "colourful style %.1f)" % (area_chroma, none_chroma))

    # Style scale.
    small = stylize("scale-0.5", "--style", colourful, "--style-scale", "0.5")
    large = stylize("scale-2", "--style", colourful, "--style-scale", "2")
    if small is not None and large is not None:
        change = np.abs(small.astype(int) - large.astype(int)).mean()
        tap.result(change > 2, "--style-scale 0.5 and 2 differ (mean |difference| %.2f of 255)" % change)

    # Two styles on two halves.
    two = stylize("regions", "--style", colourful, "--region", left, "--style", grey_path, "--region", right)
    if two is not None:
        left_half, right_half = (chroma(lab(h)).mean() for h in halves(two))
        content_left, content_right = (chroma(lab(h)).mean() for h in halves(content))
        tap.result(left_half > 1.5 * content_left and left_half > 25,
                   "the colourful style's half is colourful (chroma %.1f; content %.1f)" % (left_half, content_left))
        tap.result(right_half < 0.6 * content_right,
                   "the grey style's half is grey (chroma %.1f; content %.1f)" % (right_half, content_right))
        excess, band, elsewhere = seam_excess(two)
        tap.result(excess < SEAM_MARGIN, "no hard line at the feathered boundary (largest column step %.2f "
                   "there, %.2f elsewhere)" % (band, elsewhere))

    # The control of that measure: hard-edged regions do make a line.
    hard_left = save(os.path.join(tmp, "hard-left.png"), half_mask(True, feather=0))
    hard_right = save(os.path.join(tmp, "hard-right.png"), half_mask(False, feather=0))
    hard = stylize("hard-regions", "--style", colourful, "--region", hard_left, "--style", grey_path,
                   "--region", hard_right)
    if hard is not None:
        excess, band, elsewhere = seam_excess(hard)
        tap.result(excess > SEAM_MARGIN, "the measure sees the line of hard-edged regions (largest column step "
                   "%.2f there, %.2f elsewhere)" % (band, elsewhere))

    # One style on one half: the other half keeps the content.
    one = stylize("one-region", "--style", colourful, "--region", left)
    if one is not None:
        styled, kept = (np.linalg.norm(lab(r) - lab(c), axis=-1).mean() for r, c in zip(halves(one), halves(content)))
        tap.result(kept < 3 and styled > 5 * kept,
                   "one style on the left half leaves the right half close to the content (mean dE %.2f; "
                   "left %.2f)" % (kept, styled))


if __name__ == "__main__":
    main()
