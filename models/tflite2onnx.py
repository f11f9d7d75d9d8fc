#!/usr/bin/env python3
"""Converts a TFLite model to ONNX, for ONNX Runtime (which cannot read TFLite).

Small on purpose: it reads the TFLite flatbuffer with the flatbuffers runtime alone (no generated
schema code: the few tables it needs are read by their field numbers from TensorFlow Lite's
schema.fbs) and writes ONNX with python3-onnx. It knows the operators MediaPipe's face mesh and
selfie segmentation use, keeps activations NCHW inside (weights transposed once, here) and gives
the graph the TFLite model's own NHWC inputs and outputs, so callers feed and read it as they
would the original. Constants (fp16 weights behind DEQUANTIZE too) are folded at conversion.
The result is deterministic: the same .tflite always gives the same bytes (fetch.py pins them).

Usage: tflite2onnx.py IN.tflite OUT.onnx     (or convert(bytes) -> bytes from Python)
"""
import math, sys

import flatbuffers
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

# TensorType and BuiltinOperator numbers, and option field numbers, from TensorFlow Lite's schema.fbs.
DTYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 9: np.int8}
OPS = {0: "ADD", 1: "AVERAGE_POOL_2D", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D", 6: "DEQUANTIZE",
       14: "LOGISTIC", 17: "MAX_POOL_2D", 18: "MUL", 19: "RELU", 21: "RELU6", 22: "RESHAPE", 23: "RESIZE_BILINEAR",
       34: "PAD", 40: "MEAN", 54: "PRELU", 67: "TRANSPOSE_CONV", 117: "HARD_SWISH"}
ACTIVATION = {0: None, 1: "Relu", 3: "Relu6"}
SAME, VALID = 0, 1


class Table:
    """A flatbuffer table, read by field number."""

    def __init__(self, buf, pos):
        self.t = flatbuffers.table.Table(buf, pos)

    def _off(self, field):
        return self.t.Offset(4 + 2 * field)

    def scalar(self, field, flags, default=0):
        o = self._off(field)
        return self.t.Get(flags, o + self.t.Pos) if o else default

    def table(self, field):
        o = self._off(field)
        return Table(self.t.Bytes, self.t.Indirect(o + self.t.Pos)) if o else None

    def tables(self, field):
        o = self._off(field)
        if not o:
            return []
        start = self.t.Vector(o)
        return [Table(self.t.Bytes, self.t.Indirect(start + 4 * i)) for i in range(self.t.VectorLen(o))]

    def ints(self, field):
        o = self._off(field)
        return [] if not o else list(self.t.GetVectorAsNumpy(flatbuffers.number_types.Int32Flags, o))

    def bytes(self, field):
        o = self._off(field)
        return b"" if not o else self.t.GetVectorAsNumpy(flatbuffers.number_types.Uint8Flags, o).tobytes()

    def string(self, field):
        o = self._off(field)
        return "" if not o else self.t.String(o + self.t.Pos).decode()


I32, U8, F32, BOOL = (flatbuffers.number_types.Int32Flags, flatbuffers.number_types.Uint8Flags,
                      flatbuffers.number_types.Float32Flags, flatbuffers.number_types.BoolFlags)


