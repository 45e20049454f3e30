#!/usr/bin/python3
"""PyTorch run of our style-transfer recipe on the same tfjs weights, as a
yardstick for the C engine's speed and memory.

usage: torch_style_bench.py --content C --style S [--size 256] [--iterations 20]
           [--weights model.json] [--tv-weight 10] [--line-search strong_wolfe|none]
           [--threads 2] [--output out.png]

ResNet-50 features up to activation_39; style on activation, activation_9,
activation_21, activation_39 (equal weights); content on activation_39;
total = 1*content + 1e6*style + tv_weight*tv (see tests/tfjs_torch.py).
The 0..1 RGB image is optimised from the content image with
torch.optim.LBFGS(max_iter=1 per step, history 8). Both images are scaled to
--size on their long side. Prints one JSON object.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import tfjs_torch  # noqa: E402

DEFAULT_WEIGHTS = "/tmp/w/package/ResNet50/model.json"


def load_image(path, long_side):
    """RGB 0..1 float32 array (H, W, 3), scaled so its long side is long_side."""
    img = Image.open(path).convert("RGB")
    scale = long_side / max(img.size)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return np.asarray(img.resize(size, Image.LANCZOS), dtype=np.float32) / 255.0


def save_image(tensor, path):
    rgb = tensor.detach()[0].clamp(0.0, 1.0).permute(1, 2, 0).numpy()
    Image.fromarray((rgb * 255.0 + 0.5).astype(np.uint8)).save(path)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", required=True)
    parser.add_argument("--style", required=True)
    parser.add_argument("--size", type=int, default=256, help="long side in pixels")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--weights", default=os.environ.get("NEURAL_STYLE_WEIGHTS", DEFAULT_WEIGHTS))
    parser.add_argument("--tv-weight", type=float, default=10.0)
    parser.add_argument("--tv-epsilon", type=float, default=1e-8)
    parser.add_argument("--line-search", choices=("strong_wolfe", "none"), default="strong_wolfe")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--output", help="save the result as PNG")
    return parser.parse_args()


def main():
    args = parse_args()
    if args.iterations < 2:
        sys.exit("--iterations must be at least 2 (the first one is not timed)")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    model = tfjs_torch.load_model(args.weights)
    for p in model.buffers():
        p.requires_grad_(False)
    content = load_image(args.content, args.size)
    style = load_image(args.style, args.size)
    loss_fn = tfjs_torch.style_transfer_loss(model, content, style, tv_weight=args.tv_weight,
                                             tv_epsilon=args.tv_epsilon)

    x = tfjs_torch.image_to_tensor(content).clone().requires_grad_(True)
    optimizer = torch.optim.LBFGS([x], lr=1.0, max_iter=1, history_size=8,
                                  line_search_fn=None if args.line_search == "none" else args.line_search)
    evaluations = []

    def closure():
        optimizer.zero_grad()
        total, _ = loss_fn(x)
        total.backward()
        evaluations.append(total.item())
        return total

    times, cpu_times = [], []
    for _ in range(args.iterations):
        start, cpu_start = time.perf_counter(), time.process_time()
        optimizer.step(closure)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
        if len(times) == 1:
            evaluations_first = len(evaluations)

    with torch.no_grad():
        final, parts = loss_fn(x)
    if args.output:
        save_image(x, args.output)

    print(json.dumps({
        "implementation": "pytorch %s" % torch.__version__,
        "threads": args.threads,
        "size": [content.shape[1], content.shape[0]],
        "iterations": args.iterations,
        "line_search": args.line_search,
        "function_evaluations": len(evaluations),
        "seconds_per_iteration": statistics.median(times[1:]),
        "seconds_first_iteration": times[0],
        # CPU time of all threads; less skewed than wall time on a busy machine.
        "cpu_seconds_per_iteration": statistics.median(cpu_times[1:]),
        # A line search may evaluate the loss more than once per iteration.
        "seconds_per_evaluation": sum(times[1:]) / max(1, len(evaluations) - evaluations_first),
        "seconds_total": sum(times),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "loss_initial": evaluations[0],
        "loss_final": final.item(),
        "loss_final_parts": parts,
        "tv_weight": args.tv_weight,
        "tv_epsilon": args.tv_epsilon,
        "load_average_1min": os.getloadavg()[0],   # other work on the machine skews timings
    }, indent=2))


if __name__ == "__main__":
    main()
