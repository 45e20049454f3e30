#!/usr/bin/python3
"""Command-line tests of neural-style: bad inputs fail cleanly, outputs are safe.

Every bad input must make the tool exit non-zero with a "neural-style: ..."
message that names the cause (the file, the layer class or the parameter),
and must leave the output folder exactly as it was: no new output, no
temporary files, and a pre-existing output file byte-identical. A good run
on small generated images is the control that shows the failures come from
the bad input alone. Then the output rules: an output that is an input, the
same file as --stats, read-only, a FIFO or a device node is refused and left
as it was; a replaced file keeps its mode; a symbolic link is written
through. Then the memory guard (--memory-limit), --stats as strict JSON, and a loss that
is not finite as a failure. Uses the real weights (the damaged copies made here, with the
SHA256SUMS they need); skips (77) when they are absent. Images are generated here (PIL).

Usage: test-cli.py PATH-TO-neural-style      Output: TAP.
"""
import hashlib
import json
import os
import random
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import time

from PIL import Image

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


def write_noise(path, width, height, **save_options):
    """Random pixels: they compress badly, so the file is large for its size."""
    rng = random.Random(7)
    image = Image.new("RGB", (width, height))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(width * height)])
    image.save(path, **save_options)


def truncated_copy(source, path, keep):
    with open(source, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:keep])


