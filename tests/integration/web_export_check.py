#!/usr/bin/python3
"""Checks the node's open-data exports with parsers independent of bibia.

Usage: web_export_check.py DIR N
DIR holds dcat.jsonld, projects.csv, register.json and register.csv as served;
N is the number of projects expected. Exits non-zero naming what is wrong.
"""
import csv
import io
import json
import sys

from rdflib import Graph, Namespace, RDF, URIRef

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

REGISTER_FIELDS = [
    "identifier", "name", "name_en", "organisation", "organisation_siren", "region", "description",
    "description_en", "domain", "phase", "start_year", "purpose_and_benefit", "human_in_the_loop",
    "human_oversight", "how_to_contest", "legal_basis", "personal_data", "dpia_done", "dpia_url",
    "risk_class", "techniques", "data_sources", "links", "contact_point", "last_updated", "next_review_date",
]


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def main():
    folder, expected = sys.argv[1], int(sys.argv[2])

    graph = Graph()
    graph.parse(f"{folder}/dcat.jsonld", format="json-ld")
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    if len(catalogs) != 1:
        fail(f"dcat: {len(catalogs)} dcat:Catalog, expected 1")
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    if len(datasets) != expected:
        fail(f"dcat: {len(datasets)} dcat:Dataset, expected {expected}")
    if set(graph.objects(catalogs[0], DCAT.dataset)) != datasets:
        fail("dcat: the catalogue does not list every dataset")
    for d in datasets:
        for prop in (DCT.identifier, DCT.title, DCT.publisher, DCAT.keyword, DCAT.landingPage):
            if graph.value(d, prop) is None:
                fail(f"dcat: dataset {d} has no {prop}")
        publisher = graph.value(d, DCT.publisher)
        if (publisher, RDF.type, FOAF.Agent) not in graph or graph.value(publisher, FOAF.name) is None:
            fail(f"dcat: publisher of {d} is not a named foaf:Agent")
        theme = graph.value(d, DCAT.theme)
        if theme is not None and not str(theme).startswith(
                "http://publications.europa.eu/resource/authority/data-theme/"):
            fail(f"dcat: theme {theme} is not in the EU data-theme vocabulary")

    with open(f"{folder}/projects.csv", newline="", encoding="utf-8") as f:
        text = f.read()
    if "\r\n" not in text:
        fail("csv: lines do not end with CRLF (RFC 4180)")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    if len(rows) != expected:
        fail(f"csv: {len(rows)} rows, expected {expected}")
    ids = {r["id"] for r in rows}
    dataset_ids = {str(graph.value(d, DCT.identifier)) for d in datasets}
    if ids != dataset_ids:
        fail("csv: ids differ from the dcat datasets")
    for r in rows:
        if not r["title_fr"] or not r["collectivity"]:
            fail(f"csv: row {r['id']} lacks title_fr or collectivity")

    with open(f"{folder}/register.json", encoding="utf-8") as f:
        register = json.load(f)
    entries = register["entries"]
    if len(entries) != expected:
        fail(f"register.json: {len(entries)} entries, expected {expected}")
    for e in entries:
        missing = [k for k in REGISTER_FIELDS if k not in e]
        if missing:
            fail(f"register.json: entry {e.get('identifier')} lacks {missing}")
        if e["contact_point"] != "":
            fail("register.json: contact point must be empty in public")
    with open(f"{folder}/register.csv", newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != REGISTER_FIELDS:
            fail(f"register.csv: columns {reader.fieldnames}")
        if len(list(reader)) != expected:
            fail("register.csv: wrong number of rows")
    print(f"exports ok: {len(datasets)} datasets, {len(rows)} csv rows, {len(entries)} register entries")


if __name__ == "__main__":
    main()
