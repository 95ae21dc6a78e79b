"""The spaCy components give what pipeline.process gives, through a user's own spacy.blank("zh")."""
import dataclasses
import subprocess
import sys

import pytest

spacy = pytest.importorskip("spacy", reason="spaCy is not installed: pip install -e '.[spacy]'")

from spacy import displacy  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402

import pipeline  # noqa: E402
from conftest import ROOT, SEEDS  # noqa: E402
from pipeline.read import iter_sources  # noqa: E402
from pipeline.spacy_components import to_spacy  # noqa: E402

FIELDS = ("text", "value", "low", "high", "unit", "qualifier")


@pytest.fixture(scope="module")
def seed_texts():
    return {source.id: source.text for source in iter_sources([str(SEEDS)])}


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("zh")
    nlp.add_pipe("zh_quantities")
    nlp.add_pipe("zh_entities")
    nlp.add_pipe("zh_claims")
    return nlp


def _seed_ids():
    return sorted(p.stem for p in SEEDS.glob("*.txt"))


@pytest.mark.parametrize("doc_id", _seed_ids())
def test_add_pipe_gives_the_same_quantities_and_entities_as_process(nlp, seed_texts, doc_id):
    text = seed_texts[doc_id]
    expected = pipeline.process(text, doc_id=doc_id)
    doc = nlp(text)
    spans = doc.spans["quantities"]
    assert [tuple(s._.quantity[f] for f in FIELDS) for s in spans] == \
        [tuple(getattr(q, f) for f in FIELDS) for q in expected.quantities]
    for span, q in zip(spans, expected.quantities, strict=True):
        assert span.label_ == q.unit
        # the span is the quantity in the page as given (a column break may sit inside it)
        assert "".join(span.text.split()) == q.text
    assert sorted((e.text, e.kb_id_, e.label_) for e in doc.ents) == \
        sorted((m.text, e.id or "", e.type) for e in expected.entities for m in e.mentions)
    assert [{k: v for k, v in c.items() if k not in ("start_char", "end_char")} for c in doc._.claims] == \
        [dataclasses.asdict(c) for c in expected.claims]
    for claim in doc._.claims:
        assert "".join(doc.text[claim["start_char"]:claim["end_char"]].split()) == claim["quantity"]


def test_components_declare_default_configs(nlp):
    assert nlp.get_pipe_config("zh_quantities") == {"factory": "zh_quantities", "spans_key": "quantities",
                                                    "clean": True}
    assert nlp.get_pipe_config("zh_entities") == {"factory": "zh_entities", "overwrite_ents": False, "clean": True}
    assert nlp.get_pipe_config("zh_claims") == {"factory": "zh_claims", "clean": True}


def test_factories_are_found_through_entry_points():
    """A fresh interpreter that never imports pipeline.spacy_components still finds them."""
    code = ("import spacy\nnlp = spacy.blank('zh')\nnlp.add_pipe('zh_quantities')\nnlp.add_pipe('zh_entities')\n"
            "doc = nlp('2024年，内蒙古新能源总装机规模达1.35亿千瓦。')\n"
            "print([(s.text, s._.quantity['value'], s.label_) for s in doc.spans['quantities']])\n"
            "print([(e.text, e.kb_id_) for e in doc.ents])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "tests", capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    quantities, entities = result.stdout.decode().splitlines()
    assert "('1.35亿千瓦', 135000000.0, 'kW')" in quantities
    assert "('内蒙古', 'adm:150000')" in entities


def test_clean_false_takes_the_text_as_it_is():
    nlp = spacy.blank("zh")
    nlp.add_pipe("zh_quantities", config={"clean": False, "spans_key": "q"})
    text = "□本报记者 王明\n包头市全年产量增长12.5%，达到3万吨。"
    doc = nlp(text)
    assert [s.text for s in doc.spans["q"]] == ["12.5%", "3万吨"]
    assert all(text[s.start_char:s.end_char] == s._.quantity["text"] for s in doc.spans["q"])


def test_existing_entities_are_kept_unless_overwrite(nlp):
    text = "包头市全年产量增长12.5%。"
    own = spacy.blank("zh")
    ruler = own.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "CITY", "pattern": [{"TEXT": "包"}, {"TEXT": "头"}]}])
    own.add_pipe("zh_entities")
    assert [(e.text, e.label_) for e in own(text).ents] == [("包头", "CITY")]
    own.remove_pipe("zh_entities")
    own.add_pipe("zh_entities", config={"overwrite_ents": True})
    assert [(e.text, e.label_, e.kb_id_) for e in own(text).ents] == [("包头市", "GPE", "adm:150200")]


def test_annotations_survive_docbin(nlp, seed_texts):
    doc = nlp(seed_texts[_seed_ids()[0]])
    restored = list(DocBin(store_user_data=True, docs=[doc]).get_docs(nlp.vocab))[0]
    assert [s._.quantity for s in restored.spans["quantities"]] == [s._.quantity for s in doc.spans["quantities"]]
    assert list(restored._.claims) == doc._.claims  # msgpack gives the list back as a tuple


def test_to_spacy_renders_with_displacy(seed_docs):
    document = seed_docs[_seed_ids()[-1]]
    doc = to_spacy(document)
    assert doc.text == document.text
    assert len(doc.spans["quantities"]) == len(document.quantities)
    assert [s._.quantity["value"] for s in doc.spans["quantities"]] == [q.value for q in document.quantities]
    assert len(doc.ents) == sum(len(e.mentions) for e in document.entities)
    assert {e.kb_id_ for e in doc.ents} == {e.id for e in document.entities if e.id}
    assert len(doc._.claims) == len(document.claims)
    assert len(list(doc.sents)) == len(document.sentences)
    ent_html = displacy.render(doc, style="ent")
    span_html = displacy.render(doc, style="span", options={"spans_key": "quantities"})
    assert document.id in ent_html  # user_data["title"]
    assert document.entities[0].mentions[0].text in ent_html and document.entities[0].type in ent_html
    assert document.quantities[0].unit in span_html
