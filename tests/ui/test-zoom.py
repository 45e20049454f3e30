#!/usr/bin/python3
"""The dialog's preview zoomed, split and compared with OK's layer, and
Cancel in GIMP's progress, in real GIMP 2.10 under Xvfb.

    xvfb-run -a -s '-screen 0 1366x768x24' test-zoom.py PLUGIN PROBE OUTDIR zoom|cancel

zoom: a first non-interactive run on a copy of the image leaves its
settings (few iterations, full size) as the last values the dialog starts
from. On a screen of 1366x768 the dialog must fit. Screenshots: fitted
(zoom-fit.png), at 100% (zoom-100.png), after a drag (zoom-pan.png), split
(zoom-split.png), with the right button held (zoom-original.png). Then OK;
the preview's pixels after the pan must be the new layer's where they
show it (found by matching), within a mean of 2/255, the split's left
side and the held view the original's.

cancel: the plug-in runs from the test plug-in PROBE (call-probe.c), so
its status comes back; after OK, Cancel in GIMP's progress window must
end the run with GIMP_PDB_CANCEL and leave the image as it was (one
layer, its pixels as loaded, as dirty as before). Exit 77 (skip) without GIMP or weights.
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (close_with, press, screenshot, skip_unless_runnable, start_gimp, test_images,  # noqa: E402
                     wait_for_window, wait_until_drawn, xdotool)

WIDTH, HEIGHT = 800, 600         # above the engine's optimised size: the brushwork stage makes it
ITERATIONS = 4
TOLERANCE = 2.0                  # mean |preview - layer|, in 8-bit levels
GIMP_PDB_CANCEL = 4


def load(content, style):
    return f"""
  (content (car (gimp-file-load RUN-NONINTERACTIVE "{content}" "{content}")))
  (style (car (gimp-file-load RUN-NONINTERACTIVE "{style}" "{style}")))
  (cd (car (gimp-image-get-active-drawable content)))
  (sd (car (gimp-image-get-active-drawable style)))"""


def zoom_batch(content, style, result, layers):
    return f"""
(let* ({load(content, style)}
       (scratch (car (gimp-image-duplicate content))))
  (plug-in-neural-style RUN-NONINTERACTIVE scratch (car (gimp-image-get-active-drawable scratch)) sd
                        1.0 1.0 1.0 {ITERATIONS} 0 0 0)
  (gimp-image-delete scratch)
  (gimp-display-new style)
  (gimp-display-new content)
  (gimp-displays-flush)
  (let ((styled (car (plug-in-neural-style RUN-INTERACTIVE content cd sd 1.0 1.0 1.0 {ITERATIONS} 0 0 0))))
    (file-png-save2 RUN-NONINTERACTIVE content styled "{result}" "{result}" 0 9 0 0 0 0 0 0 0))
  (let ((out (open-output-file "{layers}")))
    (display (car (gimp-image-get-layers content)) out)
    (close-output-port out))
  (gimp-quit TRUE))
"""


def cancel_batch(content, style, outcome, after):
    return f"""
(let* ({load(content, style)}
       (dirty (car (gimp-image-is-dirty content))))
  (gimp-display-new style)
  (gimp-display-new content)
  (gimp-displays-flush)
  (let ((status (car (test-neural-style-call-probe RUN-INTERACTIVE "plug-in-neural-style" 11 content cd)))
        (out (open-output-file "{outcome}")))
    (display status out) (newline out)
    (display (car (gimp-image-get-layers content)) out) (newline out)
    (display dirty out) (newline out)
    (display (car (gimp-image-is-dirty content)) out)
    (close-output-port out))
  (file-png-save2 RUN-NONINTERACTIVE content cd "{after}" "{after}" 0 9 0 0 0 0 0 0 0)
  (gimp-quit TRUE))
"""


def region(shot, box):
    x0, y0, x1, y1 = box
    return shot[y0:y1, x0:x1]


BADGE = 0x30    # ns-zoom-view.h: the grey badge shown while the part OK makes is being made


def waiting(shot, box):
    """The badge in the view's top-left corner (its left end, left of its dots)."""
    x0, y0 = box[0], box[1]
    return bool((shot[y0 + 8:y0 + 18, x0 + 7:x0 + 11] == BADGE).all())


