#!/usr/bin/python3
"""plug-in-neural-style-frames in real GIMP 2.10 (gimp-console, batch Script-Fu).

Usage: test-frames.py PLUGIN LOCALEDIR [--keep]

Three 96x72 frames of a photograph (darknet's dog.jpg) seen by a camera
panning 3 pixels right per frame, as the layers of one image (bottom
first, named "frame K (N ms)"), styled with The Scream by frames.scm:
the result is a new image with one layer per frame in the same order,
with the same names and sizes, each styled; the source image's layers
and pixels are unchanged; the frames are steadier than those of
temporal-weight 0 (mean |S_t(x, y) - S_{t-1}(x + 3, y)| at most 0.5 times
theirs: at 60 iterations and three frames, a looser bound than the
command line's test, which holds issue 19's 0.3); a frame of another size
is an execution error that names it, with no new image left behind.
TAP output; exit 77 (skip) without weights or GIMP.
"""
import importlib.util
import os
import shutil
import sys
import tempfile

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_plugin", os.path.join(HERE, "test-plugin.py"))
tp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tp)

WIDTH, HEIGHT, FRAMES, STEP = 96, 72, 3, 3


def test_image(name):
    folder = os.environ.get("NS_TEST_IMAGES")
    path = os.path.join(folder or "", name)
    if not folder or not os.path.isfile(path):
        sys.exit("test image %s missing: .ci/fetch-test-images fetches it (meson sets NS_TEST_IMAGES)" % path)
    return path


def write_inputs(tmp):
    photo = Image.open(test_image("dog.jpg")).convert("RGB")
    photo = photo.resize((photo.width * 3 // 10, photo.height * 3 // 10), Image.LANCZOS)
    for t in range(FRAMES):
        x, y = 40 + STEP * t, 50
        photo.crop((x, y, x + WIDTH, y + HEIGHT)).save(os.path.join(tmp, "in-%d.png" % t))
    Image.open(test_image("scream.jpg")).convert("RGB").resize((160, 120)).save(os.path.join(tmp, "style.png"))


def load(tmp, name):
    path = os.path.join(tmp, name + ".png")
    if not os.path.exists(path):
        return None
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.float64) / 255


def steadiness(frames):
    return np.mean([np.abs(frames[t][:, :-STEP] - frames[t - 1][:, STEP:]).mean() for t in range(1, len(frames))])


def main():
    plugin, localedir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    keep = "--keep" in sys.argv
    weights = tp.default_weights()
    if not os.path.isfile(weights) or shutil.which(tp.GIMP) is None:
        print("1..0 # SKIP weights or %s missing" % tp.GIMP)
        return 77
    root = tempfile.mkdtemp(prefix="ns-gimp-frames-")
    tap = tp.Tap()
    try:
        profile = tp.make_profile(root, plugin, localedir)
        tmp = os.path.join(root, "out")
        os.makedirs(tmp)
        write_inputs(tmp)
        proc = tp.run_gimp(profile, weights, [tp.load_script(tmp, "frames")], timeout=900)
        cases = tp.read_results(tmp, "frames")
        tap.ok("done" in cases, "frames.scm ran to the end", proc.stderr[-2000:])
        run_checks(tap, tmp, cases)
    finally:
        tp.remove_unless_kept(root, keep)
    print("1..%d" % tap.n)
    return 1 if tap.failed else 0


def run_checks(tap, tmp, cases):
    steady = cases.get("steady", ["steady", ["error", "did not run"], [], []])
    tap.ok(steady[1][0] == "ok", "the frames procedure succeeds and returns an image", steady[1])
    source, result = steady[2], steady[3]
    names = [l[1] for l in source]
    tap.ok([l[1] for l in result] == names and len(names) == FRAMES,
           "the new image has the frames in the same order with the same names (timings)", [result, names])
    tap.ok(all(l[2:6] == s[2:6] for l, s in zip(result, source)), "each frame keeps its size and offsets")
    inputs = [load(tmp, "in-%d" % t) for t in range(FRAMES)]
    kept = [load(tmp, "source-after-%d" % t) for t in range(FRAMES)]
    tap.ok(all(k is not None and np.array_equal(k, i) for k, i in zip(kept, inputs)),
           "the source image's frames are unchanged")
    styled = [load(tmp, "steady-%d" % t) for t in range(FRAMES)]
    alone = [load(tmp, "alone-%d" % t) for t in range(FRAMES)]
    if any(s is None for s in styled + alone):
        tap.ok(False, "every frame was saved", cases.get("alone"))
        return
    change = np.mean([np.abs(s - i).mean() for s, i in zip(styled, inputs)])
    tap.ok(change > 0.05, "every frame is styled (mean |change| %.3f)" % change)
    a, b = steadiness(styled), steadiness(alone)
    tap.ok(a <= 0.5 * b, "steadier than independent frames: %.4f against %.4f (%.2fx)" % (a, b, a / b))
    uneven = cases.get("uneven", ["uneven", ["ok", -1], 0, 0, 0])
    tap.ok(uneven[1][0] == "error" and "odd (100ms)" in str(uneven[1][1]) and "50 x 40" in str(uneven[1][1]),
           "a frame of another size is an error naming it", uneven[1])
    tap.ok(uneven[2] == uneven[3] and uneven[4] == FRAMES + 1, "and leaves no new image, the source as it was",
           uneven[2:])


if __name__ == "__main__":
    sys.exit(main())
