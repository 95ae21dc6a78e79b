"""Subjects: whose figure a claim states (cues: ``rules/subjects.yaml``).

For each amount the candidates are tried from the narrowest context to the widest, and
the first rule that gives one names the claim's ``subject_rule``:

- ``respectively``: 广东、江苏和浙江的增速分别为2%、1.6%和2.5% pairs names and amounts in order;
- ``bracketed``: 广东（59518亿元）、江苏（56909亿元）: the name just before the bracket;
- ``compared``: 高于全国平均水平的8.1%: a figure quoted for comparison belongs to the
  place it is compared with;
- ``speaker``: inside a quotation, 我们/我市 stand for the speaker's organisation;
- ``quote_scene``: a sentence that is all quotation takes the subject of the next one;
- ``clause``: the nearest mention before the amount that opens its clause (after a time
  phrase or a connector) — the most specific division when names nest (广东省深圳市 →
  深圳市), China for 全国/我国, the division of the page's scope for 全省/全市/全县;
- ``group``: a population group defined at a clause's start (这6亿人, 年收入低于5万元者, 60岁以上的
  人群): the phrase as written, id None — never for a head count (a group's size is the
  place's figure);
- ``programme``: a programme named at a clause's start or launched before it (五倍券,
  推出“消费券”，…, 推出纾困4.0方案，…): the phrase as written, id None, head counts included;
- ``measured``: 领取500元的消费券: an amount that measures the programme named right after it;
- ``issuer``: 交通部推出的1000元旅游券，共120万份: a programme's figures belong to the body
  that issues it, when the sentence names it so;
- ``company``: a bare 公司 in subject position, the company the page is most about (the one
  its title or lead names);
- ``after``: a sentence that names its subject only after the amount;
- ``paragraph``: the subject carried from the paragraph's previous claim or sentence;
- ``section``: the entity the section heading names;
  (neither carries a source — a university, institute, bureau, paper or bank that authors or
  reports the figures: 北师大研究…, 按照世界银行标准…)
- ``scope``: the page's scope — given by the caller, or named by the page itself
  (大庆市统计局…, a title naming a place) — else ``page``: the company the title or lead
  names, else the place the page mentions most.

A subject is (text as written, entity id or None, rule).
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import NamedTuple

import regex

from .bmp_regex import in_bmp
from .kb import knowledge_base
from .model import Document, Quantity, Sentence
from .rules import alternation
# (known_scope and load_rules, is_source and is_company are used from here by the CLI, the
# process and the tests)
from .subject_cues import (_compiled, _groups, _listed_example, _quotes_speech, last_clause_break,  # noqa: F401
                           in_subject_position, is_company, is_source, known_scope, load_rules, may_list_examples,
                           may_name_a_programme)


class Subject(NamedTuple):
    text: str
    id: str | None
    rule: str


# (start, end, text, id, type) of one entity mention, offsets into the document text
Mention = tuple[int, int, str, str | None, str]


class _Candidates(NamedTuple):
    """A sentence's mentions that may be the subject of its amounts, and those listed as
    examples of a counted group (which never are); and what the sentence holds that
    decides whether a rule is tried, found once for all of its amounts."""
    usable: list
    listed: list
    may_name_a_programme: bool  # (see subject_cues.may_name_a_programme)
    holds_a_company_word: bool  # 公司, 该公司 …


class SubjectResolver:
    """Per document: the mentions by sentence, the page's scope and fallbacks, built once;
    per amount, ``subject`` tries the rules of the module docstring in order."""

    def __init__(self, doc: Document, strip_times: Callable[[str], str] = lambda text: text):
        self.doc = doc
        self._strip = strip_times
        self._starts = [s.start for s in doc.sentences]
        self._all_mentions = sorted((m.start, m.end, m.text, e.id, e.type) for e in doc.entities for m in e.mentions)
        self.scope = doc.scope or self._named_scope()
        # (the rest serves the subjects of amounts: a page without any needs only its scope)
        self.mentions = self._mentions_by_sentence() if doc.quantities else {}
        self.section_subjects = self._section_subjects() if doc.quantities else {}
        self.default = self._page_subject() if doc.quantities else None
        self.company = self._main_company() if doc.quantities else None
        self._candidates: dict[int, _Candidates] = {}
        self._subjects: dict[int, Subject | None] = {}
        self._list_or_comparison: dict[int, bool] = {}
        self._last_rule: dict[int, str] = {}  # sentence → the rule of its last claim's subject
        self._quantities: dict[int, list[Quantity]] = {}
        for quantity in doc.quantities:
            self._quantities.setdefault(quantity.sentence, []).append(quantity)
        self.carried: dict[int, Subject] = {}  # paragraph → subject of its last claim

    # ------------------------------------------------------------------ the page

    def _named_scope(self) -> str | None:
        """The place a page names as its author (大庆市统计局, 贵州省人民政府) or in its title."""
        c = _compiled()
        kb = knowledge_base()
        mentions = self.ordered_mentions()
        starts = [m[0] for m in mentions]  # (in order: the mentions of a span are found by bisection)
        paragraphs = self.doc.paragraphs
        # (the author names itself at the head or the foot of a page, or in a heading)
        edges = [(p.start, p.end) for p in (paragraphs[:1] + paragraphs[-1:] + [p for p in paragraphs if p.heading])]
        at_edges = [mentions[i] for i in sorted({i for a, b in edges
                                                 for i in range(bisect.bisect_left(starts, a), bisect.bisect_left(starts, b))})]
        for start, end, _, entity_id, _ in at_edges:
            if entity_id and entity_id.startswith("adm:") and c.self_naming.match(self.doc.text, end):
                return entity_id
        # (the entity stage may link the whole author, 合肥市人民政府, as one organisation: its
        # name is a division's name followed by a self-naming word)
        for start, _, text, entity_id, kind in at_edges:
            if kind == "ORG":
                for match in c.self_naming_end.finditer(text):
                    places = [i for i in kb.surfaces.get(text[: match.start()], ()) if i.startswith("adm:")]
                    if len(places) == 1:
                        return places[0]
        # a source or credit line that cleaning left out (来源：厦门市统计局) still names the author
        from .entities import find_mentions  # (entities imports this module's scope check)

        for dropped in self.doc.dropped:
            if dropped.reason in ("credit", "byline", "dateline"):
                for f in find_mentions(dropped.text):
                    named = f.kind == "body" or c.self_naming.match(dropped.text, f.end)  # (厦门市统计局: one body)
                    if len(f.ids) == 1 and f.ids[0].startswith("adm:") and named:
                        return f.ids[0]
        titles = [s for s in self.doc.sentences if s.heading]
        if titles and titles[0].start == 0:
            for start, end, _, entity_id, _ in mentions[: bisect.bisect_left(starts, titles[0].end)]:
                if entity_id and entity_id.startswith("adm:") and kb.get(entity_id) is not None:
                    return entity_id
        return None

    def ordered_mentions(self) -> list[Mention]:
        """Every entity mention of the page as the entity stage found it, in order."""
        return self._all_mentions

    def _scope_at(self, level: str) -> str | None:
        """The division of ``level`` that the page's scope is or lies in."""
        if level == "country":
            return _compiled().rules.country
        if self.scope is None:
            return None
        kb = knowledge_base()
        for candidate in (self.scope, *kb.ancestors(self.scope)):
            entry = kb.get(candidate)
            if entry is not None and entry.level == level:
                return candidate
        return None

    def _mentions_by_sentence(self) -> dict[int, list[Mention]]:
        """Entity mentions per sentence index, with scope words (全国, 全市 …) the entity
        stage left unresolved, and those the page's scope resolves first."""
        c = _compiled()
        out: dict[int, list[Mention]] = {}
        for mention in self.ordered_mentions():
            i = bisect.bisect_right(self._starts, mention[0]) - 1
            if i >= 0:
                level = c.scope_words.get(mention[2])
                if level is not None and not (level == "country" and mention[3]):  # (the entity stage's country stays)
                    resolved = self._scope_at(level)
                    if resolved is not None:
                        mention = (*mention[:3], resolved, "GPE")
                out.setdefault(i, []).append(mention)
        self._anaphora(out)
        self._pronouns(out)
        # scope words the entity stage left out: one scan of the whole text
        for match in c.scope_re.finditer(self.doc.text):
            start, end = match.span()
            i = bisect.bisect_right(self._starts, start) - 1
            if i < 0 or end > self.doc.sentences[i].end:
                continue
            have = out.get(i, [])
            if any(m[0] < end and start < m[1] for m in have):
                continue
            out.setdefault(i, []).append((start, end, match.group(), self._scope_at(c.scope_words[match.group()]), "GPE"))
            have = out[i]
            have.sort()
        return out

    def _anaphora(self, out: dict[int, list[Mention]]) -> None:
        """前者/后者: the first or second of the last two bodies named before the sentence (one scan of the
        text, one bisect into the mentions per word found)."""
        c = _compiled()
        words = c.rules.anaphora
        if not any(w in self.doc.text for w in words):
            return
        named = [m for m in self._all_mentions if m[3] and m[4] in ("ORG", "GPE", "LOC", "FAC")]
        starts = [m[0] for m in named]
        for match in regex.finditer(alternation(words), self.doc.text):
            start, end = match.span()
            i = bisect.bisect_right(self._starts, start) - 1
            if i < 0:
                continue
            last: list[Mention] = []  # the last two distinct bodies, latest first
            # (named before the sentence: 前者…SQM…，后者… keeps the pair of the sentence before)
            for m in reversed(named[: bisect.bisect_left(starts, self._starts[i])]):
                if all(m[3] != n[3] for n in last):
                    last.append(m)
                if len(last) == 2:
                    break
            if len(last) == 2:
                target = last[1 - words[match.group()]]
                out.setdefault(i, []).append((start, end, match.group(), target[3], target[4]))
                out[i].sort()

    def _pronouns(self, out: dict[int, list[Mention]]) -> None:
        """他们/它们/其: the last body named before the pronoun in its paragraph (one scan of the
        text; only pronouns that no mention covers)."""
        c = _compiled()
        pronouns = set(c.rules.pronouns)
        if not any(p in self.doc.text for p in pronouns):
            return
        bodies = [m for m in self._all_mentions if m[4] in ("ORG", "GPE", "LOC", "FAC", "PERSON")]
        starts = [m[0] for m in bodies]
        sentences = self.doc.sentences
        for match in c.pronoun.finditer(self.doc.text):
            if match.group() not in pronouns:
                continue  # (其中, 尤其 …: no pronoun)
            start, end = match.span()
            i = bisect.bisect_right(self._starts, start) - 1
            if i < 0 or any(m[0] <= start < m[1] for m in out.get(i, ())):
                continue
            paragraph_start = self.doc.paragraphs[sentences[i].paragraph].start
            k = bisect.bisect_left(starts, start) - 1
            if k < 0 or bodies[k][1] > start or bodies[k][0] < paragraph_start:
                continue
            last = bodies[k]
            if last[4] == "PERSON" or not last[3]:
                continue  # (他们 after a person: the people; a name without an id stands for nobody known)
            out.setdefault(i, []).append((start, end, match.group(), last[3], last[4]))
            out[i].sort()

    def _section_subjects(self) -> dict[int | None, Subject]:
        """The entity each section's heading names (innermost heading wins)."""
        by_title: dict[int, Subject] = {}
        for index, sentence in enumerate(self.doc.sentences):
            if sentence.heading and sentence.section is not None:  # a heading's section is its own
                found = [m for m in self.mentions.get(index, []) if m[4] in ("GPE", "ORG") and m[3]
                         and not is_source(m[2], m[3])]
                if found:
                    by_title[sentence.section] = Subject(found[0][2], found[0][3], "section")
        out: dict[int | None, Subject] = {}
        for section in self.doc.sections:
            current = section
            while current is not None:
                if current.id in by_title:
                    out[section.id] = by_title[current.id]
                    break
                current = self.doc.sections[current.parent] if current.parent is not None else None
        return out

    def _page_subject(self) -> Subject | None:
        """The page's scope, else the division the page mentions most (counting the mentions
        of the places inside it too: a page about 包头 and 通辽 is about 内蒙古), else the
        country or organisation it mentions most."""
        kb = knowledge_base()
        if self.scope is not None:
            entry = kb.get(self.scope)
            return Subject(entry.name if entry else self.scope, self.scope, "scope")
        lead = self._lead_company()
        if lead is not None:
            return lead
        rules = _compiled().rules
        divisions: dict[str, int] = {}
        first: dict[str, str] = {}
        named = [e for e in self.doc.entities if e.id and e.type in rules.page_types and e.mentions]
        for entity in named:
            first.setdefault(entity.id, entity.mentions[0].text)
            if entity.id.startswith("adm:"):
                for candidate in (entity.id, *kb.ancestors(entity.id)):
                    if candidate.startswith("adm:"):
                        divisions[candidate] = divisions.get(candidate, 0) + len(entity.mentions)
        # (the countries and organisations count only on a page that names no division: most
        # name one, and are spared the source test of every organisation)
        counts = divisions or self._other_counts(named, first)
        if not counts:
            return None
        best = max(counts, key=lambda i: (counts[i], i))
        if best not in first:
            entry = kb.get(best)
            first[best] = entry.name if entry else best
        return Subject(first[best], best, "page")

    def _other_counts(self, named: list, first: dict[str, str]) -> dict[str, int]:
        """The mentions of the country and of each organisation that is no source, for a
        page that names no division; ``first`` gains the country's first mention as written."""
        rules = _compiled().rules
        others: dict[str, int] = {}
        for entity in named:
            if not entity.id.startswith("adm:") and (
                    entity.id == rules.country or (entity.type == "ORG" and not is_source(entity.mentions[0].text, entity.id))):
                others[entity.id] = others.get(entity.id, 0) + len(entity.mentions)
        # 全国/我国 that no entity covers count for the country (a national page may name it so only)
        linked = {m[0] for m in self._all_mentions}
        for mentions in self.mentions.values():
            for start, end, text, entity_id, _ in mentions:
                if entity_id == rules.country and start not in linked:
                    others[entity_id] = others.get(entity_id, 0) + 1
                    first.setdefault(entity_id, text)
        return others

    def _lead_company(self) -> Subject | None:
        """The company the page's title or lead names first (天齐锂业发布了三季报…)."""
        paragraphs = self.doc.paragraphs
        if not paragraphs:
            return None
        lead = [p for p in paragraphs[:2] if p.heading] + [next((p for p in paragraphs if not p.heading), paragraphs[0])]
        lead_end = max(p.end for p in lead)
        for start, _, text, entity_id, kind in self._all_mentions:
            if start >= lead_end:
                break  # (the mentions are in order: none after this one is in the lead)
            if kind == "ORG" and any(p.start <= start < p.end for p in lead) and is_company(text, entity_id):
                # (the company the lead is about opens a clause, after at most a short time
                # word: 昨晚天齐锂业发布了… — not 鄂尔多斯市吸引伊利…, where it is an object)
                sentence = self.doc.sentences[bisect.bisect_right(self._starts, start) - 1]
                at = start - sentence.start
                if len(self._strip(sentence.text[last_clause_break(sentence.text, at) : at])) <= _LEAD_TIME_MAX:
                    return Subject(text, entity_id, "page")
        return None

    def _main_company(self) -> str | None:
        if self.default is not None and self.default.rule == "page" and (self.default.id or "").startswith("org:") \
                and is_company(self.default.text, self.default.id):
            return self.default.id
        orgs = [e for e in self.doc.entities if e.type == "ORG" and e.id and e.mentions]
        return max(orgs, key=lambda e: len(e.mentions)).id if orgs else None

    # ------------------------------------------------------------------ per amount

    def candidates(self, index: int) -> _Candidates:
        if index not in self._candidates:
            self._candidates[index] = self._find_candidates(self.doc.sentences[index], self.mentions.get(index, []),
                                                            self._quantities.get(index, []))
        return self._candidates[index]

    def _find_candidates(self, sentence: Sentence, mentions: list[Mention], amounts: list[Quantity]) -> _Candidates:
        text, base = sentence.text, sentence.start
        chains = knowledge_base().ancestor_chains
        text_in_bmp = in_bmp(text)  # (read per sentence of an amount: those are a fraction of the page's text)
        listed = [m for m in mentions if _listed_example(text, m[1] - base, text_in_bmp)] if may_list_examples(text) else []
        speech = _compiled().speech.search(text) is not None  # (most sentences quote nobody)
        quoting = _OPENING_QUOTE.search(text) is not None and _quotes_speech(text)
        usable: list = []
        for m in mentions:
            if m in listed or (quoting and m[4] == "PERSON"):
                continue
            if speech:
                next_amount = next((q.start - base for q in amounts if q.start >= m[1]), len(text))
                if self._speaks(text[m[1] - base : next_amount]):
                    continue
            if usable and usable[-1][1] == m[0] and m[3] and usable[-1][3] in chains.get(m[3], ()):
                # 广东省深圳市: the most specific division the names nest down to
                usable[-1] = (usable[-1][0], m[1], m[2], m[3], m[4])
                continue
            if usable and usable[-1][1] == m[0] and usable[-1][4] == "GPE" and m[4] == "ORG" and m[3]:
                # 台湾行政院, 深圳比亚迪: the body of the place named just before it is the more specific one
                usable[-1] = (usable[-1][0], m[1], m[2], m[3], m[4])
                continue
            if in_subject_position(text, m[0] - base, self._strip):
                usable.append(m)
        # 交通部推出的1000元旅游券: the issuer stands for its programme, wherever it stands
        programme = may_name_a_programme(text)
        issuers = [m for m in mentions if m[4] == "ORG" and m[3] and _compiled().issued.match(text, m[1] - base)] \
            if programme else []
        if issuers:
            usable = sorted({*usable, *issuers})
        groups = _groups(text, text_in_bmp)
        if groups:
            # (a programme its issuer introduces is the issuer's: 经济部的好食券)
            groups = [g for g in groups if not (g[3] == "PROGRAMME"
                                                and any(base + g[0] <= m[1] + 3 and m[0] < base + g[1] for m in issuers))]
            spans = [(base + a, base + b) for a, b, _, _ in groups]
            usable = [m for m in usable if not any(a <= m[0] < b for a, b in spans)]
            usable.extend((base + a, base + b, g, None, kind) for a, b, g, kind in groups)
            usable.sort()
        return _Candidates(usable, listed, programme, _compiled().company_word.search(text) is not None)

    @staticmethod
    def _headcount(quantity: Quantity) -> bool:
        return quantity.unit in _compiled().rules.group_headcount_units

    @staticmethod
    def _speaks(rest: str) -> bool:
        """A speaker is not the subject of what it says (国家统计局…，认为…, 某某说…): a speech
        verb between the mention and the next amount. (A person is the subject of what they
        do, 李克强…签署了8项协议, unless the sentence quotes.)"""
        return _compiled().speech.search(rest) is not None

    def subject_of(self, index: int) -> Subject | None:
        """The last mention of sentence ``index`` that stands in subject position."""
        if index not in self._subjects:
            usable = self.candidates(index).usable
            self._subjects[index] = Subject(usable[-1][2], usable[-1][3], _GROUP_RULES.get(usable[-1][4], "paragraph")) \
                if usable else None
        return self._subjects[index]

    def first_subject(self, index: int) -> Subject | None:
        usable = self.candidates(index).usable
        return Subject(usable[0][2], usable[0][3], "quote_scene") if usable else None

    def paragraph_subject(self, index: int) -> Subject | None:
        """The subject stated last before sentence ``index`` in its paragraph."""
        sentences = self.doc.sentences
        paragraph = sentences[index].paragraph
        earlier = index - 1
        while earlier >= 0 and sentences[earlier].paragraph == paragraph:
            found = self.subject_of(earlier)
            if found:
                return found
            earlier -= 1
        return None

    def subject(self, quantity: Quantity, following: int | None = None) -> Subject:
        """The subject of ``quantity``; ``following``: the next sentence of the paragraph
        when the amount's sentence is all quotation."""
        index = quantity.sentence
        sentence = self.doc.sentences[index]
        mentions = self.mentions.get(index, [])
        if index not in self._list_or_comparison:
            self._list_or_comparison[index] = _compiled().list_or_comparison_words.search(sentence.text) is not None \
                or (len(self._quantities.get(index, ())) >= 2 and self._names_listed(sentence, mentions))
        found = None
        if mentions and self._list_or_comparison[index]:
            found = (self._respectively(sentence, quantity, mentions) or self._bracketed(sentence, quantity, mentions)
                     or self._compared(sentence, quantity, mentions))
        found = (found
                 or ("“" in sentence.text and self._speaker(sentence, quantity, mentions) or None)
                 or (self.first_subject(following) if following is not None else None)
                 or self._measured(sentence, quantity, self.candidates(index))
                 or self._in_sentence(sentence, quantity, self.candidates(index)))
        if found is None:
            carried = self.carried.get(sentence.paragraph) or self.paragraph_subject(index)
            if carried is not None and carried.rule == "group" and self._headcount(quantity):
                carried = None
            if carried is not None and not is_source(carried.text, carried.id):
                found = carried._replace(rule="paragraph")
        found = found or self.section_subjects.get(sentence.section) or self.default or Subject("", None, "none")
        if found.rule in ("clause", "after", "paragraph", "company", "group", "programme", "issuer"):
            self.carried[sentence.paragraph] = found
        self._last_rule[index] = found.rule
        return found

    @staticmethod
    def _names_listed(sentence: Sentence, mentions: list[Mention]) -> bool:
        """Whether two names of the sentence stand joined as items of a list (广东和江苏)."""
        joiners, text, base = _compiled().joiners, sentence.text, sentence.start
        return any(0 < b[0] - a[1] <= 2 and joiners.match(text[a[1] - base : b[0] - base])
                   for a, b in zip(mentions, mentions[1:]))

    def _respectively(self, sentence: Sentence, quantity: Quantity, mentions: list[Mention]) -> Subject | None:
        """广东、江苏、山东和浙江的增速分别是2%、1.6%、3.6%和2.5%: names and amounts in order."""
        c = _compiled()
        text, base = sentence.text, sentence.start
        q_start = quantity.start - base
        clause_start = last_clause_break(text, q_start)
        marker = None
        for match in c.respectively.finditer(text, clause_start, q_start):
            marker = match
        # after 分别, the amounts from it on; without it (广东和江苏的GDP为14万亿元和13.7万亿元),
        # the list of amounts in the clause that holds this one
        first = marker.end() if marker is not None else clause_start
        amounts = [q for q in self._quantities.get(quantity.sentence, []) if q.start - base >= first]
        run: list[Quantity] = []
        for q in amounts:
            if run and not c.joiners.match(text[run[-1].end - base : q.start - base]):
                if quantity in run:
                    break
                run = []  # (without 分别: a list that ends before this amount is another one)
            run.append(q)
        if quantity not in run or len(run) < 2:
            return None
        names_end = marker.start() if marker is not None else run[0].start - base
        names: list[Mention] = []
        kb = knowledge_base()
        left = None  # where the leftmost item so far starts (its province included)
        for m in reversed([m for m in mentions if clause_start <= m[0] - base and m[1] - base <= names_end
                           and m[4] != "PERSON"]):
            if names and m[1] == left and m[3] and m[3] in kb.ancestors(names[0][3] or ""):
                left = m[0]  # 湖南省长沙市: the city is the item
                continue
            if names and not c.joiners.match(text[m[1] - base : left - base]):
                break
            names.insert(0, m)
            left = m[0]
        if len(names) != len(run):
            return None
        name = names[run.index(quantity)]
        return Subject(name[2], name[3], "respectively")

    def _bracketed(self, sentence: Sentence, quantity: Quantity, mentions: list[Mention]) -> Subject | None:
        """广东（59518亿元）、江苏（56909亿元）: the amount in brackets right after a name."""
        text, base = sentence.text, sentence.start
        for m in mentions:
            gap = text[m[1] - base : quantity.start - base]
            if 1 <= len(gap) <= 3 and gap[0] in "（(" and m[4] != "PERSON":
                return Subject(m[2], m[3], "bracketed")
        return None

    def _compared(self, sentence: Sentence, quantity: Quantity, mentions: list[Mention]) -> Subject | None:
        """高于全国平均水平的8.1%, 比陕西的28568元: the figure of the place compared with; and
        the later items of a list of them (…的8.1%、陕西28568元)."""
        c = _compiled()
        text, base = sentence.text, sentence.start
        for m in reversed(mentions):
            if m[1] > quantity.start:
                continue
            gap = text[m[1] - base : quantity.start - base]
            start = m[0] - base
            if c.compared_gap.fullmatch(gap) and c.comparison_end.search(text, max(0, start - 4), start):
                return Subject(m[2], m[3], "compared")
            if not gap and start and text[start - 1] in "、，," and self._last_rule.get(quantity.sentence) == "compared":
                return Subject(m[2], m[3], "compared")
            return None
        return None

    def _speaker(self, sentence: Sentence, quantity: Quantity, mentions: list[Mention]) -> Subject | None:
        """“……我们组织了5名教师……”某局局长某某说: inside a quotation, a first-person subject
        is the speaker's organisation, named after the closing quote."""
        text = sentence.text
        q_start = quantity.start - sentence.start
        opened = text.rfind("“", 0, q_start)
        closed = text.find("”", q_start)
        if opened < 0 or closed < 0 or text.rfind("”", 0, q_start) > opened:
            return None
        inside = text[opened:q_start]
        pronoun = next((p for p in _compiled().rules.speaker_pronouns if p in inside), None)
        if pronoun is None:
            return None
        speaker = [m for m in mentions if m[0] - sentence.start > closed and m[4] in ("ORG", "FAC", "GPE")]
        return Subject(pronoun, speaker[0][3] if speaker else None, "speaker")

    def _in_sentence(self, sentence: Sentence, quantity: Quantity, candidates: _Candidates) -> Subject | None:
        # The nearest mention before the amount that opens its clause: across a list of
        # clauses (…，其中…，…) the closest governing subject wins.
        text = sentence.text
        usable, listed = candidates.usable, candidates.listed
        before = [m for m in usable if m[1] <= quantity.start and not (m[4] == "GROUP" and self._headcount(quantity))]
        counted_group_opens_clause = any(before and before[-1][1] <= m[0] < quantity.start
                                         and in_subject_position(text, m[0] - sentence.start, self._strip)
                                         for m in listed)
        company = self._company_word(sentence, quantity) if candidates.holds_a_company_word else None
        if before and not counted_group_opens_clause:
            start, end, name, entity_id, kind = before[-1]
            if company is not None and company[0] > end:
                # (银河资源…，三季度公司的产量…: 公司 is the body just named, else the page's company)
                return company[1]._replace(id=entity_id) if kind == "ORG" else company[1]
            if kind in _GROUP_RULES:
                return Subject(name, None, _GROUP_RULES[kind])
            return Subject(name, entity_id, "national" if entity_id == _compiled().rules.country else "clause")
        # (开鲁…,科尔沁区主攻…,梅花生物、圣雪大成等27家企业集聚成势,打造出13大类…: a group
        # counted with its examples is the subject of its clauses; the names before it are not.)
        if company is not None:
            return company[1]
        after = [m for m in usable if m[0] >= quantity.end and m[4] not in _GROUP_RULES]  # “…71.2℃…”11月10日，锡林热电公司…
        if after and not before and self.carried.get(sentence.paragraph) is None \
                and self.paragraph_subject(quantity.sentence) is None:
            start, end, name, entity_id, _ = after[0]
            return Subject(name, entity_id, "after")
        return None

    def _measured(self, sentence: Sentence, quantity: Quantity, candidates: _Candidates) -> Subject | None:
        """领取500元的消费券, 5千元振興券: an amount that measures the programme named right
        after it is that programme's figure — or its issuer's, named before the amount
        (交通部推出的1000元旅游券); 9成民众: a share of the people named after it."""
        c = _compiled()
        match = c.measured.match(sentence.text, quantity.end - sentence.start) \
            if candidates.may_name_a_programme else None
        if match is not None:
            for m in self.mentions.get(quantity.sentence, ()):
                gap = sentence.text[m[1] - sentence.start : quantity.start - sentence.start]
                if m[4] == "ORG" and m[3] and m[1] <= quantity.start and gap in c.rules.issuer_gaps:
                    return Subject(m[2], m[3], "issuer")
        if match is None and quantity.unit in c.rules.share_units:  # 9成民众支持…: the people's share
            match = c.people.match(sentence.text, quantity.end - sentence.start)
        return Subject(match.group("name"), None, "measured") if match else None

    def _company_word(self, sentence: Sentence, quantity: Quantity) -> tuple[int, Subject] | None:
        """公司的营收…: a bare 公司 opening the clause is the company the page is about (asked
        of a sentence that holds one of the words)."""
        text = sentence.text
        if self.company is None:
            return None
        q_start = quantity.start - sentence.start
        start = last_clause_break(text, q_start)
        for word in _compiled().company_words:
            at = text.find(word, start, q_start)
            inside_a_name = any(m[0] <= sentence.start + at < m[1] for m in self.mentions.get(quantity.sentence, []))
            if at >= 0 and not inside_a_name and in_subject_position(text, at, self._strip):
                return sentence.start + at, Subject(word, self.company, "company")
        return None


_GROUP_RULES = {"GROUP": "group", "PROGRAMME": "programme"}  # a phrase candidate's kind → its rule
# (the characters a sentence is checked for before its slower searches, as character classes:
# one search is faster than a test per character)
_OPENING_QUOTE = re.compile("[“「『]")
_LEAD_TIME_MAX = 2  # characters before a lead's company: 昨晚, 日前, 近日
