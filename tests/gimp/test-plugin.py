#!/usr/bin/python3
"""Tests the plug-in inside real GIMP 2.10 (gimp-console, batch Script-Fu).

Usage: test-plugin.py PLUGIN LOCALEDIR PROBE [--keep]

PROBE is the test plug-in call-probe.c builds, installed beside PLUGIN.

Installs PLUGIN, with the translations built in LOCALEDIR
(LANG/LC_MESSAGES/*.mo) beside it as install.sh does, into a throw-away
GIMP profile (GIMP2_DIRECTORY), runs
checks.scm in one gimp-console session, then checks what it recorded
(checks.txt, one S-expression per case) and the PNGs it saved against
expectations computed here: layer placement, size, offsets and alpha,
pixels changed inside the (selected) region and bit-identical outside,
errors for bad inputs with the image unchanged, the weights hint when
the weights are missing, and a German message under LANGUAGE=de. Then undo.scm runs in GUI GIMP under Xvfb, where
this script presses Ctrl+Z (GIMP 2.10's PDB cannot undo) and checks that one
undo restores the layers and pixels. plug-in-neural-style-full: two styles
in luminance (the content's chroma kept), its last values, two styles on
the two sides of a saved selection (colourful and grey), a feathered
selection with a style area, and each kind of bad argument. pdb.scm: the
two procedures' arguments as the PDB describes them, against the README's
tables and the published types, last values stored in an older layout
refused, and a call with the wrong number of arguments a calling error. TAP output; exit 77 (skip) without
weights.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
GIMP = "gimp-console-2.10"


def default_weights():
    """The model.json that ns_weights_default_path() resolves to."""
    env = os.environ.get("NEURAL_STYLE_WEIGHTS")
    if env:
        return os.path.join(env, "model.json") if os.path.isdir(env) else env
    data = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return os.path.join(data, "neural-style", "resnet50", "model.json")


def parse_sexp(text):
    """Parses Script-Fu's `write` output: lists, strings, numbers, symbols."""
    tokens = re.findall(r'"(?:\\.|[^"\\])*"|[()]|[^\s()"]+', text)
    pos = 0

    def item():
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        if tok == "(":
            out = []
            while tokens[pos] != ")":
                out.append(item())
            pos += 1
            return out
        if tok.startswith('"'):
            return bytes(tok[1:-1], "utf-8").decode("unicode_escape")
        try:
            return int(tok)
        except ValueError:
            try:
                return float(tok)
            except ValueError:
                return tok

    return item()


