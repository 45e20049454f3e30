#!/usr/bin/python3
"""neural-style --frames: an animation styled frame by frame, steady.

Four 96x72 frames of a photograph (darknet's dog.jpg) seen by a camera that
pans 3 pixels to the right per frame, so frame t's pixel (x, y) is frame
t-1's (x + 3, y) exactly. Styled with The Scream as a sequence (the default
--temporal-weight) and with --temporal-weight 0 (each frame on its own),
the steadiness, mean |S_t(x, y) - S_{t-1}(x + 3, y)| over the pixels both
show, must be at most 0.3 times the independent frames' (issue 19's
target); the sequence must still be styled (far from the content).

Then the bad inputs, each an error that names the cause, with no result
written and the frames untouched: a gap in the numbering, frames of
different sizes, an output pattern that would overwrite the frames, no
frames at all, a pattern without a number, with another conversion or
ending with a lone %,
--frames with --content.

Usage: test-cli-frames.py PATH-TO-neural-style      Output: TAP.
"""
import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile

import numpy as np
from PIL import Image

_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(os.path.dirname(__file__), "test-cli.py"))
cli = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli)

WIDTH, HEIGHT, FRAMES, STEP = 96, 72, 4, 3


def test_image(name):
    folder = os.environ.get("NS_TEST_IMAGES")
    if not folder:
        sys.exit("NS_TEST_IMAGES is not set (meson test sets it)")
    path = os.path.join(folder, name)
    if not os.path.isfile(path):
        sys.exit("test image %s missing: .ci/fetch-test-images %s fetches it" % (path, folder))
    return path