def strict_json(text):
    """json.loads that also refuses NaN and Infinity, which are not JSON."""
    def refuse(constant):
        raise ValueError("%s is not JSON" % constant)
    return json.loads(text, parse_constant=refuse)


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

    # A 100 KB JPEG and PNG, and copies cut short. gdk-pixbuf decodes both cut
    # copies without an error (the JPEG comes out grey past the cut).
    whole_jpeg = os.path.join(inputs, "whole.jpg")
    whole_png = os.path.join(inputs, "whole.png")
    write_noise(whole_jpeg, 200, 150, quality=90)
    write_noise(whole_png, 150, 150)
    cut_jpeg = os.path.join(inputs, "cut.jpg")
    cut_jpeg_tail = os.path.join(inputs, "cut-tail.jpg")
    cut_png = os.path.join(inputs, "cut.png")
    truncated_copy(whole_jpeg, cut_jpeg, 3000)
    truncated_copy(whole_jpeg, cut_jpeg_tail, os.path.getsize(whole_jpeg) - 300)
    truncated_copy(whole_png, cut_png, os.path.getsize(whole_png) // 2)
    # 40 bytes of GIF that declare 65535 x 52224 pixels: gdk-pixbuf alone
    # would allocate 13 GB for them before reading a pixel.
    huge_gif = os.path.join(inputs, "huge.gif")
    with open(huge_gif, "wb") as f:
        f.write(b"GIF89a" + struct.pack("<HH", 65535, 52224) + b"\x80\x00\x00\x00\x00\x00\xff\xff\xff"
                + b"," + struct.pack("<HHHH", 0, 0, 65535, 52224) + b"\x00\x02\x02\x44\x01\x00;")

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

    # A shard with two floats swapped: finite, the right size, so only SHA256SUMS can tell. The
    # sums are made here, from the untouched shards, so the case runs whatever came with the weights.
    swapped_dir = os.path.join(tmp, "swapped")
    os.mkdir(swapped_dir)
    shards = [path for group in model["weightsManifest"] for path in group["paths"]]
    for name in os.listdir(weights_dir):
        if name not in (shard, "SHA256SUMS"):
            os.symlink(os.path.join(weights_dir, name), os.path.join(swapped_dir, name))
    with open(os.path.join(swapped_dir, "SHA256SUMS"), "w") as sums:
        for name in shards:
            with open(os.path.join(weights_dir, name), "rb") as f:
                sums.write("%s  %s\n" % (hashlib.sha256(f.read()).hexdigest(), name))
    with open(os.path.join(weights_dir, shard), "rb") as f:
        data = bytearray(f.read())
    data[0:4], data[4:8] = data[4:8], data[0:4]
    with open(os.path.join(swapped_dir, shard), "wb") as f:
        f.write(data)

    # The artist's controls: a second style, a region (white left half) and an all-black one.
    style2 = os.path.join(inputs, "style-2.ppm")
    write_ppm(style2, 64, 96)
    region = os.path.join(inputs, "left-half.png")
    left = Image.new("L", (96, 64))
    left.paste(255, (0, 0, 48, 64))
    left.save(region)
    black = os.path.join(inputs, "black.png")
    Image.new("L", (96, 64)).save(black)

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
        ("JPEG cut to 3000 bytes", with_option("--content", cut_jpeg), [cut_jpeg]),
        ("JPEG without its last 300 bytes", with_option("--content", cut_jpeg_tail), [cut_jpeg_tail]),
        ("PNG cut in half", with_option("--style", cut_png), [cut_png]),
        ("GIF declaring 65535x52224 pixels", with_option("--content", huge_gif), ["declares 65535x52224"]),
        ("missing weights path", with_option("--weights", os.path.join(tmp, "nowhere", "model.json")),
         [os.path.join(tmp, "nowhere")]),
        ("truncated weight shard", with_option("--weights", truncated_dir), [shard, "truncated"]),
        ("model.json that is not JSON", with_option("--weights", corrupt_dir), ["model.json"]),
        ("unsupported layer class", with_option("--weights", lstm_dir), ["LSTM"]),
        ("shard with swapped bytes", with_option("--weights", swapped_dir), [shard + " is corrupt"]),
        ("size -5", with_option("--size", "-5"), ["size"]),
        ("size 100000", with_option("--size", "100000"), ["size"]),
        ("negative content weight", with_option("--content-weight", "-1"), ["content-weight", "content_weight", "content weight"]),
        ("nan style weight", with_option("--style-weight", "nan"), ["style-weight", "style_weight", "style weight"]),
        ("negative tv weight", with_option("--tv-weight", "-0.5"), ["tv-weight", "tv_weight", "tv weight"]),
        ("iterations 0", with_option("--iterations", "0"), ["iterations"]),
        ("unknown init", with_option("--init", "zeros"), ["init"]),
        # The engine's parameter table reads every option of its rows.
        ("--size of no number", with_option("--size", "abc"), ["--size", "abc"]),
        ("--iterations 1.5", with_option("--iterations", "1.5"), ["--iterations", "1.5"]),
        ("--seed -1", with_option("--seed", "-1"), ["--seed", "4294967295"]),
        ("--seed 2^32", with_option("--seed", "4294967296"), ["--seed"]),
        ("--threads 2000", with_option("--threads", "2000"), ["threads", "1024"]),
        ("--schedule fast", with_option("--schedule", "fast"), ["--schedule", "multiscale"]),
        ("-i 0 (the short form)", with_option("-i", "0"), ["iterations"]),
        ("missing --output", None, ["--output"]),
        # The artist's controls.
        ("--style-blend with two weights for one style", good + ["--style-blend", "1,1"], ["--style-blend"]),
        ("--style-blend with one weight for two styles", good + ["--style", style2, "--style-blend", "1"],
         ["--style-blend"]),
        ("negative --style-blend weight", good + ["--style", style2, "--style-blend", "1,-0.5"], ["-0.5"]),
        ("non-numeric --style-blend weight", good + ["--style", style2, "--style-blend", "1,lots"], ["lots"]),
        ("--style-blend 0,0", good + ["--style", style2, "--style-blend", "0,0"], ["all be 0"]),
        ("more styles than the engine blends", good + ["--style", style2] * 8, ["at most"]),
        ("--style-scale 0.01", with_option("--style-scale", "0.01"), ["style scale", "style-scale"]),
        ("--style-scale 100", with_option("--style-scale", "100"), ["style scale", "style-scale"]),
        ("unknown --preserve-colors", with_option("--preserve-colors", "sepia"), ["preserve-colors"]),
        ("--region before any --style", ["--content", content, "--region", region, "--style", style,
                                         "--weights", weights, "--quiet"], ["--region", "before"]),
        ("--style-area before any --style", ["--content", content, "--style-area", region, "--style", style,
                                             "--weights", weights, "--quiet"], ["--style-area", "before"]),
        ("two --region for one --style", good + ["--region", region, "--region", region], ["twice"]),
        ("missing --region file", good + ["--region", missing], [missing]),
        ("--style-area that is not an image", good + ["--style-area", text_png], [text_png]),
        ("all-black --region", good + ["--region", black], ["region is empty"]),
        ("all-black --style-area", good + ["--style-area", black], ["area of a style image is empty"]),
        ("--memory-limit 0", with_option("--memory-limit", "0"), ["--memory-limit"]),
        ("--memory-limit of no number", with_option("--memory-limit", "plenty"), ["--memory-limit"]),
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
                s = strict_json(f.read())
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

    # The complete JPEG and PNG load: the cut copies fail for being cut.
    out_dir = tempfile.mkdtemp(dir=tmp, prefix="out-")
    output = os.path.join(out_dir, "result.png")
    proc = run_tool(tool, with_option("--content", whole_jpeg) + ["--style", whole_png, "--output", output,
                                                                    "--size", "32", "--iterations", "1"])
    tap.result(proc.returncode == 0 and png_size(output) == (32, 24),
               "the whole JPEG and PNG of the cut copies load", "stderr:\n" + proc.stderr)

    # --help names every option, the artist's controls with the engine's ranges.
    proc = run_tool(tool, ["--help"])
    missing = [o for o in ("--style=", "--region=", "--style-area=", "--style-blend=", "--style-scale=",
                           "--preserve-colors=", "--memory-limit=", "up to 8 styles", "0.1 to 8")
               if o not in proc.stdout]
    tap.result(proc.returncode == 0 and not missing, "--help lists the artist's options and their ranges",
               "missing %r\n%s" % (missing, proc.stdout))
    # Every option of the engine's parameters says its range (or choices) and default.
    vague = [line.strip() for line in proc.stdout.splitlines()
             if re.match(r"\s+(?:-\w, )?--(content-weight|style-weight|tv-weight|iterations|size|seed|init|threads|"
                         r"schedule|style-scale|preserve-colors|memory-limit)=", line)
             and not (re.search(r"default", line) and re.search(r"[0-9.e+]+ to [0-9.e+]+|\w+\|\w+|more than 0", line))]
    tap.result(proc.returncode == 0 and not vague, "--help gives every parameter option its range and default",
               "\n".join(vague))
    # The options are a promise: --help lists exactly the README's, in its order.
    listed = re.findall(r"^\s+(?:-\w, )?(--[a-z-]+)", proc.stdout, re.M)
    documented = readme_options()
    tap.result([o for o in listed if o != "--help"] == documented,
               "--help lists exactly the README's %d options" % len(documented),
               "--help: %r\nREADME: %r" % (listed, documented))

    run_output_cases(tap, tool, good, tmp)
    run_memory_guard(tap, tool, weights, style, tmp)
    run_non_finite_stats(tap, tool, weights, weights_dir, content, style, tmp)


def run_output_cases(tap, tool, good, tmp):
    """The output rules. Each refusal comes before the weights are read (the
    weights path given is missing, and the message must be about the output),
    and leaves every file as it was; each success writes a real PNG."""
    previous = b"an earlier result that must survive"
    quick = ["--size", "32", "--iterations", "1"]
    no_weights = list(good)
    no_weights[no_weights.index("--weights") + 1] = os.path.join(tmp, "no-weights", "model.json")
    content = good[good.index("--content") + 1]

    def case(name, prepare, extra, refused, words=(), check=None):
        folder = tempfile.mkdtemp(dir=tmp, prefix="rules-")
        output = os.path.join(folder, "result.png")
        paths = prepare(folder, output) or {}
        before = {p: snapshot(p) for p in [content] + list(paths.values()) + [output]}
        args = (no_weights if refused else good) + ["--output", output] + quick + [
            a.format(folder=folder, **paths) for a in extra]
        try:
            proc = run_tool(tool, args, timeout=60)
        except subprocess.TimeoutExpired:
            tap.result(False, name, "timed out")
            return
        problems = []
        if refused:
            if proc.returncode == 0:
                problems.append("exit status 0")
            message = proc.stderr.lower()
            if "neural-style: " not in proc.stderr or not all(w.lower() in message for w in words):
                problems.append("message lacks %r" % (list(words),))
            for path, state in before.items():
                if snapshot(path) != state:
                    problems.append("%s changed: %r -> %r" % (path, state, snapshot(path)))
        elif proc.returncode != 0:
            problems.append("exit status %d" % proc.returncode)
        leftovers = [n for n in os.listdir(folder) if n.startswith(".")]
        if leftovers:
            problems.append("temporary files left: %r" % leftovers)
        if check and not problems:
            problems += check(folder, output, paths)
        tap.result(not problems, name, "\n".join(problems) + "\nstderr:\n" + proc.stderr)

    def existing(mode):
        def prepare(folder, output):
            with open(output, "wb") as f:
                f.write(previous)
            os.chmod(output, mode)
        return prepare

    def is_png(path):
        try:
            png_size(path)
            return []
        except (AssertionError, OSError) as e:
            return ["%s: %s" % (path, e)]

    case("--output equal to --content is refused, the content untouched",
         lambda folder, output: None, ["--output", content], True, [content, "same file"])

    # The other inputs: a second style, a region, a style's area.
    def mask_at(name):
        def prepare(folder, output):
            path = os.path.join(folder, name)
            Image.new("L", (96, 64), 255).save(path, "PNG")
            return {"mask": path}
        return prepare
    case("--output equal to a --region file is refused", mask_at("result.png"), ["--region", "{mask}"], True,
         ["same file", "--region"])
    case("--output equal to the second --style is refused", mask_at("result.png"), ["--style", "{mask}"], True,
         ["same file", "--style"])
    case("--stats equal to a --style-area file is refused", mask_at("area.png"),
         ["--style-area", "{mask}", "--stats", "{mask}"], True, ["--stats", "same file", "--style-area"])

    def content_link(folder, output):
        os.symlink(content, output)
    case("--output a link to --content is refused", content_link, [], True, ["same file", "--content"])

    case("--stats equal to --output is refused", existing(0o644), ["--stats", "{folder}/result.png"], True,
         ["--stats", "same file"])

    def stats_link(folder, output):
        existing(0o644)(folder, output)
        link = os.path.join(folder, "stats.json")
        os.symlink("result.png", link)
        return {"link": link}
    case("--stats a link to --output is refused", stats_link, ["--stats", "{link}"], True, ["same file"])

    case("a read-only (0444) output is refused and unchanged", existing(0o444), [], True,
         ["result.png", "read-only"])

    def mode_is(expected):
        def check(folder, output, paths):
            mode = stat.S_IMODE(os.stat(output).st_mode)
            return is_png(output) + ([] if mode == expected else ["mode now %04o" % mode])
        return check
    case("a 0600 output is replaced and stays 0600", existing(0o600), [], False, check=mode_is(0o600))

    def link_to_target(folder, output):
        target = os.path.join(folder, "target.png")
        with open(target, "wb") as f:
            f.write(previous)
        os.symlink("target.png", output)
        return {"target": target}

    def written_through(folder, output, paths):
        problems = [] if os.path.islink(output) else ["the link was replaced"]
        return problems + is_png(paths["target"])
    case("a symbolic link is written through and stays a link", link_to_target, [], False,
         check=written_through)

    def dangling_link(folder, output):
        os.symlink("new.png", output)
        return {"target": os.path.join(folder, "new.png")}
    case("a dangling symbolic link's target is created", dangling_link, [], False, check=written_through)

    def fifo(folder, output):
        os.mkfifo(output)
    case("a FIFO is refused and stays a FIFO", fifo, [], True, ["result.png", "not a regular file"],
         check=lambda folder, output, paths: [] if stat.S_ISFIFO(os.lstat(output).st_mode) else ["not a FIFO"])

    if os.geteuid() == 0:
        # A node of /dev/full's device (1, 7) in a temporary folder: the machine's own stays out of reach.
        def device(folder, output):
            os.mknod(output, stat.S_IFCHR | 0o666, os.makedev(1, 7))
        case("a device node (/dev/full's) is refused and stays a device", device, [], True,
             ["result.png", "not a regular file"],
             check=lambda folder, output, paths: [] if stat.S_ISCHR(os.lstat(output).st_mode) else ["not a device"])
    else:
        tap.result(True, "a device node is refused # SKIP mknod needs root")

    def folder_output(folder, output):
        os.mkdir(output)
    case("a folder named as the output is refused", folder_output, [], True, ["result.png", "folder"])


def snapshot(path):
    """What must not change about a path: its kind, mode, and bytes or link."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        return ("link", os.readlink(path))
    if stat.S_ISREG(st.st_mode):
        with open(path, "rb") as f:
            return ("file", stat.S_IMODE(st.st_mode), f.read())
    return ("other", st.st_mode, st.st_rdev)


def run_memory_guard(tap, tool, weights, style, tmp):
    """A 16384x16384 result needs tens of GB (L-BFGS alone keeps several
    vectors of 805 million doubles): with --memory-limit 16000 it is refused
    at once with the memory message, not left to run. Then the limit is the
    threshold: a small run is refused just below its estimate (which the
    message gives) and runs just above it."""
    square = os.path.join(tmp, "inputs", "square.ppm")
    write_ppm(square, 64, 64)
    base = ["--content", square, "--style", style, "--weights", weights, "--quiet"]

    def refused(extra, name):
        out_dir = tempfile.mkdtemp(dir=tmp, prefix="out-")
        start = time.monotonic()
        try:
            proc = run_tool(tool, base + ["--output", os.path.join(out_dir, "result.png")] + extra, timeout=60)
        except subprocess.TimeoutExpired:
            tap.result(False, name, "still running after 60 s")
            return None
        seconds = time.monotonic() - start
        found = re.search(r"needs about (\d+) MB", proc.stderr)
        ok = proc.returncode == 1 and found is not None and "--memory-limit" in proc.stderr and seconds < 30 \
            and os.listdir(out_dir) == []
        tap.result(ok, name, "exit %d after %.1f s\nstderr:\n%s" % (proc.returncode, seconds, proc.stderr))
        return int(found.group(1)) if ok else None

    refused(["--size", "16384", "--memory-limit", "16000"], "--size 16384 --memory-limit 16000 is refused at once")
    small = ["--size", "64", "--iterations", "1"]
    estimate = refused(small + ["--memory-limit", "1"], "a small run is refused under --memory-limit 1")
    if estimate is None:
        return
    if estimate > 2:
        refused(small + ["--memory-limit", str(estimate - 1)], "... and 1 MB under its estimate")
    out_dir = tempfile.mkdtemp(dir=tmp, prefix="out-")
    proc = run_tool(tool, base + small + ["--output", os.path.join(out_dir, "result.png"),
                                          "--memory-limit", str(estimate + 1)])
    tap.result(proc.returncode == 0 and os.listdir(out_dir) == ["result.png"],
               "... and runs 1 MB over it (%d MB)" % (estimate + 1), "stderr:\n" + proc.stderr)


def readme_options():
    """The options of the README's command-line table, in its order."""
    readme = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "README.md")
    text = open(readme, encoding="utf-8").read()
    table = text[text.index("| option | meaning |"):]
    table = table[:table.index("\n\n")]
    return re.findall(r"^\| `(--[a-z-]+)", table, re.M)


