"""tfjs_torch: an independent PyTorch reading of a Keras tfjs layers-model.

It loads model.json and its weight shards with numpy only and interprets the
Keras graph layer by layer in torch. It deliberately keeps BatchNormalization
as its own step (no folding into the convolutions) so that it stays
independent of the C engine, which folds. Used by the reference test and by
the PyTorch benchmark of the style-transfer recipe.
"""

import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

# Keras "caffe" preprocessing: BGR order, 0..255, minus the ImageNet mean.
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)


def load_weights(model_json_path):
    """Returns (model dict, {tensor name: float32 numpy array})."""
    with open(model_json_path, "r", encoding="utf-8") as f:
        model = json.load(f)
    folder = os.path.dirname(os.path.abspath(model_json_path))
    tensors = {}
    for group in model["weightsManifest"]:
        # Tensors are laid end to end across the group's shards.
        blob = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for entry in group["weights"]:
            if entry.get("dtype", "float32") != "float32" or "quantization" in entry:
                raise ValueError("unsupported weight dtype for %s" % entry["name"])
            count = int(np.prod(entry["shape"], dtype=np.int64))
            nbytes = 4 * count
            if offset + nbytes > len(blob):
                raise ValueError("weights truncated at %s" % entry["name"])
            array = np.frombuffer(blob, dtype="<f4", count=count, offset=offset)
            tensors[entry["name"]] = array.reshape(entry["shape"]).copy()
            offset += nbytes
    return model, tensors


def _pair(value):
    if isinstance(value, (list, tuple)):
        return int(value[0]), int(value[1])
    return int(value), int(value)


def _same_padding(size, kernel, stride):
    """TensorFlow's SAME rule: the odd pixel of padding goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def _pad_same(x, kernel, stride, value=0.0):
    top, bottom = _same_padding(x.shape[2], kernel[0], stride[0])
    left, right = _same_padding(x.shape[3], kernel[1], stride[1])
    if top or bottom or left or right:
        x = F.pad(x, (left, right, top, bottom), value=value)
    return x


def _activation(x, name):
    if name in (None, "linear"):
        return x
    if name == "relu":
        return F.relu(x)
    if name == "softmax":
        return F.softmax(x, dim=1)
    raise ValueError("unsupported activation %r" % name)


class TfjsModel(torch.nn.Module):
    """Interprets modelTopology.model_config.config.layers in torch (NCHW)."""

    def __init__(self, model_json_path):
        super().__init__()
        topology, tensors = load_weights(model_json_path)
        config = topology["modelTopology"]["model_config"]["config"]
        self.layers = config["layers"]
        self.order = [layer["name"] for layer in self.layers]
        self.by_name = {layer["name"]: layer for layer in self.layers}
        self.inputs = {
            layer["name"]: [node[0] for node in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
            for layer in self.layers
        }
        self.weights = {}
        for name, array in tensors.items():
            # Keras HWIO kernels -> torch OIHW; Dense (in, out) kept as is.
            if array.ndim == 4:
                array = np.ascontiguousarray(array.transpose(3, 2, 0, 1))
            key = "w_" + name.replace("/", "__").replace(".", "_")
            self.register_buffer(key, torch.from_numpy(array))
            self.weights[name] = key

    def tensor(self, layer, what):
        return getattr(self, self.weights["%s/%s" % (layer, what)])

    def has_tensor(self, layer, what):
        return "%s/%s" % (layer, what) in self.weights

    def ancestors(self, names):
        """The layers needed to compute names, in graph order."""
        needed, stack = set(), list(names)
        while stack:
            name = stack.pop()
            if name in needed:
                continue
            if name not in self.by_name:
                raise KeyError("no layer named %r" % name)
            needed.add(name)
            stack.extend(self.inputs[name])
        return [name for name in self.order if name in needed]

    def forward(self, x, names):
        """x: preprocessed NCHW input. Returns {name: NCHW tensor}."""
        values = {}
        for name in self.ancestors(names):
            args = [values[i] for i in self.inputs[name]]
            values[name] = x if not args else self.apply(self.by_name[name], args)
        return {name: values[name] for name in names}

    def apply(self, layer, args):
        kind, cfg, name = layer["class_name"], layer["config"], layer["name"]
        x = args[0]
        if kind == "Conv2D":
            if _pair(cfg.get("dilation_rate", 1)) != (1, 1):
                raise ValueError("dilated convolution unsupported (%s)" % name)
            kernel, stride = _pair(cfg["kernel_size"]), _pair(cfg["strides"])
            if cfg["padding"] == "same":
                x = _pad_same(x, kernel, stride)
            bias = self.tensor(name, "bias") if cfg.get("use_bias", True) else None
            x = F.conv2d(x, self.tensor(name, "kernel"), bias, stride=stride)
            return _activation(x, cfg.get("activation"))
        if kind == "BatchNormalization":
            c = x.shape[1]
            gamma = self.tensor(name, "gamma") if cfg.get("scale", True) else torch.ones(c)
            beta = self.tensor(name, "beta") if cfg.get("center", True) else torch.zeros(c)
            return F.batch_norm(x, self.tensor(name, "moving_mean"), self.tensor(name, "moving_variance"),
                                gamma, beta, training=False, eps=float(cfg["epsilon"]))
        if kind == "Activation":
            return _activation(x, cfg["activation"])
        if kind == "ZeroPadding2D":
            pad = cfg["padding"]
            if isinstance(pad, int):
                (top, bottom), (left, right) = (pad, pad), (pad, pad)
            elif isinstance(pad[0], int):
                (top, bottom), (left, right) = (pad[0], pad[0]), (pad[1], pad[1])
            else:
                (top, bottom), (left, right) = pad
            return F.pad(x, (left, right, top, bottom))
        if kind in ("MaxPooling2D", "AveragePooling2D"):
            kernel = _pair(cfg["pool_size"])
            stride = _pair(cfg.get("strides") or cfg["pool_size"])
            if kind == "MaxPooling2D":
                if cfg["padding"] == "same":
                    x = _pad_same(x, kernel, stride, value=-math.inf)
                return F.max_pool2d(x, kernel, stride)
            if cfg["padding"] == "same":
                # TensorFlow averages over the real pixels only.
                ones = torch.ones_like(x[:, :1])
                total = F.avg_pool2d(_pad_same(x, kernel, stride), kernel, stride)
                count = F.avg_pool2d(_pad_same(ones, kernel, stride), kernel, stride)
                return total / count
            return F.avg_pool2d(x, kernel, stride)
        if kind == "Add":
            out = args[0]
            for other in args[1:]:
                out = out + other
            return out
        if kind == "GlobalAveragePooling2D":
            return x.mean(dim=(2, 3))
        if kind == "Flatten":
            # Keras flattens in HWC order.
            return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1) if x.dim() == 4 else x.reshape(x.shape[0], -1)
        if kind == "Dense":
            bias = self.tensor(name, "bias") if cfg.get("use_bias", True) else None
            x = F.linear(x, self.tensor(name, "kernel").t(), bias)
            return _activation(x, cfg.get("activation"))
        raise ValueError("unsupported layer %s (%s)" % (kind, name))


def load_model(path):
    """path: a model.json or a folder holding one."""
    if os.path.isdir(path):
        path = os.path.join(path, "model.json")
    model = TfjsModel(path)
    model.eval()
    return model


def preprocess(rgb):
    """rgb: NCHW tensor, RGB 0..1 -> Keras caffe input (BGR, 0..255, mean removed)."""
    mean = torch.tensor(CAFFE_MEAN_BGR, dtype=rgb.dtype).view(1, 3, 1, 1)
    return rgb.flip(1) * 255.0 - mean


def image_to_tensor(img):
    """img: (H, W, 3) array, RGB 0..1 -> (1, 3, H, W) float32 tensor."""
    img = np.asarray(img, dtype=np.float32)
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError("expected an (H, W, 3) RGB image")
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))[None]


def features(model, img, layer_names):
    """Activations of layer_names for an RGB 0..1 image (H, W, 3).

    Returns {name: numpy array}, NHWC with the batch of one dropped, i.e.
    (H, W, C) like the C engine's dumps (or (units,) after pooling/Dense)."""
    with torch.no_grad():
        out = model(preprocess(image_to_tensor(img)), list(layer_names))
    result = {}
    for name, t in out.items():
        t = t[0]
        result[name] = (t.permute(1, 2, 0) if t.dim() == 3 else t).contiguous().numpy()
    return result


