#!/usr/bin/python3
"""Command-line tests of neural-style: bad inputs fail cleanly.

Every bad input must make the tool exit non-zero with a "neural-style: ..."
message that names the cause (the file, the layer class or the parameter),
and must leave the output folder exactly as it was: no new output, no
temporary files, and a pre-existing output file byte-identical. A good run
on small generated images is the control that shows the failures come from
the bad input alone. Uses the real weights; skips (77) when they are absent.

Usage: test-cli.py PATH-TO-neural-style      Output: TAP.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77


def default_weights():
    """The model.json that ns_weights_default_path() resolves to."""
    env = os.environ.get("NEURAL_STYLE_WEIGHTS")
    if env:
        return os.path.join(env, "model.json") if os.path.isdir(env) else env
    data = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return os.path.join(data, "neural-style", "resnet50", "model.json")


def write_ppm(path, width, height, grey=False):
    """A smooth gradient image in binary PNM, which gdk-pixbuf reads."""
    channels = 1 if grey else 3
    pixels = bytearray()
    for y in range(height):
        for x in range(width):
            rgb = (x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), (x + y) * 7 % 256)
            pixels += bytes(rgb[:channels])
    with open(path, "wb") as f:
        f.write(b"P5\n" if grey else b"P6\n")
        f.write(b"%d %d\n255\n" % (width, height))
        f.write(pixels)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def result(self, ok, name, diagnostics=""):
        self.n += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, name), flush=True)
        if not ok:
            self.failed += 1
            for line in diagnostics.rstrip().splitlines():
                print("# " + line, flush=True)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test-cli.py PATH-TO-neural-style")
    tool = sys.argv[1]
    weights = default_weights()
    if not os.path.isfile(weights):
        print("1..0 # SKIP weights not found at %s (run weights/fetch-weights.sh)" % weights)
        sys.exit(SKIP)
    weights_dir = os.path.dirname(os.path.abspath(weights))

    tap = Tap()
    tmp = tempfile.mkdtemp(prefix="ns-test-cli-")
    try:
        run_cases(tap, tool, weights, weights_dir, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % tap.n)
    print("%d passed, %d failed" % (tap.n - tap.failed, tap.failed))
    sys.exit(1 if tap.failed else 0)


def run_tool(tool, args, timeout=240):
    env = dict(os.environ)
    env.pop("NEURAL_STYLE_WEIGHTS", None)    # each case says which weights it means
    return subprocess.run([tool] + args, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout, env=env)


def run_cases(tap, tool, weights, weights_dir, tmp):
    inputs = os.path.join(tmp, "inputs")
    os.mkdir(inputs)
    content = os.path.join(inputs, "content.ppm")
    style = os.path.join(inputs, "style-grey.pgm")
    write_ppm(content, 96, 64)
    write_ppm(style, 80, 80, grey=True)

    empty = os.path.join(inputs, "empty.png")
    open(empty, "wb").close()
    text_png = os.path.join(inputs, "notes.png")
    with open(text_png, "w") as f:
        f.write("this is a text file, not a picture\n")
    missing = os.path.join(inputs, "no-such-photo.jpg")

    # Damaged copies of the real model, one defect each.
    truncated_dir = os.path.join(tmp, "truncated")
    shutil.copytree(weights_dir, truncated_dir)
    with open(weights) as f:
        model = json.load(f)
    shard = model["weightsManifest"][0]["paths"][0]   # holds the first layers, which are always kept
    shard_path = os.path.join(truncated_dir, shard)
    os.truncate(shard_path, os.path.getsize(shard_path) // 2)

    corrupt_dir = os.path.join(tmp, "corrupt")
    os.mkdir(corrupt_dir)
    with open(os.path.join(corrupt_dir, "model.json"), "w") as f:
        f.write('{"modelTopology": {"class_name": "Model", "config": {"layers": [')   # cut short

    lstm_dir = os.path.join(tmp, "lstm")
    os.mkdir(lstm_dir)
    for name in os.listdir(weights_dir):
        if name != "model.json":
            os.symlink(os.path.join(weights_dir, name), os.path.join(lstm_dir, name))
    layers = model["modelTopology"]["model_config"]["config"]["layers"] \
        if "model_config" in model["modelTopology"] else model["modelTopology"]["config"]["layers"]
    victim = next(l for l in layers[1:] if l["class_name"] == "Conv2D")   # early, so it is always kept
    victim["class_name"] = "LSTM"
    with open(os.path.join(lstm_dir, "model.json"), "w") as f:
        json.dump(model, f)

    good = ["--content", content, "--style", style, "--weights", weights, "--quiet"]

    def with_option(option, value):
        args = list(good)
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
        return args

    # (name, arguments, words of which the message must contain at least one)
    cases = [
        ("missing content file", with_option("--content", missing), [missing]),
        ("missing style file", with_option("--style", missing), [missing]),
        ("zero-size image file", with_option("--content", empty), [empty]),
        ("text file named .png", with_option("--style", text_png), [text_png]),
        ("missing weights path", with_option("--weights", os.path.join(tmp, "nowhere", "model.json")),
         [os.path.join(tmp, "nowhere")]),
        ("truncated weight shard", with_option("--weights", truncated_dir), [shard, "truncated"]),
        ("model.json that is not JSON", with_option("--weights", corrupt_dir), ["model.json"]),
        ("unsupported layer class", with_option("--weights", lstm_dir), ["LSTM"]),
        ("size -5", with_option("--size", "-5"), ["size"]),
        ("size 100000", with_option("--size", "100000"), ["size"]),
        ("negative content weight", with_option("--content-weight", "-1"), ["content-weight", "content_weight", "content weight"]),
        ("nan style weight", with_option("--style-weight", "nan"), ["style-weight", "style_weight", "style weight"]),
        ("negative tv weight", with_option("--tv-weight", "-0.5"), ["tv-weight", "tv_weight", "tv weight"]),
        ("iterations 0", with_option("--iterations", "0"), ["iterations"]),
        ("unknown init", with_option("--init", "zeros"), ["init"]),
        ("missing --output", None, ["--output"]),
    ]

    previous = b"\x89PNG\r\n\x1a\n an earlier result that must survive \x00\xff"
    for name, args, words in cases:
        for existing in (False, True):
            out_dir = tempfile.mkdtemp(dir=tmp, prefix="out-")
            output = os.path.join(out_dir, "result.png")
            if existing:
                with open(output, "wb") as f:
                    f.write(previous)
            argv = list(good if args is None else args)
            if args is not None:
                argv += ["--output", output]
            label = name + (" (output exists)" if existing else "")
            try:
                proc = run_tool(tool, argv)
            except subprocess.TimeoutExpired:
                tap.result(False, label, "timed out")
                continue
            problems = []
            if proc.returncode == 0:
                problems.append("exit status 0")
            lines = [l for l in proc.stderr.splitlines() if l.startswith("neural-style: ")]
            if not lines:
                problems.append("no 'neural-style: ...' message")
            message = proc.stderr.lower()
            if not any(w.lower() in message for w in words):
                problems.append("message names none of %r" % (words,))
            left = sorted(os.listdir(out_dir))
            if left != (["result.png"] if existing else []):
                problems.append("output folder now holds %r" % (left,))
            elif existing:
                with open(output, "rb") as f:
                    if f.read() != previous:
                        problems.append("pre-existing output was changed")
            tap.result(not problems, label,
                       "\n".join(problems) + "\nstderr:\n" + proc.stderr)

    # The control: the same inputs, with nothing wrong, do produce a result.
    out_dir = tempfile.mkdtemp(dir=tmp, prefix="out-")
    output = os.path.join(out_dir, "result.png")
    stats = os.path.join(out_dir, "stats.json")
    with open(output, "wb") as f:
        f.write(previous)
    proc = run_tool(tool, good + ["--output", output, "--size", "0", "--iterations", "2",
                                  "--stats", stats])
    problems = []
    if proc.returncode != 0:
        problems.append("exit status %d" % proc.returncode)
    else:
        if sorted(os.listdir(out_dir)) != ["result.png", "stats.json"]:
            problems.append("output folder holds %r" % (sorted(os.listdir(out_dir)),))
        try:
            if png_size(output) != (96, 64):
                problems.append("result is %dx%d, not the content's 96x64" % png_size(output))
        except AssertionError as e:
            problems.append("result: %s" % e)
        try:
            with open(stats) as f:
                s = json.load(f)
            expected = {"iterations", "seconds", "seconds_per_iteration", "loss_initial", "loss_final",
                        "content_loss", "style_loss", "tv_loss", "peak_rss_mb", "width", "height", "model", "evaluations"}
            if set(s) != expected:
                problems.append("stats keys %r" % (sorted(s),))
            elif (s["width"], s["height"]) != (96, 64) or s["iterations"] != 2 or s["model"] != "resnet50":
                problems.append("stats say %r" % (s,))
        except (OSError, ValueError) as e:
            problems.append("stats: %s" % e)
    tap.result(not problems, "good inputs overwrite the output with a 96x64 PNG and stats",
               "\n".join(problems) + "\nstderr:\n" + proc.stderr)


if __name__ == "__main__":
    main()
