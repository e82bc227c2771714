"""Read one tree's columns (``/tableaus/scores/{e}/{d}/trees/{tree}/tables/{first}/{count}``) into a
``models.TableauTree``, by the bracket's geometry (ftl-tableau notes §4), never by guessing.

With o = data-row index (table row - 2) and c = column index in the fragment, slot k of column c
sits at o = 2^c - 1 + k·2^(c+1); slots 2j and 2j+1 fence each other; the winner is written into
slot j of column c+1 and that bout's score cell is the row below it. Seeds and affiliations are
shown in the first column only, so each fencer is carried forward along the bracket from there.
"""

from __future__ import annotations

import re
from typing import Any, Literal, NamedTuple

from lxml import etree

from ftl_scraper.errors import LoginRequiredError, TableauParseError
from ftl_scraper.models import TableauBout, TableauFencer, TableauReferee, TableauRound, TableauTree
from ftl_scraper.models.tableau import BoutStatus
from ftl_scraper.parsers.text import element_text, flag_country, normalize_whitespace, split_affiliation
from ftl_scraper.site.ids import FTL_ID_ANY_CASE
from ftl_scraper.site.login import LOGIN_REQUIRED_MESSAGE, is_login_page

_TABLES = etree.XPath("//table[contains(concat(' ', normalize-space(@class), ' '), ' elimTableau ')]")
# counted in C: a table of 256 has over 5000 cells, and a Python walk over them costs milliseconds
_ROW_CHILD_COUNT = etree.XPath("count(.//tr/*)")
_CELLS_WITH_SPANS = etree.XPath("count(.//tr/td[.//span])")
_SEED = re.compile(r"\(\s*(?P<seed>\d+)\s*\)")
_BYE = re.compile(r"-\s*BYE\s*-", re.IGNORECASE)
_SCORE = re.compile(r"(?P<winner>\d+)\s*-\s*(?P<loser>\d+)")
# the only non-score result seen in real brackets ("Opponent withdrew (medical)"); anything else
# is reported rather than guessed at
_WITHDRAWAL = re.compile(r"opponent\s+withdrew\b.*", re.IGNORECASE)
# "4:30 PM Strip 25", "10:00 AM Strip Blue", "Strip Podium", "7:54 PM"
_TIME_AND_STRIP = re.compile(
    r"(?P<time>\d{1,2}:\d{2}\s*[AP]M)?\s*(?:Strip\s+(?P<strip>\S.*))?", re.IGNORECASE
)
_REFEREE_LINE = re.compile(r"(?P<role>Ref|Video|Assist)\s+(?P<rest>\S.*)")
_MATCH_DETAILS = re.compile(
    rf"/teammatches/details/{FTL_ID_ANY_CASE}/{FTL_ID_ANY_CASE}/(?P<match>{FTL_ID_ANY_CASE})"
)


class _Slot(NamedTuple):
    """What one fencer slot shows."""

    kind: Literal["fencer", "bye", "empty", "schedule"]
    name: str | None = None
    cell: etree._Element | None = None
    spans: dict[str, list[etree._Element]] | None = None  # "fencer": its spans by class
    time: str | None = None  # "schedule": the ttistr announcing the bout that will fill it
    strip: str | None = None


class _Score(NamedTuple):
    """What one bout's score cell shows."""

    touches: tuple[int, int] | None  # (winner's, loser's), as FTL prints them
    label: str | None
    times: list[str]
    strips: list[str]
    referees: list[TableauReferee]
    match_id: str | None


_EMPTY_SLOT = _Slot("empty")
_NO_SCORE = _Score(None, None, [], [], [], None)


class TreeSource(NamedTuple):
    """Which tree a fragment belongs to, as the trees JSON lists it."""

    tree_id: str
    name: str
    tree_number: int
    table_count: int | None = None  # numTables; checks the column sizes when given


