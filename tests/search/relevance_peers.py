#!/usr/bin/python3
"""Relevance of two reference engines on tests/search/relevance.json.

Loads the demo catalogue (deploy/demo/projects.json) into SQLite FTS5 and into
Xapian and runs every query of the relevance set through each, printing the
same metrics as bibia_relevance_test (tests/search/relevance_metrics.cc):
nDCG@10 (gain 2^grade - 1), recall@10 (relevant ids in the top 10 over
min(10, relevant ids)), MRR and the zero-result rate, over the queries with
judgments, overall and per kind.

  SQLite FTS5: unicode61 tokenizer folding accents, every query word required
    (bibia's stop words dropped from the query first, else "des" would have to
    match too), ranked by bm25 with bibia's field weights.
  Xapian: French Snowball stemmer at indexing and querying, the default
    QueryParser (any word, ranked by BM25), same field weights.

Both index the text fields bibia indexes: titles, summaries, tags,
techniques, data sources, collectivity and region.

Usage: /usr/bin/python3 tests/search/relevance_peers.py [--verbose]
(needs python3-xapian; sqlite3 with FTS5 is in the standard library).
"""
import json
import math
import os
import re
import sqlite3
import sys
import unicodedata

import xapian

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPTH = 10

# bibia's stop words (catalog/tokenizer.cc), folded.
STOP_WORDS = set("""
a au aux avec c ce ces cet cette d dans de des du elle elles en est et etre ete il ils j l la le les
leur leurs lui m mais n ne nous on ont ou par pas pour qu que qui s sa sans se ses son sont sur t un
une vous y ainsi afin comme donc dont entre
an and are as at be been by for from has have in into is it its not of or that the their there these
this those to was were which who will with""".split())


def fold(text):
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text):
    return re.findall(r"\w+", fold(text))


def fields(p):
    """(title, summary, tags, other) text of a demo record."""
    title = " ".join(x for x in (p.get("title_fr"), p.get("title_en")) if x)
    summary = " ".join(x for x in (p.get("summary_fr"), p.get("summary_en")) if x)
    tags = " ".join((p.get("tags") or []) + (p.get("techniques") or []))
    other = " ".join((p.get("data_sources") or []) + [p.get("collectivity") or "", p.get("region") or ""])
    return title, summary, tags, other


WEIGHTS = (3, 1, 2, 1)


def score(ranked, grades):
    dcg, found, rr = 0.0, 0, 0.0
    for i, pid in enumerate(ranked[:DEPTH]):
        g = grades.get(pid, 0)
        if g <= 0:
            continue
        dcg += (2 ** g - 1) / math.log2(i + 2)
        found += 1
        if rr == 0:
            rr = 1.0 / (i + 1)
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal[:DEPTH]))
    relevant = min(len(ideal), DEPTH)
    return {
        "ndcg": dcg / idcg if idcg > 0 else 0.0,
        "recall": found / relevant if relevant else 0.0,
        "rr": rr,
        "zero": 1.0 if not ranked else 0.0,
    }


class Fts5:
    def __init__(self, projects):
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, summary, tags, other,"
                        " tokenize = 'unicode61 remove_diacritics 2')")
        for p in projects:
            self.db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", (p["id"],) + fields(p))

    def search(self, query):
        terms = [w for w in words(query) if w not in STOP_WORDS]
        if not terms:
            return []
        match = " AND ".join('"%s"' % w for w in terms)
        rows = self.db.execute("SELECT id FROM t WHERE t MATCH ? ORDER BY bm25(t, 0, %d, %d, %d, %d) LIMIT %d"
                               % (WEIGHTS + (DEPTH,)), (match,))
        return [r[0] for r in rows]


class Xapian:
    def __init__(self, projects):
        self.db = xapian.WritableDatabase("", xapian.DB_BACKEND_INMEMORY)
        stemmer = xapian.Stem("french")
        gen = xapian.TermGenerator()
        gen.set_stemmer(stemmer)
        for p in projects:
            doc = xapian.Document()
            gen.set_document(doc)
            for text, weight in zip(fields(p), WEIGHTS):
                gen.index_text(text, weight)
                gen.increase_termpos()
            doc.set_data(p["id"])
            self.db.add_document(doc)
        self.parser = xapian.QueryParser()
        self.parser.set_stemmer(stemmer)
        self.parser.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        self.parser.set_database(self.db)

    def search(self, query):
        enquire = xapian.Enquire(self.db)
        enquire.set_query(self.parser.parse_query(query))
        return [m.document.get_data().decode() for m in enquire.get_mset(0, DEPTH)]


def evaluate(name, engine, queries, verbose):
    totals, by_kind = {}, {}
    for q in queries:
        grades = q.get("judgments") or {}
        ranked = engine.search(q["query"])
        if not grades:
            continue
        s = score(ranked, grades)
        if verbose:
            print("  %-8s %-10s %-45s nDCG %.2f  %d hits" % (name, q["kind"], q["query"], s["ndcg"], len(ranked)))
        for bucket in (totals, by_kind.setdefault(q["kind"], {})):
            bucket["n"] = bucket.get("n", 0) + 1
            for k, v in s.items():
                bucket[k] = bucket.get(k, 0.0) + v

    def line(label, b):
        n = b["n"]
        return "%-7s %-11s %3d  nDCG@10 %.3f  recall@10 %.3f  MRR %.3f  zero %4.1f %%" % (
            name, label, n, b["ndcg"] / n, b["recall"] / n, b["rr"] / n, 100 * b["zero"] / n)

    for kind in sorted(by_kind):
        print(line(kind, by_kind[kind]))
    print(line("all", totals))


def main():
    verbose = "--verbose" in sys.argv[1:]
    with open(os.path.join(ROOT, "deploy/demo/projects.json"), encoding="utf-8") as f:
        projects = json.load(f)["projects"]
    with open(os.path.join(ROOT, "tests/search/relevance.json"), encoding="utf-8") as f:
        queries = json.load(f)["queries"]
    evaluate("fts5", Fts5(projects), queries, verbose)
    print()
    evaluate("xapian", Xapian(projects), queries, verbose)


if __name__ == "__main__":
    main()
