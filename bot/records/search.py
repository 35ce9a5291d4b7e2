"""Chinese full-text search over all records: jieba tokens, BM25 on SQLite (FTS5), ts_rank on PostgreSQL.

Both engines index the same pre-segmented token text, so the ranking differs only in the scoring
function; the confidence the actions act on (`coverage`) is computed here, identically for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

from sqlalchemy import insert, select, text
from sqlalchemy.engine import Connection

from bot.records.loader import RecordSet
from bot.records.models import SearchDoc, TermEntry
from bot.records.text import Segmenter, bigrams, folded, standardise

MAX_QUERY_CHARS = 200  # a resident's question; longer input is cut, not searched whole
MAX_QUERY_TOKENS = 24


@dataclass(frozen=True)
class Hit:
    kind: str
    record_id: str
    title: str
    rank: float  # 0..1: engine score relative to the best, blended with name match; higher is better
    coverage: float  # share of the query's tokens found in the record (0..1)
    name_coverage: float  # share found in the record's title and aliases


def _documents(records: RecordSet) -> Iterable[tuple[str, str, str, list[str], list[str]]]:
    for s in records["services"]:
        names = [s["name"], *s["aliases"]]
        body = [s["category"], s["description"], s["eligibility"], *s["materials"], s["where"], s["online"]]
        yield "service", s["id"], s["name"], names, body
    for o in records["offices"]:
        yield "office", o["id"], o["name"], [o["name"], o["district"]], []
    for p in records["plan_items"]:
        metrics = [f["metric"] for f in p["figures"]]
        body = [p["statement"], p["department"] or "", *metrics]
        yield "plan_item", p["id"], p["title"], [p["title"], *p["aliases"]], body
    for f in records["faq"]:
        yield "faq", f["id"], f["question"], [f["question"], *f["aliases"]], [f["answer"]]


def vocabulary(records: RecordSet) -> set[str]:
    words: set[str] = set()
    for _, _, _, names, _ in _documents(records):
        words.update(names)
    for d in records["districts"]:
        words.update([d["name"], *d["aliases"]])
    for p in records["plan_items"]:
        words.update(f["metric"] for f in p["figures"])
    return words


def _index_tokens(segmenter: Segmenter, texts: Iterable[str]) -> list[str]:
    out: list[str] = []
    for t in texts:
        out.extend(tok.replace('"', "") for tok in segmenter.tokens(t))
    return out


def drop_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TABLE IF EXISTS search_fts"))


def create_index(conn: Connection, records: RecordSet) -> None:
    segmenter = Segmenter(vocabulary(records))
    rows = []
    for kind, rid, title, names, body in _documents(records):
        name_tokens = _index_tokens(segmenter, names)
        rows.append(
            {
                "kind": kind,
                "record_id": rid,
                "title": title,
                "labels": "\n".join(folded(n) for n in names),
                "names": " ".join(name_tokens),
                "tokens": " ".join(name_tokens + _index_tokens(segmenter, body)),
            }
        )
    if rows:
        conn.execute(insert(SearchDoc), rows)
    if conn.dialect.name == "sqlite":
        conn.execute(text("CREATE VIRTUAL TABLE search_fts USING fts5(names, tokens, tokenize='unicode61')"))
        conn.execute(text("INSERT INTO search_fts(rowid, names, tokens) SELECT id, names, tokens FROM search_docs"))
    # on PostgreSQL the GIN index over the same expression is part of the schema (migration 0001)


_segmenters: dict[str, Segmenter] = {}


def _index_key(conn: Connection) -> str:
    """Which build the in-process caches belong to: a rebuild (new built_at) invalidates them."""
    return str(conn.engine.url) + "|" + str(conn.execute(text("SELECT built_at FROM build_info")).scalar())


def segmenter_for(conn: Connection, key: Optional[str] = None) -> Segmenter:
    """The query segmenter knows the same vocabulary the index was built with."""
    key = key or _index_key(conn)
    if key not in _segmenters:
        terms = conn.execute(select(TermEntry.term)).scalars().all()
        _segmenters.clear()
        _segmenters[key] = Segmenter(terms)
    return _segmenters[key]


def query_tokens(conn: Connection, query: str, key: Optional[str] = None) -> list[str]:
    tokens = segmenter_for(conn, key).tokens(folded(query)[:MAX_QUERY_CHARS])
    unique = list(dict.fromkeys(t.replace('"', "") for t in tokens if t.replace('"', "")))
    return unique[:MAX_QUERY_TOKENS]


# Weights chosen on tests/search_questions.yml (scripts/evaluate_search.py prints the figures).
NAME_WEIGHT = 0.6  # share of the final score given to the question's similarity to a record's name
NAME_CANDIDATE = 0.3  # a record this similar to the question is a candidate even without a shared token


_labels_cache: dict[str, list[tuple[Any, list[set[str]]]]] = {}


def _all_labels(conn: Connection, key: str) -> list[tuple[Any, list[set[str]]]]:
    if key not in _labels_cache:
        _labels_cache.clear()
        rows = conn.execute(text("SELECT id, kind, record_id, title, labels, names, tokens FROM search_docs")).all()
        _labels_cache[key] = [(r, [bigrams(label) for label in r.labels.split("\n")]) for r in rows]
    return _labels_cache[key]


def _name_match(query_bigrams: set[str], label_bigrams: list[set[str]]) -> float:
    """Best Dice similarity of character bigrams between the question and any of the record's names."""
    best = 0.0
    for bg in label_bigrams:
        if bg and query_bigrams:
            best = max(best, 2 * len(query_bigrams & bg) / (len(query_bigrams) + len(bg)))
    return best