class Converter:
    def __init__(self, data):
        buf = bytearray(data)
        if buf[4:8] != b"TFL3":
            raise ValueError("not a TFLite model (no TFL3 identifier)")
        model = Table(buf, flatbuffers.encode.Get(flatbuffers.packer.uoffset, buf, 0))
        self.codes = []
        for c in model.tables(1):  # operator_codes
            code = max(c.scalar(0, flatbuffers.number_types.Int8Flags), c.scalar(3, I32))
            self.codes.append(("CUSTOM:" + c.string(1)) if code == 32 else OPS.get(code, f"BUILTIN_{code}"))
        self.buffers = [b.bytes(0) for b in model.tables(4)]
        graph = model.tables(2)[0]
        self.tensors = graph.tables(0)
        self.inputs, self.outputs, self.operators = graph.ints(1), graph.ints(2), graph.tables(3)
        self.nodes, self.inits, self.consts, self.names = [], [], {}, {}
        for i, t in enumerate(self.tensors):
            data = self.buffers[t.scalar(2, I32)] if t.scalar(2, I32) < len(self.buffers) else b""
            if data and i not in self.inputs:
                self.consts[i] = np.frombuffer(data, dtype=DTYPES[t.scalar(1, flatbuffers.number_types.Int8Flags)]).reshape(self.shape(i)).copy()

    def shape(self, i):
        return tuple(int(d) for d in self.tensors[i].ints(0))

    def name(self, i):
        return self.names.get(i) or self.tensors[i].string(3)

    def const(self, array, hint):
        n = f"{hint}__{len(self.inits)}"
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), n))
        return n

    def node(self, op, inputs, outputs, **attrs):
        self.nodes.append(helper.make_node(op, inputs, outputs, name=f"{op}_{len(self.nodes)}", **attrs))

    def activation(self, kind, raw, out):
        if kind is None:
            return
        self.node("Relu" if kind == "Relu" else "Clip", [raw] if kind == "Relu" else [raw, self.const(np.float32(0), "zero"), self.const(np.float32(6), "six")], [out])

    def value(self, i):
        """An operand: an activation's name, or a constant made NCHW-ready (per-channel vectors broadcast as [C,1,1])."""
        if i not in self.consts:
            return self.name(i)
        c = self.consts[i].astype(np.float32)
        if c.ndim == 4:
            c = c.transpose(0, 3, 1, 2)
        elif c.ndim in (1, 2, 3) and c.size > 1:
            c = np.moveaxis(c.reshape((1,) * (3 - c.ndim) + c.shape), -1, 0)  # [..., C] -> [C, ...]
        return self.const(c, self.tensors[i].string(3) or "const")

    @staticmethod
    def pads(size, kernel, stride, dilation, padding):
        if padding == VALID:
            return 0, 0
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
        return total // 2, total - total // 2

    def op_conv(self, op, depthwise):
        x, w, b = op.ints(1)[:3] if len(op.ints(1)) >= 3 else op.ints(1) + [-1]
        opts = op.table(4)
        stride_w, stride_h = opts.scalar(1, I32, 1), opts.scalar(2, I32, 1)
        act_field, dil_w, dil_h = (4, 5, 6) if depthwise else (3, 4, 5)
        dw, dh = opts.scalar(dil_w, I32, 1) or 1, opts.scalar(dil_h, I32, 1) or 1
        weights = self.consts[w].astype(np.float32)
        _, h, wd, cin = self.shape(x)
        if depthwise:
            kh, kw = weights.shape[1], weights.shape[2]
            onnx_w, group = weights.transpose(3, 0, 1, 2), cin
        else:
            kh, kw = weights.shape[1], weights.shape[2]
            onnx_w, group = weights.transpose(0, 3, 1, 2), 1
        ph, pw = self.pads(h, kh, stride_h, dh, opts.scalar(0, flatbuffers.number_types.Int8Flags)), self.pads(wd, kw, stride_w, dw, opts.scalar(0, flatbuffers.number_types.Int8Flags))
        ins = [self.name(x), self.const(onnx_w, "w")] + ([self.const(self.consts[b].astype(np.float32), "b")] if b >= 0 else [])
        out = self.name(op.ints(2)[0])
        act = ACTIVATION[opts.scalar(act_field, flatbuffers.number_types.Int8Flags)]
        raw = out + "__pre" if act else out
        self.node("Conv", ins, [raw], kernel_shape=[kh, kw], strides=[stride_h, stride_w], dilations=[dh, dw], group=group, pads=[ph[0], pw[0], ph[1], pw[1]])
        self.activation(act, raw, out)

    def op_pool(self, op, kind):
        x = op.ints(1)[0]
        o = op.table(4)
        pad, sw, sh, fw, fh = o.scalar(0, flatbuffers.number_types.Int8Flags), o.scalar(1, I32), o.scalar(2, I32), o.scalar(3, I32), o.scalar(4, I32)
        _, h, w, _ = self.shape(x)
        ph, pw = self.pads(h, fh, sh, 1, pad), self.pads(w, fw, sw, 1, pad)
        out = self.name(op.ints(2)[0])
        act = ACTIVATION[o.scalar(5, flatbuffers.number_types.Int8Flags)]
        raw = out + "__pre" if act else out
        attrs = dict(kernel_shape=[fh, fw], strides=[sh, sw], pads=[ph[0], pw[0], ph[1], pw[1]])
        if kind == "AveragePool":
            attrs["count_include_pad"] = 0
        self.node(kind, [self.name(x)], [raw], **attrs)
        self.activation(act, raw, out)

    def op_binary(self, op, kind):
        a, b = op.ints(1)
        out = self.name(op.ints(2)[0])
        o = op.table(4)
        act = ACTIVATION[o.scalar(0, flatbuffers.number_types.Int8Flags)] if o else None
        raw = out + "__pre" if act else out
        self.node(kind, [self.value(a), self.value(b)], [raw])
        self.activation(act, raw, out)

    def op_pad(self, op):
        x, p = op.ints(1)[:2]
        rows = self.consts[p].astype(np.int64).reshape(4, 2)  # NHWC rows: (before, after)
        order = [0, 3, 1, 2]  # to NCHW
        pads = [int(rows[d, 0]) for d in order] + [int(rows[d, 1]) for d in order]
        self.node("Pad", [self.name(x), self.const(np.array(pads, dtype=np.int64), "pads")], [self.name(op.ints(2)[0])], mode="constant")

    def op_prelu(self, op):
        x, alpha = op.ints(1)
        self.node("PRelu", [self.name(x), self.value(alpha)], [self.name(op.ints(2)[0])])

    def op_mean(self, op):
        """MEAN over NHWC axes (the landscape selfie model's global pooling), as ReduceMean over the NCHW ones."""
        x, axes = op.ints(1)[:2]
        to_nchw = {0: 0, 1: 2, 2: 3, 3: 1}
        keep = op.table(4).scalar(0, BOOL) if op.table(4) else 0
        dims = sorted(to_nchw[int(a) % 4] for a in self.consts[axes].reshape(-1))
        if not keep:
            raise ValueError("MEAN without keep_dims is not supported by tflite2onnx.py")
        self.node("ReduceMean", [self.name(x)], [self.name(op.ints(2)[0])], axes=dims, keepdims=1)

    def op_resize_bilinear(self, op):
        """RESIZE_BILINEAR to a constant size; TFLite's half_pixel_centers is ONNX's half_pixel, align_corners its align_corners."""
        x, size = op.ints(1)[:2]
        o = op.table(4)
        align, half = (o.scalar(2, BOOL), o.scalar(3, BOOL)) if o else (0, 0)
        h, w = (int(v) for v in self.consts[size].reshape(-1))
        n, _, _, c = self.shape(x)
        mode = "align_corners" if align else "half_pixel" if half else "asymmetric"
        sizes = self.const(np.array([n, c, h, w], dtype=np.int64), "sizes")
        self.node("Resize", [self.name(x), "", "", sizes], [self.name(op.ints(2)[0])], mode="linear", coordinate_transformation_mode=mode)

    def op_transpose_conv_bias(self, op):
        """MediaPipe's custom Convolution2DTransposeBias: TFLite's transpose convolution plus a bias. Its
        options are the raw TfLiteTransposeConvParams (padding: 1 same, 2 valid; stride w, stride h);
        weights are OHWI."""
        x, w, b = op.ints(1)[:3]
        padding, stride_w, stride_h = (int(v) for v in np.frombuffer(op.bytes(5), dtype=np.int32)[:3])
        weights = self.consts[w].astype(np.float32)
        kh, kw = weights.shape[1], weights.shape[2]
        _, h, wd, _ = self.shape(x)
        _, oh, ow, _ = self.shape(op.ints(2)[0])
        pads = []
        for size, out, k, s in ((h, oh, kh, stride_h), (wd, ow, kw, stride_w)):
            total = max((size - 1) * s + k - out, 0) if padding == 1 else 0
            pads.append((total // 2, total - total // 2))
        ins = [self.name(x), self.const(weights.transpose(3, 0, 1, 2), "w"), self.const(self.consts[b].astype(np.float32), "b")]
        self.node("ConvTranspose", ins, [self.name(op.ints(2)[0])], kernel_shape=[kh, kw], strides=[stride_h, stride_w],
                  pads=[pads[0][0], pads[1][0], pads[0][1], pads[1][1]])

    def convert(self):
        for idx in self.inputs:
            nhwc = self.name(idx)
            self.names[idx] = nhwc + "__nchw"
            self.node("Transpose", [nhwc], [self.names[idx]], perm=[0, 3, 1, 2])
        for op in self.operators:
            kind = self.codes[op.scalar(0, I32)]
            ins, outs = op.ints(1), op.ints(2)
            if kind == "DEQUANTIZE" and ins[0] in self.consts:
                self.consts[outs[0]] = self.consts[ins[0]].astype(np.float32)
            elif kind in ("CONV_2D", "DEPTHWISE_CONV_2D"):
                self.op_conv(op, depthwise=kind == "DEPTHWISE_CONV_2D")
            elif kind in ("MAX_POOL_2D", "AVERAGE_POOL_2D"):
                self.op_pool(op, "MaxPool" if kind == "MAX_POOL_2D" else "AveragePool")
            elif kind in ("ADD", "MUL"):
                self.op_binary(op, "Add" if kind == "ADD" else "Mul")
            elif kind == "PAD":
                self.op_pad(op)
            elif kind == "PRELU":
                self.op_prelu(op)
            elif kind == "MEAN":
                self.op_mean(op)
            elif kind == "RESIZE_BILINEAR":
                self.op_resize_bilinear(op)
            elif kind == "CUSTOM:Convolution2DTransposeBias":
                self.op_transpose_conv_bias(op)
            elif kind == "RELU":
                self.node("Relu", [self.name(ins[0])], [self.name(outs[0])])
            elif kind == "HARD_SWISH":
                # x * relu6(x + 3) / 6, which is HardSigmoid(alpha 1/6, beta 0.5) times x (HardSwish itself is opset 14).
                gate = self.name(outs[0]) + "__gate"
                self.node("HardSigmoid", [self.name(ins[0])], [gate], alpha=1.0 / 6, beta=0.5)
                self.node("Mul", [self.name(ins[0]), gate], [self.name(outs[0])])
            elif kind == "LOGISTIC":
                self.node("Sigmoid", [self.name(ins[0])], [self.name(outs[0])])
            else:
                raise ValueError(f"operator {kind} is not supported by tflite2onnx.py")
        graph_outputs = []
        for idx in self.outputs:
            nchw, nhwc = self.name(idx), self.tensors[idx].string(3)
            self.names[idx] = nhwc
            self.node("Transpose", [nchw], [nhwc], perm=[0, 2, 3, 1])
            graph_outputs.append(helper.make_tensor_value_info(nhwc, TensorProto.FLOAT, list(self.shape(idx))))
        # Outputs' inner names must differ from the graph's output names: rename the producers.
        for n in self.nodes[:-len(self.outputs)]:
            for k, o in enumerate(n.output):
                if o in [self.tensors[i].string(3) for i in self.outputs]:
                    n.output[k] = o + "__nchw"
            for k, i in enumerate(n.input):
                if i in [self.tensors[j].string(3) for j in self.outputs]:
                    n.input[k] = i + "__nchw"
        for n in self.nodes[-len(self.outputs):]:
            n.input[0] = n.input[0] + "__nchw"
        inputs = [helper.make_tensor_value_info(self.tensors[i].string(3), TensorProto.FLOAT, list(self.shape(i))) for i in self.inputs]
        graph = helper.make_graph(self.nodes, "converted", inputs, graph_outputs, self.inits)
        model = helper.make_model(graph, producer_name="aisp-tflite2onnx", producer_version="1", opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model.SerializeToString()


def convert(data):
    return Converter(data).convert()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out = convert(open(sys.argv[1], "rb").read())
    with open(sys.argv[2], "wb") as f:
        f.write(out)
