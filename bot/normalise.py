"""One normalisation of residents' text for matching, shared by the NLU, the resolver, search and safety.

Width folding (NFKC), traditional → simplified by OpenCC (tw2sp: characters, Taiwan forms and phrases), Chinese numerals → digits
by cn2an where they stand for a number (三百二十架 → 320架, 二零二八年 → 2028年, but not 一下, 一样),
Wuhan dialect, everyday names and English words from data/lexicon/colloquial.yml, spoken fillers
removed, and typos repaired by sound (pypinyin) towards the records' own vocabulary only.
What is stored and shown is never changed: this is for matching.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import yaml

from bot import settings

LEXICON = settings.ROOT / "data" / "lexicon" / "colloquial.yml"
_SPACE = re.compile(r"\s+")
_YEAR = re.compile(r"[零〇一二三四五六七八九]{4}(?=年)")
# a run of numerals with a unit inside (十, 百, 千) stands for a number; a lone 一 seldom does
_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千]*[十百千][零〇一二两三四五六七八九十百千]*")
_DIGITS = dict(zip("零〇一二三四五六七八九", "00123456789"))
_opencc_lock = threading.Lock()
_COMMON = re.compile("[不去是的了在有我你他她这那个么什就都也要会能还和与及或吗呢吧啊几多少怎一]")


@lru_cache(maxsize=1)
def _converter():
    import opencc

    # Taiwan forms and phrases (tw2sp): 著火 → 着火, 軟體 → 软件; plain t2s keeps 著, valid in both scripts
    return opencc.OpenCC("tw2sp")


@lru_cache(maxsize=4096)
def simplified(text: str) -> str:
    """Traditional characters as simplified, phrase by phrase (補辦身份證 → 补办身份证)."""
    if not text:
        return text
    with _opencc_lock:  # one converter, shared by the server's threads
        converted = _converter().convert(text)
    if "么" in text and len(converted) == len(text):
        # tw2sp reads a lone 么 as the Taiwan form of 幺; in Wuhan 么样, 么事 it is 么
        converted = "".join("么" if o == "么" else c for o, c in zip(text, converted))
    return converted


def width(text: str) -> str:
    """Full-width digits, letters and punctuation folded (２０２８ → 2028, ＡＩ → AI)."""
    return unicodedata.normalize("NFKC", text or "")


def numerals(text: str) -> str:
    """Chinese numerals that stand for a number, as digits."""
    import cn2an

    text = _YEAR.sub(lambda m: "".join(_DIGITS[c] for c in m.group(0)), text)

    def number(match: re.Match) -> str:
        run = match.group(0)
        try:
            value = cn2an.cn2an(run, "smart")
        except (ValueError, KeyError, IndexError):  # 十四五 is a name, not a number
            return run
        return str(int(value)) if float(value).is_integer() else str(value)

    return _NUMBER.sub(number, text)


@dataclass(frozen=True)
class Lexicon:
    replacements: dict[str, str]
    fillers: tuple[str, ...]
    pattern: re.Pattern
    filler_pattern: Optional[re.Pattern]

    def standard_words(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.replacements[m.group(0)], text) if self.replacements else text

    def without_fillers(self, text: str) -> str:
        return self.filler_pattern.sub("", text) if self.filler_pattern else text


def load_lexicon(path: Path = LEXICON) -> Lexicon:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    replacements: dict[str, str] = {}
    for section in ("dialect", "colloquial", "english"):
        for said, standard in (data.get(section) or {}).items():
            key = _SPACE.sub(" ", str(said).lower())
            if not key or standard is None:
                raise ValueError(f"{Path(path).name}: {section}: an entry needs a form and a standard word")
            replacements[key] = str(standard)
    fillers = tuple(str(f) for f in data.get("fillers") or [])
    alternatives = sorted(replacements, key=len, reverse=True)
    # 么样, 么事 are dialect only where 么 does not end a standard word (什么事, 怎么样 stay)
    pattern = re.compile("|".join(("(?<![什怎这那多要])" if a.startswith("么") else "") + re.escape(a)
                                  for a in alternatives)) if alternatives else re.compile(r"(?!)")
    filler_pattern = re.compile("|".join(map(re.escape, sorted(fillers, key=len, reverse=True)))) if fillers else None
    return Lexicon(replacements, fillers, pattern, filler_pattern)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return load_lexicon()


class TypoRepair:
    """Words written with other characters of the same sound (户口笨, 驾使证) or in pinyin
    (shenfenzheng), mapped to the vocabulary word of that sound: only towards the vocabulary, only
    where the written word is not already one of it, and never where two words share the sound."""

    def __init__(self, vocabulary: Iterable[str]):
        self.by_sound: dict[str, str] = {}
        ambiguous: set[str] = set()
        self.words = {w for w in vocabulary if 2 <= len(w) <= 6 and re.fullmatch(r"[\u4e00-\u9fff]+", w)}
        for word in self.words:
            sound = "".join(_sound(c) for c in word)
            if sound in self.by_sound and self.by_sound[sound] != word:
                ambiguous.add(sound)
            self.by_sound[sound] = word
        for sound in ambiguous:  # two words of one sound: no way to tell which was meant
            del self.by_sound[sound]
        self.lengths = sorted({len(w) for w in self.words}, reverse=True)
        self._latin = re.compile("|".join(sorted(map(re.escape, self.by_sound), key=len, reverse=True))) \
            if self.by_sound else None

    def repair(self, text: str) -> str:
        if self._latin is not None and re.search(r"[a-z]{4,}", text):
            text = self._latin.sub(lambda m: self.by_sound[m.group(0)], text)
        out, i = [], 0
        while i < len(text):
            for n in self.lengths:
                piece = text[i:i + n]
                if len(piece) < n or not re.fullmatch(r"[\u4e00-\u9fff]+", piece):
                    continue
                if piece in self.words:
                    out.append(piece)
                    i += n
                    break
                if n == 2 and _COMMON.search(piece):
                    continue  # 不办 is not 补办, 去办 not 取办: two characters with a common one are a word already
                word = self.by_sound.get("".join(_sound(c) for c in piece))
                if word is not None:
                    out.append(word)
                    i += n
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)


@lru_cache(maxsize=8192)
def _sound(char: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(char))


def basic(text: str) -> str:
    """Width, script, case and numerals: what every reader of a message needs."""
    return numerals(simplified(width(text)).lower())


def for_matching(text: str, repair: Optional[TypoRepair] = None) -> str:
    """The message as the matchers read it: basic(), standard words, no fillers, no spaces between
    Chinese characters, typos repaired towards the vocabulary."""
    words = lexicon()
    text = _SPACE.sub(" ", basic(text)).strip()
    text = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", words.without_fillers(text))
    if repair is not None:
        text = repair.repair(text)
    return words.standard_words(text).strip()
