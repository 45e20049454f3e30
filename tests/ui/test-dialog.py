#!/usr/bin/python3
"""The plug-in's dialog in real GIMP 2.10 under Xvfb.

    xvfb-run -a -s '-screen 0 1280x1024x24' test-dialog.py PLUGIN OUTDIR ok|cancel

Starts GIMP with a throw-away profile holding the plug-in, opens a content
and a style image and calls plug-in-neural-style interactively from a
Script-Fu batch command. Then, like a person at the screen: waits for the
"Neural Style" window, watches its preview until it shows a stylised picture
(different from the unstyled one it first showed, and not blank), saves a
screenshot to OUTDIR, lowers the iterations and nudges the style weight with
the keyboard, adds a second style row (the dialog grows), switches the
colour mode (the settings change), saves a second screenshot, and presses
Return (ok) or Escape (cancel). The batch command
writes the content image's layer count once the plug-in returns: ok must
have added a layer, cancel must not. Exit 77 (skip) without GIMP or weights.
"""
import os
import shutil
import subprocess
import sys
import tempfile
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


def test_images(folder):
    """Content and style files, drawn here: shapes and gradients, and stripes."""
    y, x = np.mgrid[0:240, 0:320]
    c = np.stack([x * 255 // 320, np.where((x - 160) ** 2 + (y - 120) ** 2 < 60 ** 2, 230, 90),
                  y * 255 // 240], -1).astype(np.uint8)
    s = np.where((((x + y) // 8) % 2)[..., None] == 1, [20, 40, 200], [240, 200, 30]).astype(np.uint8)
    content, style = os.path.join(folder, "content.png"), os.path.join(folder, "style.png")
    Image.fromarray(c).save(content)
    Image.fromarray(s).save(style)
    return content, style


def batch_command(content, style, result):
    # The content is made small so that the full run after OK takes seconds.
    return f"""
(let* ((content (car (gimp-file-load RUN-NONINTERACTIVE "{content}" "{content}")))
       (style (car (gimp-file-load RUN-NONINTERACTIVE "{style}" "{style}")))
       (cd (car (gimp-image-get-active-drawable content)))
       (sd (car (gimp-image-get-active-drawable style))))
  (gimp-image-scale content 160 120)
  (gimp-display-new style)
  (gimp-display-new content)
  (gimp-displays-flush)
  (plug-in-neural-style RUN-INTERACTIVE content cd sd 1.0 1.0 1.0 300 0 0 0)
  (let ((out (open-output-file "{result}")))
    (display (car (gimp-image-get-layers content)) out)
    (newline out)
    (close-output-port out))
  (gimp-quit TRUE))
"""


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


def wait_for_stylised_preview(window, folder, outdir, mode, seconds):
    """Returns (shot, box) once the left part of the dialog shows a
    picture that differs clearly from the first one shown there."""
    first = wait_until_drawn(window, folder, 30)
    assert first is not None, "the dialog never finished drawing"
    shutil.copy(os.path.join(folder, "first.png"), os.path.join(outdir, f"first-{mode}.png"))
    width = first.shape[1]
    deadline = time.time() + seconds
    while time.time() < deadline:
        time.sleep(1.0)
        shot = screenshot(window, os.path.join(folder, "now.png"))
        box = changed_box(first, shot)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        shutil.copy(os.path.join(folder, "now.png"), os.path.join(outdir, f"now-{mode}.png"))
        region = shot[y0:y1, x0:x1]
        print(f"changed region {box}, mean change "
              f"{np.abs(region - first[y0:y1, x0:x1]).mean():.1f}, spread {region.std():.1f}")
        # The preview sits on the left: a picture-sized area there that is
        # not flat (blank) and moved well away from the unstyled picture.
        if (x1 <= width // 2 and x1 - x0 >= 96 and y1 - y0 >= 72 and region.std() > 20
                and np.abs(region - first[y0:y1, x0:x1]).mean() > 8):
            return shot, box
    return None, None


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in ("ok", "cancel"):
        sys.exit(__doc__)
    plugin, outdir, mode = sys.argv[1:]
    if not shutil.which("gimp-2.10") or not os.environ.get("DISPLAY"):
        print("SKIP: needs gimp-2.10 and an X display (run under xvfb-run)")
        sys.exit(77)
    if not weights_present():
        print("SKIP: no network weights (NEURAL_STYLE_WEIGHTS)")
        sys.exit(77)
    os.makedirs(outdir, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="ns-ui-test-") as tmp:
        profile = os.path.join(tmp, "gimp")
        os.makedirs(os.path.join(profile, "plug-ins", "neural-style"))
        os.makedirs(os.path.join(profile, "gradients"))
        shutil.copy(plugin, os.path.join(profile, "plug-ins", "neural-style", "neural-style"))
        content, style = test_images(tmp)
        result = os.path.join(tmp, "layers.txt")
        env = dict(os.environ, GIMP2_DIRECTORY=profile,
                   XDG_CONFIG_HOME=os.path.join(tmp, "config"), XDG_CACHE_HOME=os.path.join(tmp, "cache"))
        log_path = os.path.join(outdir, f"gimp-{mode}.log")
        with open(log_path, "w") as log:
            gimp = subprocess.Popen(["gimp-2.10", "-d", "-f", "-s", "-b", batch_command(content, style, result)],
                                    env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            started = time.time()
            window = wait_for_window(gimp, 240)
            assert window, f"no '{TITLE}' window appeared; see {log_path}"
            for other in xdotool("search", "--onlyvisible", "--name", ".").split():
                print(f"  window {other}: {xdotool('getwindowname', other)}")
            print(f"dialog window {window} after {time.time() - started:.1f} s")

            shot, box = wait_for_stylised_preview(window, tmp, outdir, mode, 120)
            assert shot is not None, "the preview never showed a stylised picture"
            time.sleep(3)   # a few more iterations for the picture
            name = "dialog.png" if mode == "ok" else "dialog-cancel.png"
            shutil.copy(os.path.join(tmp, "now.png"), os.path.join(outdir, name))
            before = screenshot(window, os.path.join(outdir, name))
            print(f"preview region {box}; screenshot: {os.path.join(outdir, name)}")

            # Keyboard only: mnemonics reach the sliders, Home/Right move them.
            # Without a window manager focus can be lost to a GIMP window, so
            # focus and try again until the controls visibly moved.
            settings = (slice(None), slice(box[2], None))   # right of the preview
            moved = None
            for attempt in range(3):
                xdotool("windowfocus", "--sync", window)
                time.sleep(0.3)
                xdotool("key", "--clearmodifiers", "alt+i", "Home", "alt+y", "Right", "Right")
                time.sleep(1.5)
                after = screenshot(window, os.path.join(tmp, "keys.png"))
                moved = changed_box(before[settings], after[settings])
                if moved is not None:
                    break
                print(f"keys had no visible effect (focus on {xdotool('getwindowfocus')}); again")
                shutil.copy(os.path.join(tmp, "keys.png"), os.path.join(outdir, f"keys-{mode}-{attempt}.png"))
            assert moved is not None, "the keyboard did not move any slider"
            print(f"controls changed by keyboard in {moved} (right of the preview), try {attempt + 1}")

            # A second style row (Add a style) makes the dialog taller; then
            # the colour mode: the next entry of Colours (your picture's).
            height = after.shape[0]
            for attempt in range(3):
                xdotool("windowfocus", "--sync", window)
                time.sleep(0.3)
                xdotool("key", "--clearmodifiers", "alt+a")
                time.sleep(1.5)
                grown = screenshot(window, os.path.join(tmp, "rows.png"))
                if grown.shape[0] > height + 40:
                    break
            assert grown.shape[0] > height + 40, \
                f"Add a style did not add a row (height {height} -> {grown.shape[0]})"
            print(f"second style row: dialog height {height} -> {grown.shape[0]}")
            for attempt in range(3):
                xdotool("windowfocus", "--sync", window)
                time.sleep(0.3)
                xdotool("key", "--clearmodifiers", "alt+u", "Down")
                time.sleep(1.5)
                coloured = screenshot(window, os.path.join(tmp, "colours.png"))
                colours_moved = changed_box(grown[settings], coloured[settings]) \
                    if coloured.shape == grown.shape else (0, 0, 0, 0)
                if colours_moved is not None:
                    break
            assert colours_moved is not None, "the keyboard did not change the colour mode"
            print(f"colour mode changed in {colours_moved}")
            # Focus back on a slider: Return in the combo box would open it.
            xdotool("key", "--clearmodifiers", "alt+y")
            time.sleep(4)   # the preview repaints with two styles, the picture's colours
            name = "dialog-styles.png" if mode == "ok" else "dialog-styles-cancel.png"
            screenshot(window, os.path.join(outdir, name))
            print(f"screenshot with two styles: {os.path.join(outdir, name)}")

            for attempt in range(5):
                xdotool("windowfocus", "--sync", window)
                time.sleep(0.3)
                xdotool("key", "--clearmodifiers", "Return" if mode == "ok" else "Escape")
                time.sleep(2)
                if not xdotool("search", "--onlyvisible", "--name", TITLE):
                    break

            gimp.wait(timeout=300)
        finally:
            if gimp.poll() is None:
                gimp.kill()
                gimp.wait()

        assert os.path.isfile(result), f"the batch command did not finish; see {log_path}"
        layers = int(open(result).read().split()[0])
        print(f"content image layers after {mode}: {layers}")
        expected = 2 if mode == "ok" else 1
        assert layers == expected, f"expected {expected} layers after {mode}, found {layers}"
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
