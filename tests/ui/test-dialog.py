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
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (TITLE, changed_box, close_with, screenshot, skip_unless_runnable, start_gimp, test_images,  # noqa: E402
                     wait_for_window, wait_until_drawn, xdotool)

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
    skip_unless_runnable()
    os.makedirs(outdir, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="ns-ui-test-") as tmp:
        content, style = test_images(tmp)
        result = os.path.join(tmp, "layers.txt")
        log_path = os.path.join(outdir, f"gimp-{mode}.log")
        gimp = start_gimp(plugin, tmp, batch_command(content, style, result), log_path)
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

            close_with(window, "Return" if mode == "ok" else "Escape")

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