def run_gimp(profile, weights, batch, timeout, **extra_env):
    env = dict(os.environ, GIMP2_DIRECTORY=profile, NEURAL_STYLE_WEIGHTS=weights, **extra_env)
    cmd = [GIMP, "-i", "-d", "-f"]
    for b in batch:
        cmd += ["-b", b]
    cmd += ["-b", "(gimp-quit 0)"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


def load_script(tmp, name):
    """The batch command that loads tests/gimp/NAME.scm."""
    return '(begin (define ns-tmp "%s") (define ns-here "%s") (define ns-results "%s") (load "%s"))' % (
        tmp, HERE, os.path.join(tmp, name + ".txt"), os.path.join(HERE, name + ".scm"))


def read_results(tmp, name):
    path = os.path.join(tmp, name + ".txt")
    lines = open(path).read().splitlines() if os.path.exists(path) else []
    return {c[0]: c for c in map(parse_sexp, lines)}


def make_profile(root, plugin, localedir, probe=None):
    profile = os.path.join(root, "profile")
    folder = os.path.join(profile, "plug-ins", "neural-style")
    os.makedirs(folder)
    shutil.copy(plugin, os.path.join(folder, "neural-style"))
    if probe is not None:   # the test plug-in that makes calls Script-Fu cannot (call-probe.c)
        os.makedirs(os.path.join(profile, "plug-ins", "ns-call-probe"))
        shutil.copy(probe, os.path.join(profile, "plug-ins", "ns-call-probe", "ns-call-probe"))
    for lang in os.listdir(localedir):
        messages = os.path.join(localedir, lang, "LC_MESSAGES")
        if os.path.isdir(messages):
            shutil.copytree(messages, os.path.join(folder, "locale", lang, "LC_MESSAGES"))
    for sub in ("gradients", "brushes", "patterns", "palettes"):
        os.makedirs(os.path.join(profile, sub))
    return profile


def pixels(tmp, name):
    path = os.path.join(tmp, name + ".png")
    if not os.path.exists(path):
        return np.zeros((0, 0, 4), np.int16) - 1    # matches nothing real
    return np.asarray(Image.open(os.path.join(tmp, name + ".png")).convert("RGBA"), dtype=np.int16)


def remove_unless_kept(root, keep):
    """The run's scratch folder goes, unless --keep asked to look at it."""
    if keep:
        print("# kept", root)
    else:
        shutil.rmtree(root, ignore_errors=True)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        self.start = time.time()

    def ok(self, cond, what, detail=""):
        self.n += 1
        if not cond:
            self.failed += 1
        print("%s %d - %s%s" % ("ok" if cond else "not ok", self.n, what,
                                "" if cond else "  # " + str(detail)))
        print("# %.1f s" % (time.time() - self.start))
        sys.stdout.flush()


def check_success(tap, tmp, case, expect_grey=False, ellipse=None, source=None):
    """A successful case: the layer, where it is, and its pixels. source:
    the drawable's name if it is the only layer of its image (at 0,0)."""
    name, outcome, position, before, after = case[0], case[1], case[2], case[3][1], case[4][1]
    tap.ok(outcome[0] == "ok", name + ": succeeds", outcome)
    if outcome[0] != "ok":
        return
    layer_id = outcome[1]
    new = [l for l in after if l[0] == layer_id]
    tap.ok(len(after) == len(before) + 1 and len(new) == 1, name + ": adds exactly one layer")
    alone = source or ("grey" if expect_grey else None)
    src = [l for l in after if l[1] == (alone or "content")][0]
    tap.ok(position[1] >= 0 and position[1] == position[2] - 1,
           name + ": new layer directly above the drawable", position)
    tap.ok(new[0][1] == src[1] + " (Neural Style)", name + ": named after the drawable", new[0][1])
    tap.ok(new[0][2:6] == src[2:6], name + ": same size and offsets", (new[0][2:6], src[2:6]))
    # GimpImageType: 0 RGB, 1 RGBA, 2 GRAY, 3 GRAYA.
    tap.ok(new[0][6] == src[6], name + ": same image type (grey stays grey)", (new[0][6], src[6]))

    result = pixels(tmp, name + "-layer")
    # The grey image is one layer at 0,0: its composite is the drawable.
    original = pixels(tmp, name + "-before" if alone else "content")
    if expect_grey:
        tap.ok(np.array_equal(result[..., 0], result[..., 1]) and
               np.array_equal(result[..., 0], result[..., 2]), name + ": result is grey")
    tap.ok(np.array_equal(result[..., 3], original[..., 3]),
           name + ": alpha kept (transparent hole stays transparent)")
    opaque = original[..., 3] > 0
    inside = outside = None
    if ellipse is None:
        inside = np.ones(opaque.shape, bool)
    else:
        # Pixel centres clearly inside / outside the antialiased edge.
        x, y, w, h = ellipse
        yy, xx = np.mgrid[0:opaque.shape[0], 0:opaque.shape[1]] + 0.5
        cx, cy, rx, ry = x + w / 2, y + h / 2, w / 2, h / 2
        inside = ((xx - cx) / (rx - 1.5)) ** 2 + ((yy - cy) / (ry - 1.5)) ** 2 < 1
        outside = ((xx - cx) / (rx + 1.5)) ** 2 + ((yy - cy) / (ry + 1.5)) ** 2 > 1
    diff = np.abs(result[..., :3] - original[..., :3]).max(axis=2)
    changed = diff[inside & opaque].mean()
    tap.ok(changed > 3.0, name + ": pixels changed (mean |diff| %.1f/255)" % changed)
    if outside is not None:
        tap.ok(diff[outside].max() == 0, name + ": pixels outside the selection unchanged "
               "(also inside its bounding box)", diff[outside].max())
    return result


def chroma_planes(rgb):
    """Cb and Cr (ITU-R BT.601) of 0..255 RGB: where a pixel's colour lies
    apart from its lightness."""
    r, g, b = (rgb[..., c].astype(np.float64) for c in range(3))
    return -0.1687 * r - 0.3313 * g + 0.5 * b, 0.5 * r - 0.4187 * g - 0.0813 * b


def chroma(rgb):
    cb, cr = chroma_planes(rgb)
    return np.hypot(cb, cr)


def chroma_shift(result, original):
    """Mean distance of the colours from the original's (opaque pixels)."""
    opaque = original[..., 3] > 0
    (cb, cr), (cb0, cr0) = chroma_planes(result), chroma_planes(original)
    return np.hypot(cb - cb0, cr - cr0)[opaque].mean()


def check_full(tap, tmp, case, basic):
    """plug-in-neural-style-full: luminance, last values, regions, feather."""
    luminance = check_success(tap, tmp, case("full-luminance"))
    last = check_success(tap, tmp, case("full-last-vals"))
    content = pixels(tmp, "content")
    if luminance is not None and basic is not None:
        kept, moved = chroma_shift(luminance, content), chroma_shift(basic, content)
        tap.ok(kept < 4.0 and kept < moved / 3,
               "full-luminance: keeps the content's colours (chroma shift %.2f; the style's colours: %.2f)"
               % (kept, moved))
    if luminance is not None and last is not None:
        d = np.abs(luminance - last).mean()
        tap.ok(d < 1.0, "full-last-vals: repeats the last run (mean |diff| %.3f)" % d)

    # Grey picture; colourful style in the left half (the saved selection),
    # grey style in the right half (the inverted one).
    regions = check_success(tap, tmp, case("full-regions"), source="regions")
    if regions is not None:
        c = chroma(regions)
        left, right = c[:, :26].mean(), c[:, 38:].mean()
        tap.ok(left > 50 and left > 3 * right,
               "full-regions: colourful inside the selection (chroma %.1f), grey outside (%.1f)" % (left, right))
    feather = check_success(tap, tmp, case("full-feather"), source="regions")
    if feather is not None:
        original = pixels(tmp, "full-feather-before")
        diff = np.abs(feather[..., :3] - original[..., :3]).max(axis=2)
        tap.ok(diff[:2].max() == 0 and diff[:, :6].max() == 0,
               "full-feather: nothing changes outside the feathered selection", diff[:2].max())

    for name, pattern in [("full-region-layer", r"region of style 1.*not a channel"),
                          ("full-region-other-image", r"region of style 1.*another image"),
                          ("full-area-other-image", r"area of style 1.*another image"),
                          ("full-region-negative", r"style-regions\[0\]"),
                          ("full-blends-count", r"num-blends is 1 but num-styles is 2"),
                          ("full-regions-count", r"num-regions is 1 but num-styles is 2"),
                          ("full-areas-count", r"num-areas is 1 but num-styles is 2"),
                          ("full-no-styles", r"num-styles is 0"),
                          ("full-bad-style", r"987654.*no longer exists"),
                          ("full-blends-zero", r"blend weights must not all be 0"),
                          ("full-colors", r"colour mode"),
                          ("full-scale", r"style scale")]:
        check_failure(tap, tmp, case(name), pattern)


def check_failure(tap, tmp, case, pattern):
    name, outcome, before, after = case[0], case[1], case[3][1], case[4][1]
    message = outcome[1] if outcome[0] == "error" else ""
    tap.ok(outcome[0] == "error" and re.search(pattern, message, re.I),
           name + ": fails with a clear message (%s)" % message.replace("\n", " ")[-150:], outcome)
    tap.ok(before == after, name + ": layers unchanged", (before, after))
    tap.ok(np.array_equal(pixels(tmp, name + "-before"), pixels(tmp, name + "-after")),
           name + ": pixels unchanged")


def call_once(profile, weights, path, mode="RUN-NONINTERACTIVE", other_image=False,
              values="1.0 1.0 1.0 5 32 0 0", **env):
    """Calls the plug-in once in gimp-console on a fresh 64x64 layer, passed
    with its own image or (other_image) with another one, with values (the
    weights, iterations, size, seed and init, as Script-Fu). Returns what the
    batch wrote to path: the outcome ("ok", or the error message as raw
    UTF-8), a newline, and the layer count of the layer's image; and GIMP's
    stderr."""
    proc = run_gimp(profile, weights, [
        '''(let* ((out (open-output-file "%s"))
                  (img (car (gimp-image-new 64 64 RGB)))
                  (other (car (gimp-image-new 64 64 RGB)))
                  (layer (car (gimp-layer-new img 64 64 RGB-IMAGE "c" 100 LAYER-MODE-NORMAL))))
             (gimp-image-insert-layer img layer 0 0)
             (display (call/cc (lambda (k)
                        (set! *error-hook* (lambda args (k (car args))))
                        (plug-in-neural-style %s %s layer layer %s)
                        "ok"))
                      out)
             (newline out)
             (display (car (gimp-image-get-layers img)) out)
             (close-output-port out))''' % (path, mode, "other" if other_image else "img", values)],
        timeout=120, **env)
    text = open(path, encoding="utf-8", errors="replace").read() if os.path.exists(path) else "(missing)"
    return text, proc.stderr


# The published procedures' argument types (GimpPDBArgType), by name; a
# name means the same type in both procedures. Changing one breaks every
# script that calls the plug-in.
PDB_TYPES = {"run-mode": 0, "image": 13, "drawable": 16, "style-drawable": 16, "content-weight": 3,
             "style-weight": 3, "tv-weight": 3, "iterations": 0, "size": 0, "seed": 0, "init": 0,
             "num-styles": 0, "style-drawables": 5, "num-blends": 0, "style-blends": 8, "num-regions": 0,
             "style-regions": 5, "num-areas": 0, "style-areas": 5, "style-scale": 3, "preserve-colors": 0,
             "temporal-weight": 3}


def readme_signatures():
    """The README's three argument tables (Script-Fu), as {procedure: [names in
    order]}: a row "14-20 | content-weight, ..., init" names arguments 14 to 20."""
    readme = open(os.path.join(HERE, "..", "..", "README.md"), encoding="utf-8").read()
    tables = {}
    for proc in ("plug-in-neural-style", "plug-in-neural-style-full", "plug-in-neural-style-frames"):
        start = readme.index("`%s` take" % proc)
        rows = re.findall(r"^\| ([0-9][0-9, -]*) \| ([^|]+) \|", readme[start:readme.index("\n\n", readme.index("| # |", start))],
                          re.M)
        names = []
        for numbers, text in rows:
            first = int(re.match(r"[0-9]+", numbers).group())
            row = [n.strip() for n in text.split(",")]
            if first != len(names) + 1:
                raise ValueError("%s: row %s does not follow argument %d" % (proc, numbers, len(names)))
            names += row
        tables[proc] = names
    return tables


def check_signatures(tap, profile, weights, tmp):
    """The two procedures keep exactly their published arguments: the PDB's own
    description (names, order, count) against the README's tables, and each
    argument's type against PDB_TYPES. And last values stored by an older
    plug-in (its raw struct) are refused, not misread."""
    proc = run_gimp(profile, weights, [load_script(tmp, "pdb")], timeout=120)
    found = read_results(tmp, "pdb")
    tap.ok("done" in found, "pdb.scm ran to the end", proc.stderr[-2000:])
    for name, documented in readme_signatures().items():
        registered = found.get(name, [name, []])[1]
        names = [arg[1] for arg in registered]
        tap.ok(names == documented, "%s: %d arguments, named and ordered as in the README" % (name, len(names)),
               (names, documented))
        wrong = [(arg[1], arg[0], PDB_TYPES.get(arg[1])) for arg in registered if PDB_TYPES.get(arg[1]) != arg[0]]
        tap.ok(registered and not wrong, "%s: every argument has its published type" % name, wrong)
    # Last values in an older layout are not misread as raw bytes.
    tap.ok(found.get("stored-size", [None, None])[1] == 256, "pdb.scm stored an old layout's 256 bytes",
           found.get("stored-size"))
    check_failure(tap, tmp, found.get("stored-old-layout", ["stored-old-layout", ["error", "case did not run"],
                                                            ["position", -1, -1], ["before", []], ["after", [None]]]),
                  r"no last values.*another version")
    # A call with another count of arguments is a calling error (GimpPDBStatusType 1), as in GIMP's
    # own plug-ins; the right count with values the plug-in refuses is an execution error (0).
    for name, right, control in (("plug-in-neural-style", 11, "iterations"),
                                 ("plug-in-neural-style-full", 20, "num-styles is 0")):
        for count in (2 if right == 11 else 3, right - 1, right, right + 1):
            call = found.get("call %s %d" % (name, count), [None, None])[1]
            status, message = (call[0], call[1]) if isinstance(call, list) and len(call) == 2 else (None, str(call))
            if count == right:
                tap.ok(status == 0 and control in message,
                       "%s with its %d arguments reaches the plug-in (%s)" % (name, count, message), call)
            else:
                tap.ok(status == 1 and "takes %d arguments, got %d" % (right, count) in message,
                       "%s with %d arguments: a calling error (%s)" % (name, count, message), call)


def check_german(tap, profile, weights, tmp):
    """Under LANGUAGE=de the plug-in's own message comes back in German
    (C.UTF-8 is the only locale some machines have; gettext still follows
    LANGUAGE there)."""
    text, stderr = call_once(profile, weights, os.path.join(tmp, "german.txt"), other_image=True,
                             LANGUAGE="de", LANG="C.UTF-8", LC_ALL="", LC_MESSAGES="")
    tap.ok("gehört nicht zum übergebenen Bild" in text,
           "German: the plug-in's message is translated (%s)" % text.replace("\n", " ")[-160:], stderr[-500:])


def check_german_engine(tap, profile, weights, tmp):
    """Under LANGUAGE=de a message of the engine (which the plug-in passes
    on: it leaves the ranges to ns_params_validate) comes back in German too:
    0 iterations."""
    text, stderr = call_once(profile, weights, os.path.join(tmp, "german-engine.txt"),
                             values="1.0 1.0 1.0 0 32 0 0",
                             LANGUAGE="de", LANG="C.UTF-8", LC_ALL="", LC_MESSAGES="")
    tap.ok("die Zahl der Iterationen muss zwischen 1 und" in text and text.rstrip().endswith("1"),
           "German: the engine's message is translated, no layer added (%s)" % text.replace("\n", " ")[-160:],
           stderr[-500:])


def check_no_display(tap, profile, weights, tmp):
    """RUN-INTERACTIVE where no dialog can open is an execution error with a
    message, not a silent cancel."""
    text, stderr = call_once(profile, weights, os.path.join(tmp, "no-display.txt"), mode="RUN-INTERACTIVE",
                             DISPLAY="", WAYLAND_DISPLAY="")
    tap.ok(re.search(r"execution.*cannot open its dialog", text) is not None and text.rstrip().endswith("1"),
           "no display: an execution error naming the dialog, no layer added", text + stderr[-500:])


def start_xvfb():
    """Starts Xvfb on a free display; returns (process, ":N")."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = pipe.readline().strip()
    return xvfb, ":" + display


def press_undo(env, timeout=60):
    """Ctrl+Z in the image window; returns whether a window was found."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "Untitled"],
                               env=env, capture_output=True, text=True).stdout.split()
        if found:
            subprocess.run(["xdotool", "windowfocus", "--sync", found[0]], env=env, timeout=10)
            time.sleep(0.5)
            subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+z"], env=env, timeout=10)
            return True
        time.sleep(0.5)
    return False