def run_non_finite_stats(tap, tool, weights, weights_dir, content, style, tmp):
    """Weights that are finite but absurd (1e20) overflow to a non-finite
    loss on this content (a flat picture may still give a finite one, and
    then a result). That is a failure, not a result: the optimiser had nothing to
    follow, so no picture it could deliver would be the one asked for, and
    the engine ends such a run with an error (NS_ERROR_WEIGHTS: the weights
    are probably corrupt). So the tool must exit 1 with that message and
    write neither the output nor the stats. The folder has no SHA256SUMS
    (a user's own model, not checked), else the sums would refuse the shard
    before any loss is computed."""
    folder = os.path.join(tmp, "huge-weights")
    os.mkdir(folder)
    with open(weights) as f:
        shard = json.load(f)["weightsManifest"][0]["paths"][0]
    for name in os.listdir(weights_dir):
        if name not in (shard, "SHA256SUMS"):
            os.symlink(os.path.join(weights_dir, name), os.path.join(folder, name))
    size = os.path.getsize(os.path.join(weights_dir, shard))
    with open(os.path.join(folder, shard), "wb") as f:
        f.write(struct.pack("<f", 1e20) * (size // 4))
    out_dir = tempfile.mkdtemp(dir=tmp, prefix="out-")
    stats = os.path.join(out_dir, "stats.json")
    proc = run_tool(tool, ["--content", content, "--style", style, "--weights", folder, "--quiet",
                           "--output", os.path.join(out_dir, "result.png"), "--size", "64",
                           "--iterations", "2", "--stats", stats])
    message = proc.stderr.strip()
    tap.result(proc.returncode == 1 and message.startswith("neural-style: ") and "not a finite number" in message
               and os.listdir(out_dir) == [],
               "a loss that is not finite fails with a message, no output and no stats",
               "exit %d, files %r\nstderr:\n%s" % (proc.returncode, os.listdir(out_dir), proc.stderr))

if __name__ == "__main__":
    main()
