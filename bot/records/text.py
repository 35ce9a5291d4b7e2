"""Chinese segmentation for the search index, with the records' own vocabulary.

A private jieba.Tokenizer keeps this vocabulary out of the global jieba instance that Rasa's
JiebaTokenizer configures in the same process.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Iterable

import jieba

from bot.normalise import basic, lexicon
from bot.normalise import simplified as simplified  # re-exported: the records' one reading of a script

jieba.setLogLevel(logging.WARNING)

# Function words and question words that carry no topic; they would only add noise to ranking.
STOPWORDS = set(
    "的 了 吗 呢 吧 啊 呀 嘛 撒 哦 么 是 在 有 和 与 及 或 我 你 您 他 她 它 我们 要 想 请问 请 问 一下 怎么 怎样 如何 "
    "什么 哪里 哪儿 哪个 多少 几 咋 咋办 怎么办 办 可以 能 能不能 需要 吗 到 个 这 那 就 都 也 还 把 被 给 对 从 向 "
    "呃 嗯 那个 这个 一个 多大 目标 是否 会 去 来 做 搞 知道 告诉 谢谢 好 吗？ 冇 冇得 "
    # every record is about Wuhan, so the city's name tells records apart no better than 的
    "武汉 武汉市 全市 我市 本市 江城 "
    "东西 什么样 怎么样 事情 问题 情况 现在 时候 还能 能否 应该 一般".split()
)

_CJK_CHAR = re.compile(r"^[\u4e00-\u9fff]$")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


class Segmenter:
    def __init__(self, vocabulary: Iterable[str] = ()):
        self._tokenizer = jieba.Tokenizer()
        self._lock = threading.Lock()
        self._words: set[str] = set()
        self.add_words(vocabulary)

    def add_words(self, words: Iterable[str]) -> None:
        with self._lock:
            for word in words:
                word = folded(word)
                if word and word not in self._words and not _PUNCT.fullmatch(word):
                    self._words.add(word)
                    # a high frequency makes jieba keep record names whole
                    self._tokenizer.add_word(word, freq=50000)

    def tokens(self, text: str) -> list[str]:
        """Search tokens: whole words plus their shorter dictionary parts, stopwords removed."""
        text = standardise(text)
        with self._lock:
            pieces = list(self._tokenizer.cut_for_search(text))
        out = []
        for piece in pieces:
            piece = piece.strip()
            # a lone Chinese character (数, 个, 办) matches nearly every record
            if not piece or _PUNCT.fullmatch(piece) or piece in STOPWORDS or _CJK_CHAR.match(piece):
                continue
            out.append(piece)
        return out


def standardise(text: str) -> str:
    """folded(), then dialect, everyday names and English words as the records say them
    (data/lexicon/colloquial.yml, shared with the NLU and the resolver)."""
    return lexicon().standard_words(folded(text))


def bigrams(text: str) -> set[str]:
    """Character bigrams: partial matches (上牌照 ~ 上牌) that word tokens miss."""
    text = _PUNCT.sub("", text)
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def folded(text: str) -> str:
    """Width, script, case and numerals folded (bot/normalise.py): ２０２８ → 2028, 補辦 → 补办."""
    return basic(text or "").strip()