# ---- the style-transfer recipe (ResNet-50), for the benchmark ---------------

STYLE_LAYERS = ("activation", "activation_9", "activation_21", "activation_39")
CONTENT_LAYER = "activation_39"


def gram(feature):
    """G = F^T F / (C H W) for one NCHW feature map (batch of one)."""
    _, c, h, w = feature.shape
    f = feature.reshape(c, h * w)
    return (f @ f.t()) / (c * h * w)


def tv_loss(rgb, eps=1e-8):
    """Mean over pixels of sqrt(sum_c dx^2 + dy^2 + eps), forward differences,
    zero difference past the last row/column (as in engine/ns-losses.h)."""
    dx = F.pad(rgb[:, :, :, 1:] - rgb[:, :, :, :-1], (0, 1, 0, 0))
    dy = F.pad(rgb[:, :, 1:, :] - rgb[:, :, :-1, :], (0, 0, 0, 1))
    return torch.sqrt((dx * dx + dy * dy).sum(dim=1) + eps).mean()


def style_transfer_loss(model, content_img, style_img, content_weight=1.0, style_weight=1e6,
                        tv_weight=10.0, tv_epsilon=1e-8, style_layers=STYLE_LAYERS, content_layer=CONTENT_LAYER):
    """Returns loss(rgb) for an NCHW RGB 0..1 tensor, giving (total, parts dict).

    Style layers have equal weights; style = mean((G - S)^2) summed over layers,
    content = mean((F - P)^2), total = cw*content + sw*style + tw*tv."""
    names = list(dict.fromkeys(list(style_layers) + [content_layer]))
    with torch.no_grad():
        targets_style = model(preprocess(image_to_tensor(style_img)), list(style_layers))
        grams = {n: gram(targets_style[n]) for n in style_layers}
        target_content = model(preprocess(image_to_tensor(content_img)), [content_layer])[content_layer]

    def loss(rgb):
        feats = model(preprocess(rgb), names)
        content = torch.mean((feats[content_layer] - target_content) ** 2)
        style = sum(torch.mean((gram(feats[n]) - grams[n]) ** 2) for n in style_layers)
        tv = tv_loss(rgb, tv_epsilon)
        total = content_weight * content + style_weight * style + tv_weight * tv
        return total, {"content": content.item(), "style": style.item(), "tv": tv.item()}

    return loss