def wait_for_part(window, path, box, seconds, before):
    """A screenshot once the view shows the part OK makes: no badge (ns-zoom-view.c
    shows it from the request on) and a picture other than before."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        shot = screenshot(window, path)
        if not waiting(shot, box) and np.abs(region(shot, box) - before).mean() > 1:
            return shot
        time.sleep(0.5)
    raise AssertionError(f"the part OK makes did not come in {seconds} s ({path})")


def view_box(shot):
    """The preview at 100%: the picture covers it, in the left half, where
    the dialog's background is not."""
    left = shot[:, :shot.shape[1] // 2]
    background = np.median(left[-5:, :, :].reshape(-1, 3), axis=0)
    painted = np.abs(left - background).max(axis=2) > 12
    rows = np.nonzero(painted.sum(axis=1) > 0.8 * left.shape[1] * 0.8)[0]
    assert len(rows) > 100, "no picture in the preview"
    y0, y1 = rows.min(), rows.max() + 1
    cols = np.nonzero(painted[y0:y1].mean(axis=0) > 0.9)[0]
    return int(cols.min()), int(y0), int(cols.max()) + 1, int(y1)


def match(crop, picture):
    """(x, y, mean |difference|) of crop's best place in picture."""
    crop, picture = crop.astype(np.float64), picture.astype(np.float64)
    h, w = crop.shape[:2]
    best = (None, None, np.inf)
    # Coarse to fine would be faster; the picture is small enough for this.
    gray_p, gray_c = picture.mean(axis=2), crop.mean(axis=2)
    size = (gray_p.shape[0] + h, gray_p.shape[1] + w)
    fp = np.fft.rfft2(gray_p, size)
    corr = np.fft.irfft2(fp * np.conj(np.fft.rfft2(gray_c, size)), size)
    sq = np.cumsum(np.cumsum(np.pad(gray_p ** 2, ((1, 0), (1, 0))), 0), 1)
    ys, xs = np.mgrid[0:gray_p.shape[0] - h + 1, 0:gray_p.shape[1] - w + 1]
    window = sq[ys + h, xs + w] - sq[ys, xs + w] - sq[ys + h, xs] + sq[ys, xs]
    ssd = window - 2 * corr[:ys.shape[0], :ys.shape[1]] + (gray_c ** 2).sum()
    for y, x in zip(*np.unravel_index(np.argsort(ssd, axis=None)[:5], ssd.shape)):
        diff = np.abs(picture[y:y + h, x:x + w] - crop).mean()
        if diff < best[2]:
            best = (int(x), int(y), diff)
    return best


def run_zoom(plugin, outdir, tmp):
    content, style = test_images(tmp, WIDTH, HEIGHT)
    result, layers = os.path.join(tmp, "result.png"), os.path.join(tmp, "layers.txt")
    gimp = start_gimp(plugin, tmp, zoom_batch(content, style, result, layers), os.path.join(outdir, "gimp-zoom.log"))
    try:
        window = wait_for_window(gimp, 400)
        assert window, "no dialog"
        geometry = xdotool("getwindowgeometry", window)
        print(geometry)
        size = [int(v) for v in geometry.split("Geometry:")[1].split("x")]
        assert size[1] <= 768 and size[0] <= 1366, f"the dialog ({size}) does not fit a 1366x768 screen"
        fitted = wait_until_drawn(window, tmp, 60)
        assert fitted is not None
        time.sleep(10)   # the sketch
        fitted = screenshot(window, os.path.join(outdir, "zoom-fit.png"))

        # First the sketch enlarged with the badge (a loaded machine may take
        # a while to zoom), then the part OK makes.
        press(window, "alt+1")
        deadline = time.time() + 60
        while True:
            sketch = screenshot(window, os.path.join(outdir, "zoom-waiting.png"))
            box = view_box(sketch)
            if waiting(sketch, box):
                break
            assert time.time() < deadline, "no badge while the 100% view is being made"
            time.sleep(0.5)
        print(f"preview at 100% in {box}")
        zoomed = wait_for_part(window, os.path.join(outdir, "zoom-100.png"), box, 400, region(sketch, box))

        # Drag the picture up and left by (90, 60) screen pixels = picture pixels.
        x0, y0, x1, y1 = box
        cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
        xdotool("mousemove", "--window", window, str(cx), str(cy))
        xdotool("mousedown", "1")
        for step in range(1, 7):
            xdotool("mousemove", "--window", window, str(cx - 15 * step), str(cy - 10 * step))
            time.sleep(0.1)
        xdotool("mouseup", "1")
        panned = wait_for_part(window, os.path.join(outdir, "zoom-pan.png"), box, 120, region(zoomed, box))

        xdotool("mousemove", "--window", window, str(cx + 40), str(cy))
        xdotool("mousedown", "3")
        time.sleep(1.5)
        held = screenshot(window, os.path.join(outdir, "zoom-original.png"))
        xdotool("mouseup", "3")

        press(window, "alt+s")
        time.sleep(1.5)
        split = screenshot(window, os.path.join(outdir, "zoom-split.png"))
        press(window, "alt+s")

        close_with(window, "alt+o")   # the split toggle has the focus: Return would press it
        gimp.wait(timeout=600)
    finally:
        if gimp.poll() is None:
            gimp.kill()
            gimp.wait()
    assert os.path.isfile(layers), "the batch command did not finish"
    layer = np.asarray(Image.open(result).convert("RGB")).astype(np.int16)
    original = np.asarray(Image.open(content).convert("RGB")).astype(np.int16)

    # A crop well inside the view, away from the split handle and the frame.
    x0, y0, x1, y1 = box
    w, h = min(240, (x1 - x0) // 2), min(180, (y1 - y0) // 2)
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    crop = panned[cy - h // 2:cy + h // 2, cx - w // 2:cx + w // 2]
    x, y, diff = match(crop, layer)
    print(f"preview at 100% after the pan: {crop.shape[1]}x{crop.shape[0]} crop found at ({x}, {y}) of OK's layer, "
          f"mean |difference| {diff:.2f} / 255 (tolerance {TOLERANCE})")
    assert diff <= TOLERANCE, f"the 100% preview differs from OK's layer by {diff:.2f} / 255"
    # Centred at 100%, then dragged by (-90, -60): the view's centre moved by
    # (+90, +60), as far as the picture reaches.
    vw, vh = box[2] - box[0], box[3] - box[1]
    want_x = min(max(WIDTH // 2 + 90, vw / 2), WIDTH - vw / 2)
    want_y = min(max(HEIGHT // 2 + 60, vh / 2), HEIGHT - vh / 2)
    print(f"crop centre ({x + w // 2}, {y + h // 2}), expected about ({want_x:.0f}, {want_y:.0f})")
    assert abs(x + w // 2 - want_x) <= 6 and abs(y + h // 2 - want_y) <= 6

    held_crop = held[cy - h // 2:cy + h // 2, cx - w // 2:cx + w // 2]
    held_diff = np.abs(held_crop - original[y:y + h, x:x + w]).mean()
    print(f"right button held: mean |view - original| {held_diff:.2f}, |view - result| "
          f"{np.abs(held_crop - crop).mean():.2f}")
    assert held_diff <= TOLERANCE
    left = split[cy - h // 2:cy + h // 2, cx - w // 2:cx - 8]
    right = split[cy - h // 2:cy + h // 2, cx + 8:cx + w // 2]
    left_diff = np.abs(left - original[y:y + h, x:x + w // 2 - 8]).mean()
    right_diff = np.abs(right - layer[y:y + h, x + w // 2 + 8:x + w]).mean()
    print(f"split: left of the line mean |view - original| {left_diff:.2f}, right |view - result| {right_diff:.2f}")
    assert left_diff <= TOLERANCE and right_diff <= TOLERANCE


def run_cancel(plugin, probe, outdir, tmp):
    content, style = test_images(tmp, WIDTH, HEIGHT)
    outcome, after = os.path.join(tmp, "outcome.txt"), os.path.join(tmp, "after.png")
    gimp = start_gimp(plugin, tmp, cancel_batch(content, style, outcome, after), os.path.join(outdir, "gimp-cancel-run.log"),
                      probe)
    try:
        window = wait_for_window(gimp, 400)
        assert window, "no dialog"
        assert wait_until_drawn(window, tmp, 60) is not None
        press(window, "Return")   # OK, with the defaults: a run of minutes
        progress = None
        deadline = time.time() + 120
        while progress is None and time.time() < deadline:
            time.sleep(1)
            progress = xdotool("search", "--onlyvisible", "--name", "^Progress$").split("\n")[0] or None
        assert progress, "no progress window after OK"
        time.sleep(8)
        subprocess.run(["import", "-window", "root", os.path.join(outdir, "cancel-progress.png")], check=True)
        started = time.time()
        close_with(progress, "Return", "^Progress$")   # its Cancel button has the focus
        gimp.wait(timeout=120)
        print(f"the run ended {time.time() - started:.1f} s after Cancel")
    finally:
        if gimp.poll() is None:
            gimp.kill()
            gimp.wait()
    assert os.path.isfile(outcome), "the batch command did not finish"
    status, layers, dirty_before, dirty = (int(v) for v in open(outcome).read().split())
    same = np.array_equal(np.asarray(Image.open(after).convert("RGB")), np.asarray(Image.open(content).convert("RGB")))
    print(f"status {status} (GIMP_PDB_CANCEL is {GIMP_PDB_CANCEL}), layers {layers}, dirty before {dirty_before}, "
          f"after {dirty}, the layer's pixels as loaded: {same}")
    assert status == GIMP_PDB_CANCEL and layers == 1 and dirty == dirty_before and same


def main():
    if len(sys.argv) != 5 or sys.argv[4] not in ("zoom", "cancel"):
        sys.exit(__doc__)
    plugin, probe, outdir, mode = sys.argv[1:]
    skip_unless_runnable()
    os.makedirs(outdir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ns-zoom-test-") as tmp:
        if mode == "zoom":
            run_zoom(plugin, outdir, tmp)
        else:
            run_cancel(plugin, probe, outdir, tmp)
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
