#!/usr/bin/python3
"""Writes a Keras VGG-19 tfjs layers-model with the real architecture and
synthetic weights of the real shapes (He-normal kernels, small zero-mean
biases, fixed seed), in the JSON shape of a Keras 2.2.4 tfjs export.

usage: make-synthetic-vgg19.py OUTDIR [--up-to LAYER] [--seed N]

Writes OUTDIR/model.json and OUTDIR/group1-shardKofN.bin (4 MB shards).
"""

import argparse
import json
import os

import numpy as np

SHARD_BYTES = 4 * 1024 * 1024
# (block, number of convolutions, channels) of VGG-19.
BLOCKS = ((1, 2, 64), (2, 2, 128), (3, 4, 256), (4, 4, 512), (5, 4, 512))


def conv_config(name, filters):
    return {
        "name": name, "trainable": True, "dtype": "float32", "filters": filters,
        "kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last",
        "dilation_rate": [1, 1], "activation": "relu", "use_bias": True,
        "kernel_initializer": {"class_name": "VarianceScaling",
                               "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}},
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None,
    }


def pool_config(name):
    return {"name": name, "trainable": True, "dtype": "float32", "pool_size": [2, 2], "padding": "valid",
            "strides": [2, 2], "data_format": "channels_last"}


def vgg19_layers():
    """Yields (layer dict, input channels or None) in graph order."""
    yield {"name": "input_1", "class_name": "InputLayer",
           "config": {"batch_input_shape": [None, None, None, 3], "dtype": "float32", "sparse": False,
                      "name": "input_1"},
           "inbound_nodes": []}, None
    previous, channels = "input_1", 3
    for block, n_convs, filters in BLOCKS:
        for i in range(1, n_convs + 1):
            name = "block%d_conv%d" % (block, i)
            yield {"name": name, "class_name": "Conv2D", "config": conv_config(name, filters),
                   "inbound_nodes": [[[previous, 0, 0, {}]]]}, channels
            previous, channels = name, filters
        name = "block%d_pool" % block
        yield {"name": name, "class_name": "MaxPooling2D", "config": pool_config(name),
               "inbound_nodes": [[[previous, 0, 0, {}]]]}, None
        previous = name


def build(up_to, seed):
    """Returns (model.json dict without paths, weight bytes)."""
    rng = np.random.default_rng(seed)
    layers, manifest, chunks = [], [], []
    for layer, in_channels in vgg19_layers():
        layers.append(layer)
        if layer["class_name"] == "Conv2D":
            filters = layer["config"]["filters"]
            std = np.sqrt(2.0 / (3 * 3 * in_channels))   # He normal, fan_in
            kernel = rng.normal(0.0, std, size=(3, 3, in_channels, filters)).astype("<f4")
            bias = rng.normal(0.0, 0.01, size=(filters,)).astype("<f4")
            for what, array in (("kernel", kernel), ("bias", bias)):
                manifest.append({"name": "%s/%s" % (layer["name"], what), "shape": list(array.shape),
                                 "dtype": "float32"})
                chunks.append(array.tobytes())
        if layer["name"] == up_to:
            break
    else:
        raise SystemExit("no layer named %r in VGG-19" % up_to)
    model = {
        "format": "layers-model",
        "generatedBy": "keras v2.2.4-tf",
        "convertedBy": "TensorFlow.js Converter v1.2.6",
        "modelTopology": {
            "keras_version": "2.2.4-tf",
            "backend": "tensorflow",
            "model_config": {
                "class_name": "Model",
                "config": {"name": "vgg19", "layers": layers,
                           "input_layers": [["input_1", 0, 0]],
                           "output_layers": [[layers[-1]["name"], 0, 0]]},
            },
        },
        "weightsManifest": [{"paths": [], "weights": manifest}],
    }
    return model, b"".join(chunks)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir")
    parser.add_argument("--up-to", default="block5_conv1", help="last layer written (default block5_conv1)")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()

    model, blob = build(args.up_to, args.seed)
    os.makedirs(args.outdir, exist_ok=True)
    n_shards = max(1, -(-len(blob) // SHARD_BYTES))
    paths = []
    for k in range(n_shards):
        path = "group1-shard%dof%d.bin" % (k + 1, n_shards)
        with open(os.path.join(args.outdir, path), "wb") as f:
            f.write(blob[k * SHARD_BYTES:(k + 1) * SHARD_BYTES])
        paths.append(path)
    model["weightsManifest"][0]["paths"] = paths
    with open(os.path.join(args.outdir, "model.json"), "w", encoding="utf-8") as f:
        json.dump(model, f)
    print("%s: %d layers, %d bytes of weights in %d shards" % (
        os.path.join(args.outdir, "model.json"), len(model["modelTopology"]["model_config"]["config"]["layers"]),
        len(blob), n_shards))


if __name__ == "__main__":
    main()
