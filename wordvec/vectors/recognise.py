"""What a file is when it is not word vectors wordvec can read, told from its first bytes.

Sniffing (wordvec.vectors.formats.sniff) asks ``foreign(head)`` before guessing a text
format, so a vocabulary file is not read as 1-dimensional GloVe vectors and a pickle or a
fastText model is named instead of failing as "not a recognised format". A fastText model is
described only while this wordvec has no reader for it (wordvec.vectors.fasttext_bin); with one,
sniffing recognises its magic number as a format, before asking here. numpy-free.
"""

from __future__ import annotations

VOCABULARY = "a vocabulary file: word count lines"
FASTTEXT_MAGIC = (793712314).to_bytes(4, "little")  # the int32 fastText writes first in .bin/.ftz models
_PICKLE_PROTOCOLS = range(2, 6)                      # pickles from protocol 2 on start with 0x80, protocol
_NPY_MAGIC = b"\x93NUMPY"
_SAMPLE_LINES = 200


def foreign(head: bytes) -> str | None:
    """A description of what the file starting with ``head`` is, if it is certainly not word
    vectors in a format wordvec reads; None when it may be vectors."""
    if head.startswith(FASTTEXT_MAGIC) and not _fasttext_reader():
        return ("a fastText model (.bin): wordvec reads it once subword support lands; until then use "
                "the .vec file fastText writes beside it")
    if len(head) > 2 and head[0] == 0x80 and head[1] in _PICKLE_PROTOCOLS:
        if b"gensim" in head[:4096]:
            return ("a gensim model or KeyedVectors pickle (.model/.kv): wordvec reads no pickles; in gensim, "
                    "write model.wv.save_word2vec_format('vectors.bin', binary=True) and give that file")
        return "a Python pickle: wordvec reads no pickles; export the vectors as word2vec text or binary"
    if head.startswith(_NPY_MAGIC):
        return "a numpy array (.npy): give the native vectors folder that holds it (with meta.json and vocab.txt)"
    if _word_count_lines(head):
        return VOCABULARY
    return None


def _fasttext_reader() -> bool:
    """Whether this wordvec reads fastText models (wordvec.vectors.fasttext_bin): then sniffing
    hands them to that reader instead of describing them."""
    import importlib.util

    return importlib.util.find_spec("wordvec.vectors.fasttext_bin") is not None


def _word_count_lines(head: bytes) -> bool:
    """Every complete line among the first ones is 'word count' with an integer count (GloVe's
    vocab_count, word2vec's -save-vocab, wordvec's vocab.txt). Real vectors have fractional values."""
    lines = head.split(b"\n")
    if len(lines) > 1 and head and not head.endswith(b"\n"):
        lines = lines[:-1]  # the last line may be cut by the sample
    lines = [line for line in lines[:_SAMPLE_LINES] if line.strip()]
    if not lines:
        return False
    for line in lines:
        fields = line.split()
        if len(fields) != 2 or not fields[1].isdigit():
            return False
    return True
