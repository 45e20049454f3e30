"""Shared by the dialog's tests in real GIMP 2.10 under Xvfb: the test
pictures, a throw-away GIMP profile holding the plug-in, and looking at
and typing into windows as a person would (xdotool, ImageMagick's import).
"""
import os
import shutil
import subprocess
import time

import numpy as np
from PIL import Image

TITLE = "^Neural Style$"


def weights_present():
    path = os.environ.get("NEURAL_STYLE_WEIGHTS")
    if not path:
        data = os.environ.get("XDG_DATA_HOME", os.path.expanduser("~/.local/share"))
        path = os.path.join(data, "neural-style", "resnet50", "model.json")
    if os.path.isdir(path):
        path = os.path.join(path, "model.json")
    return os.path.isfile(path)


def test_images(folder, width=320, height=240):
    """Content and style files, drawn here: shapes and gradients, and stripes."""
    y, x = np.mgrid[0:height, 0:width]
    r = min(width, height) // 4
    c = np.stack([x * 255 // width, np.where((x - width // 2) ** 2 + (y - height // 2) ** 2 < r ** 2, 230, 90),
                  y * 255 // height], -1).astype(np.uint8)
    s = np.where((((x + y) // 8) % 2)[..., None] == 1, [20, 40, 200], [240, 200, 30]).astype(np.uint8)
    content, style = os.path.join(folder, "content.png"), os.path.join(folder, "style.png")
    Image.fromarray(c).save(content)
    Image.fromarray(s).save(style)
    return content, style


def xdotool(*args):
    return subprocess.run(["xdotool", *args], capture_output=True, text=True).stdout.strip()


def screenshot(window, path):
    # No window manager: GIMP's own windows may pop up over the dialog, so
    # bring it to the front as a person would before looking.
    xdotool("windowraise", window)
    subprocess.run(["import", "-window", window, path], check=True, capture_output=True)
    return np.asarray(Image.open(path).convert("RGB")).astype(np.int16)


def changed_box(before, after):
    """Bounding box (x0, y0, x1, y1) of the pixels that changed, or None."""
    h, w = min(before.shape[0], after.shape[0]), min(before.shape[1], after.shape[1])
    before, after = before[:h, :w], after[:h, :w]
    moved = np.abs(after - before).max(axis=2) > 24
    ys, xs = np.nonzero(moved)
    if len(xs) < 500:
        return None
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


def wait_for_window(gimp, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if gimp.poll() is not None:
            return None
        window = xdotool("search", "--onlyvisible", "--name", TITLE).split("\n")[0]
        if window:
            return window
        time.sleep(0.5)
    return None


def wait_until_drawn(window, folder, seconds):
    """The first screenshot whose settings half (right) is drawn and steady;
    the preview on the left still shows the unstyled picture then."""
    previous = None
    deadline = time.time() + seconds
    while time.time() < deadline:
        shot = screenshot(window, os.path.join(folder, "first.png"))
        settings = shot[:, shot.shape[1] // 2:]
        if previous is not None and previous.shape == settings.shape \
                and np.array_equal(previous, settings) and settings.std() > 10:
            return shot
        previous = settings
        time.sleep(0.2)
    return None



def press(window, *keys):
    """Keys into window, focused first (there is no window manager)."""
    xdotool("windowfocus", "--sync", window)
    time.sleep(0.3)
    xdotool("key", "--clearmodifiers", *keys)


def close_with(window, key, title=TITLE):
    """Presses key until no window of that title shows (focus can be lost
    to a GIMP window), at most five times."""
    for attempt in range(5):
        press(window, key)
        time.sleep(2)
        if not xdotool("search", "--onlyvisible", "--name", title):
            return


def start_gimp(plugin, tmp, batch, log_path, probe=None):
    """GIMP with a fresh profile holding the plug-in (and the test plug-in
    probe, call-probe.c), running batch."""
    profile = os.path.join(tmp, "gimp")
    os.makedirs(os.path.join(profile, "gradients"))
    for name, path in (("neural-style", plugin), ("ns-call-probe", probe)):
        if path is not None:
            os.makedirs(os.path.join(profile, "plug-ins", name))
            shutil.copy(path, os.path.join(profile, "plug-ins", name, name))
    env = dict(os.environ, GIMP2_DIRECTORY=profile,
               XDG_CONFIG_HOME=os.path.join(tmp, "config"), XDG_CACHE_HOME=os.path.join(tmp, "cache"))
    with open(log_path, "w") as log:
        return subprocess.Popen(["gimp-2.10", "-d", "-f", "-s", "-b", batch],
                                env=env, stdout=log, stderr=subprocess.STDOUT)


def skip_unless_runnable():
    if not shutil.which("gimp-2.10") or not os.environ.get("DISPLAY"):
        print("SKIP: needs gimp-2.10 and an X display (run under xvfb-run)")
        raise SystemExit(77)
    if not weights_present():
        print("SKIP: no network weights (NEURAL_STYLE_WEIGHTS)")
        raise SystemExit(77)