def check_undo(tap, profile, weights, tmp):
    """One undo in the GUI restores the layers and the composite exactly."""
    missing = [p for p in ("gimp-2.10", "Xvfb", "xdotool") if shutil.which(p) is None]
    if missing:
        tap.ok(True, "undo # SKIP %s not installed" % " ".join(missing))
        return
    xvfb, display = start_xvfb()
    env = dict(os.environ, GIMP2_DIRECTORY=profile, NEURAL_STYLE_WEIGHTS=weights, DISPLAY=display)
    gimp = subprocess.Popen(["gimp-2.10", "-d", "-f", "-s", "-b", load_script(tmp, "undo")],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        ready = os.path.join(tmp, "ready.txt")
        deadline = time.time() + 180
        while not os.path.exists(ready) and gimp.poll() is None and time.time() < deadline:
            time.sleep(0.2)
        tap.ok(os.path.exists(ready), "undo: the plug-in ran in GUI GIMP")
        tap.ok(press_undo(env), "undo: found the image window")
        try:
            gimp.wait(timeout=120)
        except subprocess.TimeoutExpired:
            pass
    finally:
        if gimp.poll() is None:
            gimp.kill()
        stderr = gimp.communicate()[1]
        xvfb.terminate()
        xvfb.wait()
    case = read_results(tmp, "undo").get("undo")
    tap.ok(case is not None and case[1][0] == "ok", "undo: plug-in succeeded",
           case or stderr[-1500:])
    if case is None or case[1][0] != "ok":
        return
    before, styled, after = case[2][1], case[3][1], case[4][1]
    tap.ok(len(styled) == len(before) + 1, "undo: the run added a layer")
    tap.ok(not np.array_equal(pixels(tmp, "undo-styled"), pixels(tmp, "undo-before")),
           "undo: the run changed the composite")
    tap.ok(after == before, "undo: one Ctrl+Z restores the layers", (before, after))
    tap.ok(np.array_equal(pixels(tmp, "undo-after"), pixels(tmp, "undo-before")),
           "undo: one Ctrl+Z restores the pixels exactly")
    tap.ok(case[5][1] == 1, "undo: the selection is kept", case[5])


def main():
    plugin = os.path.abspath(sys.argv[1])
    localedir = os.path.abspath(sys.argv[2])
    probe = os.path.abspath(sys.argv[3])
    keep = "--keep" in sys.argv
    weights = default_weights()
    if not os.path.isfile(weights):
        print("1..0 # SKIP weights not found at %s (run weights/fetch-weights.sh)" % weights)
        return 77
    if shutil.which(GIMP) is None:
        print("1..0 # SKIP %s not installed" % GIMP)
        return 77

    root = tempfile.mkdtemp(prefix="ns-gimp-test-")
    tap = Tap()
    try:
        profile = make_profile(root, plugin, localedir, probe)
        tmp = os.path.join(root, "out")
        os.makedirs(tmp)
        proc = run_gimp(profile, weights, [load_script(tmp, "checks")], timeout=1400)
        cases = read_results(tmp, "checks")
        tap.ok("done" in cases, "checks.scm ran to the end", proc.stderr[-2000:])

        def case(name):
            return cases.get(name, [name, ["error", "case did not run"], ["position", -1, -1],
                                    ["before", []], ["after", [None]]])

        basic = check_success(tap, tmp, case("basic"))
        last = check_success(tap, tmp, case("last-vals"))
        if basic is not None and last is not None:
            # Same values, same seed: the same result up to threading noise.
            d = np.abs(basic - last).mean()
            tap.ok(d < 1.0, "last-vals: repeats the last run (mean |diff| %.3f)" % d)
        # Elliptic selection (image coords 52,40 40x44) in the layer at 12,20.
        check_success(tap, tmp, case("selection"), ellipse=(40, 20, 40, 44))
        check_success(tap, tmp, case("grey-content"), expect_grey=True)
        check_success(tap, tmp, case("grey-style"))
        check_success(tap, tmp, case("rgba-style"))

        check_failure(tap, tmp, case("indexed"), r"indexed")
        check_failure(tap, tmp, case("tiny"), r"small|at least")
        check_failure(tap, tmp, case("iterations-0"), r"iterations")
        check_failure(tap, tmp, case("iterations-neg"), r"iterations")
        # GIMP itself rejects NaN floats before the plug-in runs.
        check_failure(tap, tmp, case("content-nan"), r"content.weight")
        check_failure(tap, tmp, case("style-nan"), r"style.weight")
        check_failure(tap, tmp, case("tv-neg"), r"tv weight")
        check_failure(tap, tmp, case("init-bad"), r"init")
        check_failure(tap, tmp, case("size-neg"), r"size")
        check_failure(tap, tmp, case("size-huge"), r"memory")
        tap.ok(case("gone-setup")[1][0] == "ok", "gone-setup: a run with the soon-closed style")
        check_failure(tap, tmp, case("gone-direct"), r"invalid ID|no longer exists")
        check_failure(tap, tmp, case("gone-last-vals"), r"no longer exists")
        # The drawable's own image is recorded apart: it must not change either.
        check_failure(tap, tmp, case("wrong-image"), r"not in the image .* passed with")
        other = cases.get("wrong-image-content", ["wrong-image-content", ["before", []], ["after", [None]]])
        tap.ok(other[1][1] == other[2][1] and len(other[1][1]) == 3,
               "wrong-image: the drawable's own image keeps its layers", other)
        tap.ok(np.array_equal(pixels(tmp, "wrong-image-content-before"), pixels(tmp, "wrong-image-content-after")),
               "wrong-image: the drawable's own image keeps its pixels")

        check_full(tap, tmp, case, basic)
        check_signatures(tap, profile, weights, tmp)

        # Missing weights: the error carries the engine's fetch hint.
        missing = os.path.join(root, "missing", "model.json")
        text, stderr = call_once(profile, missing, os.path.join(tmp, "weights.txt"))
        tap.ok("weights" in text and text.count("fetch-weights.sh") == 1 and text.rstrip().endswith("1"),
               "missing weights: error with the fetch hint (once), no layer added", text + stderr[-500:])
        check_german(tap, profile, weights, tmp)
        check_german_engine(tap, profile, weights, tmp)
        check_no_display(tap, profile, weights, tmp)
        check_undo(tap, profile, weights, tmp)
    finally:
        remove_unless_kept(root, keep)
    print("1..%d" % tap.n)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