def parse_tableau_html(html: str, tree: TreeSource, first_table: int = 0) -> TableauTree:
    """Parse one tree's fragment; ``first_table`` is the index of its first column in the tree.

    The winner column is recognised as a column of one slot; a fragment without it leaves the
    last round undecided.
    """
    where = f"tree {tree.name!r} ({tree.tree_id})"
    # lxml straight from the str: parsel's create_root_node (strip, encode, then parse the bytes)
    # takes about twice as long on a table of 256
    document = etree.fromstring(html, etree.HTMLParser()) if html.strip() else None
    tables = _TABLES(document) if document is not None else []
    if len(tables) != 1:
        # asked only of a fragment that is no bracket: FTL's login page has none, and the check
        # lower-cases the whole text (~0.7 ms of a table of 256)
        if is_login_page(html):
            raise LoginRequiredError(LOGIN_REQUIRED_MESSAGE, tree_id=tree.tree_id)
        raise TableauParseError(
            f"{where}: expected one bracket table (table.elimTableau), found {len(tables)}",
            tree_id=tree.tree_id,
        )
    return _TreeReader(tables[0], tree, first_table, where).read()


class _TreeReader:
    """Reads one bracket table; every structural surprise becomes a TableauParseError naming the tree."""

    def __init__(self, table: etree._Element, tree: TreeSource, first_table: int, where: str) -> None:
        self.tree = tree
        self.where = where
        self.table = table
        rows = list(table.iter("tr"))
        if len(rows) < 2:
            raise self.error("the bracket table has no header and spacer rows")
        self.labels = [element_text(cell) for cell in rows[0].iterchildren("td", "th")]
        self.column_count = len(self.labels)
        #: grid[o][c] is the cell of data row o, column c
        self.grid: list[Any] = rows[2:]
        if (
            any(len(row) != self.column_count for row in self.grid)
            or _ROW_CHILD_COUNT(table) != len(rows) * self.column_count
        ):
            # not every child of every row is a cell (or a row is short): index the cells themselves
            self.grid = [list(row.iterchildren("td", "th")) for row in self.grid]
        data_rows = len(self.grid)
        self.first_size = data_rows // 2
        if self.column_count == 0 or data_rows % 2 or not _is_power_of_two(self.first_size):
            raise self.error(
                f"{self.column_count} columns and {data_rows} data rows: expected two rows per "
                "slot of the first column, a power of two"
            )
        if self.first_size < 1 << (self.column_count - 1):
            raise self.error(
                f"{self.column_count} columns cannot halve down from {self.first_size} first-column slots"
            )
        if tree.table_count is not None:
            expected = 1 << (tree.table_count - first_table) if tree.table_count >= first_table else 0
            if self.first_size != expected:
                raise self.error(
                    f"first column has {self.first_size} slots; column {first_table} of a tree of "
                    f"{tree.table_count} tables has {expected}"
                )
        for index, cells in enumerate(self.grid):
            if len(cells) != self.column_count:
                raise self.error(
                    f"table row {index + 3} has {len(cells)} cells, expected {self.column_count}"
                )
        # a last column of one slot is the winner column: the champion and the final's score
        self.has_winner_column = self.first_size >> (self.column_count - 1) == 1
        #: slot and score cells read so far that hold a span (names, scores, schedules)
        self.cells_read_with_spans = 0

    def error(self, detail: str) -> TableauParseError:
        return TableauParseError(f"{self.where}: {detail}", tree_id=self.tree.tree_id)

    def cell_error(self, offset: int, column: int, detail: str) -> TableauParseError:
        label = self.labels[column] or "winner column"
        return self.error(f"table row {offset + 3}, column {column + 1} ({label!r}): {detail}")

    def read(self) -> TableauTree:
        slots = [self._column_slots(column) for column in range(self.column_count)]
        fencers: list[TableauFencer | None] = [
            self._first_column_fencer(index, slot) for index, slot in enumerate(slots[0])
        ]
        round_count = self.column_count - 1 if self.has_winner_column else self.column_count
        rounds = []
        for column in range(round_count):
            next_slots = slots[column + 1] if column + 1 < self.column_count else None
            bouts, fencers = self._round(column, slots[column], fencers, next_slots)
            rounds.append(TableauRound(label=self.labels[column], size=len(slots[column]), bouts=bouts))
        champion = fencers[0] if self.has_winner_column else None
        self._check_nothing_off_the_geometry()
        return TableauTree(
            tree_id=self.tree.tree_id,
            name=self.tree.name,
            tree_number=self.tree.tree_number,
            rounds=rounds,
            winner=champion,
        )

    # -- geometry

    def _slot_offset(self, column: int, index: int) -> int:
        return (1 << column) - 1 + index * (1 << (column + 1))

    def _check_nothing_off_the_geometry(self) -> None:
        # a name or score anywhere but a slot or score cell means the geometry was misread; the
        # cells are walked one by one only to name the stray one
        on_geometry = self.cells_read_with_spans
        for index in range(self.first_size):  # the first column's score cells, which no bout reads
            cell = self.grid[2 * index + 1][0]
            on_geometry += len(cell) > 0 and next(cell.iter("span"), None) is not None
        if _CELLS_WITH_SPANS(self.table) == on_geometry:
            return
        for offset, cells in enumerate(self.grid):
            for column, cell in enumerate(cells):
                if len(cell) == 0 or next(cell.iter("span"), None) is None:
                    continue
                period = 1 << (column + 1)
                phase = (offset + 1) % period
                if phase not in (period // 2, (period // 2 + 1) % period):
                    raise self.cell_error(offset, column, "content outside every slot and score cell")

    def _column_slots(self, column: int) -> list[_Slot]:
        return [
            self._slot(self._slot_offset(column, index), column, index)
            for index in range(self.first_size >> column)
        ]

    # -- cells

    def _slot(self, offset: int, column: int, index: int) -> _Slot:
        cell = self.grid[offset][column]
        if len(cell) == 0:
            if normalize_whitespace(cell.text or ""):
                raise self.cell_error(offset, column, f"slot reads {element_text(cell)!r}, not a fencer")
            return _EMPTY_SLOT
        spans = _spans_by_class(cell)
        self.cells_read_with_spans += bool(spans)
        names = spans.get("tcln", [])
        schedules = spans.get("ttistr", [])
        if names or schedules:
            expected_class = "tbbr" if index % 2 else "tbb"
            if not _has_class(cell, expected_class):
                raise self.cell_error(offset, column, f"slot {index + 1} is not a td.{expected_class}")
        if len(names) > 1:
            raise self.cell_error(offset, column, f"{len(names)} names in one slot")
        if names:
            surname = _span_text(names[0])
            if _BYE.fullmatch(surname):
                return _Slot("bye", cell=cell)
            name = " ".join([surname, *(_span_text(span) for span in spans.get("tcfn", []))]).strip()
            if not name:
                raise self.cell_error(offset, column, "empty name (span.tcln)")
            return _Slot("fencer", name=name, cell=cell, spans=spans)
        if schedules:
            try:
                time, strip = _time_and_strip(element_text(schedules[0]))
            except ValueError as exc:
                raise self.cell_error(offset, column, str(exc)) from None
            return _Slot("schedule", time=time, strip=strip)
        if element_text(cell):
            raise self.cell_error(offset, column, f"slot reads {element_text(cell)!r}, not a fencer")
        return _EMPTY_SLOT

    def _first_column_fencer(self, index: int, slot: _Slot) -> TableauFencer | None:
        if slot.kind != "fencer" or slot.spans is None or slot.name is None:
            return None
        seed: int | None = None
        if seeds := slot.spans.get("tseed"):
            shown = _span_text(seeds[0])
            match = _SEED.fullmatch(shown)
            if match is None or int(match["seed"]) < 1:
                raise self.cell_error(self._slot_offset(0, index), 0, f"seed reads {shown!r}, expected '(N)'")
            seed = int(match["seed"])
        affiliation, country = "", None
        if affiliations := slot.spans.get("tcaff"):
            affiliation = element_text(affiliations[0])
            country = flag_country(affiliations[0])
        parts = split_affiliation(affiliation, country)
        return TableauFencer(
            name=slot.name,
            seed=seed,
            affiliation=affiliation or None,
            club=parts.club,
            division=parts.division,
            country=parts.country,
        )

    def _score(self, offset: int, column: int) -> _Score:
        cell = self.grid[offset][column]
        if len(cell) == 0:
            return _NO_SCORE
        spans = _spans_by_class(cell)
        self.cells_read_with_spans += bool(spans)
        scores = spans.get("tsco")
        if not scores:
            return _NO_SCORE
        # lxml closes FTL's unclosed span.tsco at </td>: its own text is the score, and the
        # extra lines (span.tref) end up inside it; a browser copy has them beside it instead
        own_text = normalize_whitespace(" ".join([scores[0].text or "", *(c.tail or "" for c in scores[0])]))
        touches: tuple[int, int] | None = None
        label: str | None = None
        if match := _SCORE.fullmatch(own_text):
            touches = (int(match["winner"]), int(match["loser"]))
        elif _WITHDRAWAL.fullmatch(own_text):
            label = own_text
        elif own_text:
            raise self.cell_error(offset, column, f"score reads {own_text!r}, expected 'N - N'")
        times: list[str] = []
        strips: list[str] = []
        referees: list[TableauReferee] = []
        for line in spans.get("tref", []):
            text = _span_text(line)  # a time/strip line is one text node: no serialiser
            if not text:
                continue
            if referee := _REFEREE_LINE.fullmatch(text):
                referees.append(self._referee(referee["role"], referee["rest"], line, offset, column))
                continue
            try:
                time, strip = _time_and_strip(text)
            except ValueError as exc:
                raise self.cell_error(offset, column, str(exc)) from None
            times += [time] if time else []
            strips += [strip] if strip else []
        match_id = None
        for details_span in spans.get("tmdl", []):
            for link in details_span.iter("a"):
                if details := _MATCH_DETAILS.search(link.get("href") or ""):
                    match_id = details["match"].upper()
        return _Score(touches, label, times, strips, referees, match_id)

    def _referee(
        self, role: str, shown: str, line: etree._Element, offset: int, column: int
    ) -> TableauReferee:
        country = flag_country(line)
        words = shown.split()
        # the code printed beside the flag, after the name (or before it)
        for end in (-1, 0):
            if country is not None and len(words) > 1 and words[end] == country:
                del words[end]
                break
        if not words:
            raise self.cell_error(offset, column, f"{role} line names no one")
        return TableauReferee(role=role, name=" ".join(words), country=country)

    # -- bouts

    def _round(
        self,
        column: int,
        slots: list[_Slot],
        fencers: list[TableauFencer | None],
        next_slots: list[_Slot] | None,
    ) -> tuple[list[TableauBout], list[TableauFencer | None]]:
        """The round's bouts, and who is carried into each slot of the next column."""
        bouts = []
        advancing: list[TableauFencer | None] = []
        for index in range(len(slots) // 2):
            upper, lower = slots[2 * index], slots[2 * index + 1]
            fencer_a, fencer_b = fencers[2 * index], fencers[2 * index + 1]
            next_slot = next_slots[index] if next_slots is not None else _EMPTY_SLOT
            next_offset = self._slot_offset(column + 1, index)
            score = self._score(next_offset + 1, column + 1) if next_slots is not None else _NO_SCORE
            winner = self._winner(column, index, next_offset, next_slot, fencer_a, fencer_b)
            bouts.append(
                self._bout(
                    index, column, next_offset, (upper, lower), (fencer_a, fencer_b), winner, next_slot, score
                )
            )
            advancing.append(fencer_a if winner == "A" else fencer_b if winner == "B" else None)
        return bouts, advancing

    def _winner(
        self,
        column: int,
        index: int,
        next_offset: int,
        next_slot: _Slot,
        fencer_a: TableauFencer | None,
        fencer_b: TableauFencer | None,
    ) -> Literal["A", "B"] | None:
        if next_slot.kind != "fencer":
            return None
        names = (fencer_a.name if fencer_a else None, fencer_b.name if fencer_b else None)
        if names[0] is not None and names[0] == names[1]:
            raise self.cell_error(next_offset, column + 1, f"bout {index + 1}: {names[0]!r} on both sides")
        if next_slot.name == names[0]:
            return "A"
        if next_slot.name == names[1]:
            return "B"
        raise self.cell_error(
            next_offset,
            column + 1,
            f"winner {next_slot.name!r} is neither side of bout {index + 1} ({names[0]!r} v {names[1]!r})",
        )

    def _bout(
        self,
        index: int,
        column: int,
        next_offset: int,
        slots: tuple[_Slot, _Slot],
        sides: tuple[TableauFencer | None, TableauFencer | None],
        winner: Literal["A", "B"] | None,
        next_slot: _Slot,
        score: _Score,
    ) -> TableauBout:
        def fail(detail: str) -> TableauParseError:
            return self.cell_error(next_offset + 1, column + 1, f"bout {index + 1}: {detail}")

        times = {*score.times, *([next_slot.time] if next_slot.time else [])}
        strips = {*score.strips, *([next_slot.strip] if next_slot.strip else [])}
        if len(times) > 1 or len(strips) > 1:
            raise fail(f"two different times or strips shown ({sorted(times | strips)})")
        status: BoutStatus
        score_a = score_b = None
        if slots[0].kind == "bye" or slots[1].kind == "bye":
            if score.touches is not None:
                raise fail("a bye with a score")
            status = "bye"
        elif winner is not None:
            if score.touches is not None:
                status = "complete"
                # FTL prints the winner's score first
                won, lost = score.touches
                score_a, score_b = (won, lost) if winner == "A" else (lost, won)
            else:
                status = "walkover"
        elif score.touches is not None or score.label is not None:
            raise fail("a result shown, but no winner in the next column")
        elif sides[0] is not None and sides[1] is not None and (times or strips):
            status = "scheduled"
        else:
            status = "pending"
        return TableauBout(
            number=index + 1,
            fencer_a=sides[0],
            fencer_b=sides[1],
            winner=winner,
            score_a=score_a,
            score_b=score_b,
            status=status,
            result_label=score.label,
            time=next(iter(times), None),
            strip=next(iter(strips), None),
            referees=score.referees,
            match_id=score.match_id,
        )


def _time_and_strip(text: str) -> tuple[str | None, str | None]:
    match = _TIME_AND_STRIP.fullmatch(normalize_whitespace(text))
    if match is None or not (match["time"] or match["strip"]):
        raise ValueError(f"line reads {text!r}, expected a referee, or a time and strip")
    return match["time"], match["strip"]


def _spans_by_class(cell: etree._Element) -> dict[str, list[etree._Element]]:
    """The cell's spans by each of their classes: its own, and those lxml nests in an unclosed tsco.

    Only these levels hold what is read (names, seeds, affiliation, score and its lines); the
    flags inside them are read from their own span, so they are not walked here.
    """
    # called on every slot and score cell: iterating the children and comparing tags is about
    # twice as quick as lxml's iterchildren("span") filter
    spans: dict[str, list[etree._Element]] = {}
    for span in cell:
        if span.tag != "span":
            continue
        classes = (span.get("class") or "").split()
        for css_class in classes:
            spans.setdefault(css_class, []).append(span)
        if "tsco" in classes:
            for line in span:
                if line.tag == "span":
                    for css_class in (line.get("class") or "").split():
                        spans.setdefault(css_class, []).append(line)
    return spans


def _span_text(span: etree._Element) -> str:
    # a name or seed span holds one text node; only a nested one needs the serialiser
    return normalize_whitespace(span.text or "") if len(span) == 0 else element_text(span)


def _has_class(element: etree._Element, css_class: str) -> bool:
    return css_class in (element.get("class") or "").split()


def _is_power_of_two(number: int) -> bool:
    return number > 0 and number & (number - 1) == 0