def make_pan(folder, pattern="f-%02d.png", first=0):
    """The frames of a camera panning over the dog, STEP pixels right per frame."""
    photo = Image.open(test_image("dog.jpg")).convert("RGB")
    photo = photo.resize((photo.width * 3 // 10, photo.height * 3 // 10), Image.LANCZOS)
    os.makedirs(folder, exist_ok=True)
    for t in range(FRAMES):
        x, y = 40 + STEP * t, 50
        photo.crop((x, y, x + WIDTH, y + HEIGHT)).save(os.path.join(folder, pattern % (first + t)))
    return [os.path.join(folder, pattern % (first + t)) for t in range(FRAMES)]


def load(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.float64) / 255


def steadiness(paths):
    """Mean over the frames t >= 1 of mean |S_t(x, y) - S_{t-1}(x + STEP, y)|."""
    frames = [load(p) for p in paths]
    return np.mean([np.abs(frames[t][:, :-STEP] - frames[t - 1][:, STEP:]).mean() for t in range(1, len(frames))])


def digest(paths):
    return [hashlib.sha256(open(p, "rb").read()).hexdigest() for p in paths]


def refused(tap, tool, name, args, words, tmp, inputs, outputs):
    before = digest(inputs)
    r = cli.run_tool(tool, args + ["--quiet"])
    message = r.stderr.strip()
    ok = (r.returncode == 1 and message.startswith("neural-style: ") and all(w in message for w in words)
          and digest(inputs) == before and not any(os.path.exists(o) for o in outputs))
    tap.result(ok, "%s: refused naming it (%s)" % (name, message.splitlines()[-1] if message else "no message"),
               "exit %d\n%s" % (r.returncode, r.stderr))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test-cli-frames.py PATH-TO-neural-style")
    tool = sys.argv[1]
    tap = cli.Tap()
    tmp = tempfile.mkdtemp(prefix="ns-test-frames-")
    try:
        run_cases(tap, tool, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % tap.n)
    print("%d passed, %d failed" % (tap.n - tap.failed, tap.failed))
    sys.exit(1 if tap.failed else 0)


def run_cases(tap, tool, tmp):
    style = test_image("scream.jpg")
    frames = make_pan(os.path.join(tmp, "in"))
    pattern = os.path.join(tmp, "in", "f-%02d.png")
    results = {}
    for name, weight in (("steady", "1"), ("alone", "0")):
        out = os.path.join(tmp, name, "s-%02d.png")
        os.makedirs(os.path.dirname(out))
        r = cli.run_tool(tool, ["--frames", pattern, "--style", style, "--output", out, "--temporal-weight", weight,
                                "--iterations", "100", "--quiet"], timeout=600)
        paths = [out % t for t in range(FRAMES)]
        ok = r.returncode == 0 and all(os.path.isfile(p) for p in paths)
        tap.result(ok, "--temporal-weight %s: %d frames written" % (weight, FRAMES), r.stderr)
        if not ok:
            return
        sizes = [Image.open(p).size for p in paths]
        tap.result(all(s == (WIDTH, HEIGHT) for s in sizes), "each result has its frame's size (%dx%d)" % sizes[0])
        results[name] = paths
    steady, alone = steadiness(results["steady"]), steadiness(results["alone"])
    tap.result(steady <= 0.3 * alone, "steady: %.4f, at most 0.3x the independent frames' %.4f (%.2fx)"
               % (steady, alone, steady / alone))
    styled = np.mean([np.abs(load(s) - load(c)).mean() for s, c in zip(results["steady"], frames)])
    alone_styled = np.mean([np.abs(load(s) - load(c)).mean() for s, c in zip(results["alone"], frames)])
    tap.result(styled > 0.5 * alone_styled, "the steady frames are styled: %.3f from the content (independent "
               "%.3f)" % (styled, alone_styled))

    # Bad inputs: nothing written, the frames untouched.
    out = os.path.join(tmp, "bad", "o-%02d.png")
    os.makedirs(os.path.dirname(out))
    outs = [out % t for t in range(6)]
    base = ["--style", style, "--output", out, "--iterations", "5"]

    gap = make_pan(os.path.join(tmp, "gap"))
    os.rename(gap[2], gap[2] + ".away")
    refused(tap, tool, "a gap in the numbering", ["--frames", os.path.join(tmp, "gap", "f-%02d.png")] + base,
            ["gap", "f-02.png", "f-03.png"], tmp, [gap[0], gap[1], gap[3]], outs)

    sizes = make_pan(os.path.join(tmp, "sizes"))
    Image.open(sizes[2]).resize((WIDTH + 8, HEIGHT)).save(sizes[2])
    refused(tap, tool, "frames of different sizes", ["--frames", os.path.join(tmp, "sizes", "f-%02d.png")] + base,
            ["f-02.png", "104x72", "96x72"], tmp, sizes, outs)

    same = make_pan(os.path.join(tmp, "same"), first=1)
    same_pattern = os.path.join(tmp, "same", "f-%02d.png")
    refused(tap, tool, "an output pattern that is the input's",
            ["--frames", same_pattern, "--style", style, "--output", same_pattern, "--iterations", "5"],
            ["overwrite", "f-01.png"], tmp, same, [])
    os.symlink(os.path.join(tmp, "same"), os.path.join(tmp, "link"))
    refused(tap, tool, "an output pattern that names the frames through a link",
            ["--frames", same_pattern, "--style", style, "--iterations", "5",
             "--output", os.path.join(tmp, "link", "f-%02d.png")], ["overwrite"], tmp, same, [])

    refused(tap, tool, "no frames", ["--frames", os.path.join(tmp, "none", "f-%04d.png")] + base,
            ["no frames", "f-0000.png", "f-0001.png"], tmp, [], outs)
    refused(tap, tool, "a pattern without a number", ["--frames", os.path.join(tmp, "in", "f.png")] + base,
            ["%d"], tmp, frames, outs)
    refused(tap, tool, "a pattern with another conversion", ["--frames", os.path.join(tmp, "in", "f-%s.png")] + base,
            ["%0Nd"], tmp, frames, outs)
    refused(tap, tool, "a pattern ending with a lone %", ["--frames", os.path.join(tmp, "in", "f-%")] + base,
            ["lone %"], tmp, frames, outs)
    refused(tap, tool, "an output without a number", ["--frames", pattern, "--style", style, "--output",
            os.path.join(tmp, "bad", "o.png")], ["--output", "%d"], tmp, frames, [os.path.join(tmp, "bad", "o.png")])
    refused(tap, tool, "--frames with --content", ["--frames", pattern, "--content", frames[0]] + base,
            ["--frames", "--content"], tmp, frames, outs)


if __name__ == "__main__":
    main()