def search(conn: Connection, query: str, kinds: Optional[Iterable[str]] = None, limit: int = 5) -> list[Hit]:
    """Ranked hits for a resident's words; an empty list when nothing is related to them."""
    query = (query or "")[:MAX_QUERY_CHARS]
    key = _index_key(conn)
    tokens = query_tokens(conn, query, key)
    query_bg = bigrams(standardise(query))
    if not tokens and not query_bg:
        return []
    kinds = list(kinds) if kinds else None
    fetch = max(limit * 4, 20)
    rows = []
    if tokens and conn.dialect.name == "sqlite":
        match = " OR ".join(f'"{t}"' for t in tokens)
        sql = (
            "SELECT d.id, -bm25(search_fts, 3.0, 1.0) AS rank "
            "FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH :match ORDER BY bm25(search_fts, 3.0, 1.0) LIMIT :fetch"
        )
        rows = conn.execute(text(sql), {"match": match, "fetch": fetch}).all()
    elif tokens:
        tsquery = " | ".join("'" + t.replace("'", "''").replace("\\", "") + "'" for t in tokens)
        sql = (
            "SELECT d.id, ts_rank(setweight(to_tsvector('simple', d.names), 'A') || "
            "setweight(to_tsvector('simple', d.tokens), 'B'), q) AS rank "
            "FROM search_docs d, to_tsquery('simple', :q) q "
            "WHERE (setweight(to_tsvector('simple', d.names), 'A') || setweight(to_tsvector('simple', d.tokens), 'B')) @@ q "
            "ORDER BY rank DESC LIMIT :fetch"
        )
        rows = conn.execute(text(sql), {"q": tsquery, "fetch": fetch}).all()
    engine_rank = {row.id: float(row.rank) for row in rows}
    top_rank = max(engine_rank.values(), default=0.0)
    hits = []
    for doc, label_bigrams in _all_labels(conn, key):
        if kinds and doc.kind not in kinds:
            continue
        name_match = _name_match(query_bg, label_bigrams)
        if doc.id not in engine_rank and name_match < NAME_CANDIDATE:
            continue
        doc_tokens = set(doc.tokens.split())
        name_tokens = set(doc.names.split())
        relative = engine_rank.get(doc.id, 0.0) / top_rank if top_rank > 0 else 0.0
        n = max(len(tokens), 1)
        hits.append(
            Hit(
                kind=doc.kind,
                record_id=doc.record_id,
                title=doc.title,
                rank=(1 - NAME_WEIGHT) * relative + NAME_WEIGHT * name_match,
                coverage=max(sum(t in doc_tokens for t in tokens) / n if tokens else 0.0, name_match),
                name_coverage=sum(t in name_tokens for t in tokens) / n if tokens else 0.0,
            )
        )
    hits.sort(key=lambda h: (h.rank, h.coverage), reverse=True)
    return hits[:limit]
