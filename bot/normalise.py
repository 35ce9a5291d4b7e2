"""One normalisation of residents' text for matching, shared by the NLU, the resolver, search and safety.

Width folding (NFKC), traditional → simplified by OpenCC (tw2s: characters and Taiwan forms),
Chinese numerals → digits by cn2an where they stand for a number (三百二十架 → 320架, 二零二八年 → 2028年, but not 一下, 一样),
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
from typing import Any, Iterable, Optional

import yaml

from bot import settings

LEXICON = settings.ROOT / "data" / "lexicon" / "colloquial.yml"
_SPACE = re.compile(r"\s+")
_YEAR = re.compile(r"[零〇一二三四五六七八九]{4}(?=年)")
# a run of numerals with a unit inside (十, 百, 千) stands for a number; a lone 一 seldom does
# (two characters at least, not after 几: 几十, 十分感谢 and a lone 十 stay words)
_NUMBER = re.compile(
    r"(?<!几)(?!十分)(?=[零〇一二两三四五六七八九十百千]{2})[零〇一二两三四五六七八九十百千]*[十百千][零〇一二两三四五六七八九十百千]*"
)
_DIGITS = dict(zip("零〇一二三四五六七八九", "00123456789"))
_opencc_lock = threading.Lock()
_LATIN_WORD = re.compile(r"[a-z]+")
_COMMON = re.compile("[不去是的了在有我你他她这那个么什就都也要会能还和与及或吗呢吧啊几多少怎一]")


@lru_cache(maxsize=1)
def _converter():
    import opencc

    # characters with Taiwan variants (tw2s): 著火 → 着火. Not tw2sp: its phrase table rewrites plain
    # simplified words (小程序 → 小进程, 文件 → 文档); not t2s, which keeps 著 (valid in both scripts)
    return opencc.OpenCC("tw2s")


@lru_cache(maxsize=4096)
def simplified(text: str) -> str:
    """Traditional characters as simplified, phrase by phrase (補辦身份證 → 补办身份证)."""
    if not text:
        return text
    with _opencc_lock:  # one converter, shared by the server's threads
        converted = _converter().convert(text)
    if "么" in text and len(converted) == len(text):
        # tw2s reads a lone 么 as the Taiwan form of 幺; in Wuhan 么样, 么事 it is 么
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
    pattern: re.Pattern
    filler_pattern: Optional[re.Pattern]

    def standard_words(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.replacements[m.group(0)], text) if self.replacements else text

    def without_fillers(self, text: str) -> str:
        return self.filler_pattern.sub("", text) if self.filler_pattern else text


def _strings(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise ValueError(f"{where}: must be a list of words")
    return [str(v) for v in value]


def load_lexicon(path: Path = LEXICON) -> Lexicon:
    name = Path(path).name
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{name}: must be a mapping of sections")
    replacements: dict[str, str] = {}
    for section in ("dialect", "colloquial", "english"):
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            raise ValueError(f"{name}: {section}: must map each form to a standard word")
        for said, standard in entries.items():
            key = _SPACE.sub(" ", str(said).lower())
            if not key or standard is None or not str(standard):
                raise ValueError(f"{name}: {section}: an entry needs a form and a standard word ({said!r})")
            if key in str(standard):
                # 港澳通行证 → 往来港澳通行证 would rewrite its own result again and again
                raise ValueError(f"{name}: {section}: {said!r} is part of its own standard word {standard!r}")
            replacements[key] = str(standard)
    fillers = _strings(data.get("fillers"), f"{name}: fillers")
    openers = _strings(data.get("openers"), f"{name}: openers")
    alternatives = sorted(replacements, key=len, reverse=True)

    def alternative(form: str) -> str:
        if re.fullmatch(r"[a-z' ]+", form):
            return rf"(?<![a-z]){re.escape(form)}(?![a-z])"  # coffee is not cof+fee
        if form.startswith("么"):
            return "(?<![什怎这那多要])" + re.escape(form)  # 么样, 么事 only where 么 ends no word
        return re.escape(form)

    pattern = re.compile("|".join(map(alternative, alternatives))) if alternatives else re.compile(r"(?!)")
    parts = []
    if fillers:
        parts.append("|".join(map(re.escape, sorted(fillers, key=len, reverse=True))))
    if openers:
        parts.append(
            r"(?:(?<=^)|(?<=[\s,.!?;:，。！？；：、]))(?:"
            + "|".join(map(re.escape, sorted(openers, key=len, reverse=True)))
            + r")(?![养奶食药饭])"
        )  # 喂养, 喂奶
    return Lexicon(replacements, pattern, re.compile("|".join(parts)) if parts else None)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return load_lexicon()


@lru_cache(maxsize=1)
def default_words() -> Any:
    """A jieba tokenizer with the default dictionary only. The NLU pipeline's JiebaTokenizer loads the
    records' names into jieba's global dictionary, which keeps 居民身份证补领 as one word and hides the
    身份证 it shares with a resident's phrasing; the resolver and the typo repair must also read the same
    in the pipeline as in scripts/evaluate_resolver.py, where their thresholds are tuned."""
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.check_initialized()
    return tokenizer


class TypoRepair:
    """Words written with other characters of the same sound (户口笨, 驾使证, 带款) or in pinyin
    (shenfenzheng), mapped to the vocabulary word of that sound. Careful, because most homophones are
    real words: never a piece that is itself a word of jieba's dictionary (老板 stays, not 老伴), only
    a piece that differs from the vocabulary word in one character, two-character pieces only with the
    same tones, never where two vocabulary words share a sound, pinyin only as a whole Latin word."""

    def __init__(self, vocabulary: Iterable[str]):
        self._dictionary = default_words()
        self.words = {w for w in vocabulary if 2 <= len(w) <= 6 and re.fullmatch(r"[\u4e00-\u9fff]+", w)}
        self.by_sound: dict[str, str] = {}
        self.by_tones: dict[str, str] = {}
        for table, read in ((self.by_sound, _sound), (self.by_tones, _tones)):
            ambiguous: set[str] = set()
            standard = lexicon().standard_words
            for word in sorted(self.words):
                sound = "".join(read(c) for c in word)
                # 身分证 and 身份证 share a sound and a meaning: no doubt which was meant
                if sound in table and standard(table[sound]) != standard(word):
                    ambiguous.add(sound)
                if sound not in table or standard(word) == word:
                    table[sound] = word
            for sound in ambiguous:  # two words of one sound: no way to tell which was meant
                del table[sound]
        self.lengths = sorted({len(w) for w in self.words}, reverse=True)

    def _known(self, piece: str) -> bool:
        return piece in self.words or self._dictionary.FREQ.get(piece, 0) > 0

    def _meant(self, piece: str) -> Optional[str]:
        if self._known(piece) or (len(piece) == 2 and _COMMON.search(piece)):
            return None
        word = (self.by_tones if len(piece) == 2 else self.by_sound).get(
            "".join((_tones if len(piece) == 2 else _sound)(c) for c in piece)
        )
        if word is None or sum(a != b for a, b in zip(word, piece)) != 1:
            return None
        return word

    def repair(self, text: str) -> str:
        """Twice: a word with two typos (社宝咔) is one typo away once the first is repaired (社保咔)."""
        return self._repair_once(self._repair_once(text))

    def _repair_once(self, text: str) -> str:
        text = _LATIN_WORD.sub(
            lambda m: self.by_sound.get(m.group(0), m.group(0)) if len(m.group(0)) >= 6 else m.group(0), text
        )
        out, i = [], 0
        while i < len(text):
            for n in self.lengths:
                piece = text[i : i + n]
                if len(piece) < n or not re.fullmatch(r"[\u4e00-\u9fff]+", piece):
                    continue
                if piece in self.words:
                    out.append(piece)
                    i += n
                    break
                word = self._meant(piece)
                if word is not None:
                    out.append(word)
                    i += n
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)


@lru_cache(maxsize=8192)
def _tones(char: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(char, style=Style.TONE3))


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
    text = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", words.without_fillers(words.without_fillers(text)))
    if repair is not None:
        text = repair.repair(text)
    return words.standard_words(text).strip()
