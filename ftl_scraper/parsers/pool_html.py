"""Read one pool fragment (/pools/scores/{e}/{r}/{pool}?dbut=true) into a ``models.Pool``.

parsel's ``create_root_node`` parses the page, and the reading below walks the lxml elements with
XPaths compiled once here: a parsel Selector per matched node, and lxml.html's Python-level element
class lookup per node, cost most of the parse time.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from lxml import etree
from parsel.csstranslator import HTMLTranslator
from parsel.selector import create_root_node

from ftl_scraper.errors import LoginRequiredError, PoolParseError
from ftl_scraper.models import Pool, PoolBout, PoolFencer, Referee
from ftl_scraper.parsers.text import AffiliationParts, normalize_whitespace, split_affiliation
from ftl_scraper.site.ids import FTL_ID, FTL_ID_ANY_CASE
from ftl_scraper.site.login import LOGIN_REQUIRED_MESSAGE, is_login_page

_WRAPPER_DIV_ID = re.compile(rf"pool_(?P<pool_id>{FTL_ID_ANY_CASE})")
_DETAILS_HREF = re.compile(
    rf"/pools/details/{FTL_ID_ANY_CASE}/{FTL_ID_ANY_CASE}/(?P<pool_id>{FTL_ID_ANY_CASE})(?![0-9A-Fa-f])"
)
_POOL_NUMBER = re.compile(r"pool\s*#\s*(?P<number>\d+)", re.IGNORECASE)
# The strip is whatever sits between "strip" and " at <time>" (numbers, "A5", "Blue 2"); the time
# must start with a digit so that a strip name containing " at " is not cut short.
_STRIP_AND_TIME = re.compile(r"(?:on\s+)?strip\s+(?P<strip>.+?)(?:\s+at\s+(?P<time>\d.*))?", re.IGNORECASE)
_TIME_ONLY = re.compile(r"(?:at\s+)?(?P<time>\d{1,2}:\d{2}.*)", re.IGNORECASE)
_SCORE_TEXT = re.compile(r"(?P<outcome>[VD])(?P<touches>\d+)?", re.IGNORECASE)
_FLAG_COUNTRY = re.compile(r"flag(?P<country>[A-Za-z]{3})")
_CSS_TO_XPATH = HTMLTranslator()
# what normalize-space() collapses in the XPath a CSS class selector compiles to
_XPATH_WHITESPACE = re.compile(r"[ \t\r\n]+")


def _compiled(xpath: str) -> etree.XPath:
    # plain str results, as parsel's Selector.xpath gives; has-class() is parsel's XPath function,
    # which importing parsel registers with lxml for every expression
    return etree.XPath(xpath, smart_strings=False)


def _css(query: str) -> etree.XPath:
    """Compile ``query`` to the same XPath that parsel's ``Selector.css`` runs for it."""
    return _compiled(_CSS_TO_XPATH.css_to_xpath(query))


# the nearest pool_{ID} div around the pool table: the wrapper FTL's pools page puts it in
_WRAPPER_XPATH = "//table[has-class('poolTable')]/ancestor::div[starts-with(@id, 'pool_')][1]"
_WRAPPER_DIVS = _compiled(_WRAPPER_XPATH)
_WRAPPER_DIV_IDS = _compiled(_WRAPPER_XPATH + "/@id")
_LINK_HREFS = _css("a::attr(href)")
_POOL_TABLES = _css("table.poolTable")
_POOL_NUMBER_HEADINGS = _css("h4.poolNum")
_STRIP_TIME_SPANS = _css("span.poolStripTime")
_HEADER_CELLS = _css("tr.poolHeader > th")
_FENCER_ROWS = _css("tr.poolRow")
_REFEREE_BLOCKS = _css("div.poolRefsDiv")
# what parsel's has-class() splits class attributes on (w3lib's HTML5_WHITESPACE)
_HTML5_WHITESPACE = re.compile(r"[ \t\n\r\x0c]+")
_REFEREE_SPAN_CLASSES = frozenset({"poolRefName", "poolAffil"})

# The header cells that are not position numbers, and the result columns in FTL's order.
_NON_POSITION_HEADERS = frozenset({"poolNameCol", "poolPosCol", "poolSepCol", "poolResCol"})
_RESULT_LABELS = ("V", "V / M", "TS", "TR", "Ind")
_RESULT_PATTERNS = {
    "V": re.compile(r"\d+"),
    "V / M": re.compile(r"\d+(?:\.\d+)?"),
    "TS": re.compile(r"\d+"),
    "TR": re.compile(r"\d+"),
    "Ind": re.compile(r"[+-]?\d+"),
}
_LEADING_CELLS = 2  # name cell, then td.poolPos, before the score matrix


def parse_pool_html(html: str, pool_id: str | None = None) -> Pool:
    """Parse one pool, bare or inside its ``<div id="pool_{ID}">`` wrapper (or a page holding one).

    ``pool_id`` wins over the IDs the markup carries (wrapper div, then the Details link).
    """
    if is_login_page(html):
        raise LoginRequiredError(LOGIN_REQUIRED_MESSAGE, pool_id=_clean_id_or_none(pool_id))
    # what Selector(text=html, type="html") parses, with plain lxml elements instead of lxml.html's
    document = create_root_node(html, etree.HTMLParser)
    resolved_pool_id = _resolve_pool_id(document, pool_id)
    try:
        return _PoolReader(document, resolved_pool_id).read()
    except (KeyError, IndexError, AttributeError, TypeError, ValueError) as exc:
        # ValueError covers pydantic's ValidationError: a value the output model refuses
        detail = normalize_whitespace(str(exc))
        raise PoolParseError(
            f"pool {resolved_pool_id}: unexpected pool content ({type(exc).__name__}: {detail})",
            pool_id=resolved_pool_id,
        ) from exc


def parse_strip_time(text: str) -> tuple[str | None, str | None]:
    """Split ``span.poolStripTime`` text into (strip, start time) as shown; None if not present.

    Raises ValueError on text of no known shape.
    """
    shown = normalize_whitespace(text)
    if not shown:
        return None, None
    if strip_and_time := _STRIP_AND_TIME.fullmatch(shown):
        return strip_and_time["strip"], strip_and_time["time"]
    if time_only := _TIME_ONLY.fullmatch(shown):
        return None, time_only["time"]
    raise ValueError(f"strip/time reads {shown!r}, expected 'On strip X at H:MM AM'")


def _clean_id_or_none(pool_id: str | None) -> str | None:
    if pool_id is None:
        return None
    cleaned = pool_id.strip().upper()
    return cleaned if FTL_ID.fullmatch(cleaned) else None


def _resolve_pool_id(document: etree._Element, pool_id: str | None) -> str:
    if pool_id is not None:
        cleaned = _clean_id_or_none(pool_id)
        if cleaned is None:
            raise PoolParseError(f"pool_id {pool_id!r} is not a 32-character hex FTL pool ID")
        return cleaned
    for div_id in _WRAPPER_DIV_IDS(document):
        if wrapper := _WRAPPER_DIV_ID.fullmatch(div_id.strip()):
            return wrapper["pool_id"].upper()
    for href in _LINK_HREFS(document):
        if details := _DETAILS_HREF.search(href):
            return details["pool_id"].upper()
    raise PoolParseError(
        "pool fragment names no pool ID: no pool_{ID} wrapper div, no Details link, and no pool_id given"
    )


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def _spans_with_class(element: etree._Element, css_class: str) -> list[etree._Element]:
    """What the CSS selector ``span.{css_class}`` finds from ``element``, without an XPath call.

    Used per row, where evaluating a compiled XPath costs several times this walk.
    """
    return [
        span for span in element.iter("span") if css_class in _XPATH_WHITESPACE.split(span.get("class") or "")
    ]


def _text_content(element: etree._Element) -> str:
    # the text nodes xpath(".//text()") finds, joined in C: ~8x quicker than "".join(itertext())
    return normalize_whitespace(etree.tostring(element, method="text", encoding=str, with_tail=False))


# NamedTuples rather than frozen dataclasses: one is built per matrix cell, and a frozen
# dataclass's __init__ costs several times as much
class _Cell(NamedTuple):
    """One matrix cell: the row fencer's own result against the column's fencer."""

    annulled: bool
    outcome: Literal["V", "D"] | None  # None: not fenced yet (or the diagonal)
    touches: int | None  # None: not fenced, annulled, or a bare "V"/"D"


_NOT_FENCED = _Cell(annulled=False, outcome=None, touches=None)


class _Results(NamedTuple):
    victories: int | None
    victory_ratio: float | None
    touches_scored: int | None
    touches_received: int | None
    indicator: int | None


_NO_RESULTS = _Results(None, None, None, None, None)


class _Row(NamedTuple):
    fencer: PoolFencer
    cells: list[_Cell]  # cells[j - 1] is the bout against position j


class _PoolReader:
    """Reads one pool; every structural surprise becomes a PoolParseError naming the pool."""

    def __init__(self, document: etree._Element, pool_id: str) -> None:
        self.pool_id = pool_id
        self.root, self.table = self._pool_root(document)

    def error(self, detail: str) -> PoolParseError:
        return PoolParseError(f"pool {self.pool_id}: {detail}", pool_id=self.pool_id)

    def read(self) -> Pool:
        strip, start_time = self._strip_and_time()
        position_count = self._position_count(self.table)
        rows = self._rows(self.table, position_count)
        return Pool(
            pool_id=self.pool_id,
            pool_number=self._pool_number(),
            strip=strip,
            start_time=start_time,
            fencers=[row.fencer for row in rows],
            bouts=self._bouts(rows),
            referees=self._referees(),
        )

    def _pool_root(self, document: etree._Element) -> tuple[etree._Element, etree._Element]:
        """Return (the pool's wrapper div, or else the document; its one pool table)."""
        tables = _POOL_TABLES(document)
        if not tables:
            raise self.error("no pool table (table.poolTable): not a pool fragment")
        if len(tables) > 1:
            raise self.error(f"expected one pool, the page holds {len(tables)} pool tables")
        wrappers = _WRAPPER_DIVS(document)
        return (wrappers[0] if wrappers else document), tables[0]

    def _pool_number(self) -> int:
        headings = _POOL_NUMBER_HEADINGS(self.root)
        if len(headings) != 1:
            raise self.error(f"expected one pool number (h4.poolNum), found {len(headings)}")
        heading = _text_content(headings[0])
        match = _POOL_NUMBER.fullmatch(heading)
        if match is None or int(match["number"]) < 1:
            raise self.error(f"pool number reads {heading!r}, expected 'Pool #N'")
        return int(match["number"])

    def _strip_and_time(self) -> tuple[str | None, str | None]:
        spans = _STRIP_TIME_SPANS(self.root)
        if not spans:
            return None, None
        if len(spans) > 1:
            raise self.error(f"expected at most one span.poolStripTime, found {len(spans)}")
        try:
            return parse_strip_time(_text_content(spans[0]))
        except ValueError as exc:
            raise self.error(str(exc)) from exc

    def _position_count(self, table: etree._Element) -> int:
        header_cells = _HEADER_CELLS(table)
        if not header_cells:
            raise self.error("the pool table has no header row (tr.poolHeader)")
        positions = [
            _text_content(cell) for cell in header_cells if not _classes(cell) & _NON_POSITION_HEADERS
        ]
        expected = [str(position) for position in range(1, len(positions) + 1)]
        if not positions or positions != expected:
            raise self.error(f"header position columns read {positions}, expected 1..n")
        result_labels = tuple(_text_content(cell) for cell in header_cells if "poolResCol" in _classes(cell))
        if _squash(result_labels) != _squash(_RESULT_LABELS):
            raise self.error(
                f"header result columns read {list(result_labels)}, expected {list(_RESULT_LABELS)}"
            )
        return len(positions)

    def _rows(self, table: etree._Element, position_count: int) -> list[_Row]:
        row_elements = _FENCER_ROWS(table)
        if not row_elements:
            raise self.error("the pool table has no fencer rows (tr.poolRow)")
        if len(row_elements) != position_count:
            raise self.error(
                f"header has {position_count} positions but the table has {len(row_elements)} fencer rows"
            )
        return [
            self._row(position, row_element, position_count)
            for position, row_element in enumerate(row_elements, start=1)
        ]

    def _row(self, position: int, row_element: etree._Element, position_count: int) -> _Row:
        cells = list(row_element.iterchildren("td"))
        cell_classes = [_classes(cell) for cell in cells]  # once per cell: it is checked twice
        separator_index = next(
            (index for index, classes in enumerate(cell_classes) if "poolSep" in classes), None
        )
        if separator_index is None:
            raise self.error(f"row {position} has no separator cell (td.poolSep)")
        score_cell_count = separator_index - _LEADING_CELLS
        if score_cell_count != position_count:
            raise self.error(f"row {position} has {score_cell_count} score cells, expected {position_count}")
        name_cell, position_cell = cells[0], cells[1]
        self._check_position(position, position_cell, cell_classes[1])
        matrix = [
            self._cell(position, column, cell, classes)
            for column, (cell, classes) in enumerate(
                zip(
                    cells[_LEADING_CELLS:separator_index],
                    cell_classes[_LEADING_CELLS:separator_index],
                    strict=True,
                ),
                start=1,
            )
        ]
        results_start = separator_index + 1
        status_label, results = self._results(position, cells[results_start:], cell_classes[results_start:])
        affiliation, parts = self._affiliation(_spans_with_class(name_cell, "poolAffil"), f"row {position}")
        fencer = PoolFencer(
            position=position,
            name=self._fencer_name(position, name_cell),
            affiliation=affiliation,
            club=parts.club,
            division=parts.division,
            country=parts.country,
            status="active" if status_label is None else "withdrawn",
            status_label=status_label or None,
            victories=results.victories,
            victory_ratio=results.victory_ratio,
            touches_scored=results.touches_scored,
            touches_received=results.touches_received,
            indicator=results.indicator,
        )
        return _Row(fencer=fencer, cells=matrix)

    def _check_position(self, position: int, position_cell: etree._Element, classes: set[str]) -> None:
        shown = _text_content(position_cell)
        if "poolPos" not in classes:
            raise self.error(f"row {position}: second cell is not td.poolPos (reads {shown!r})")
        if shown != str(position):
            raise self.error(f"row {position}: td.poolPos reads {shown!r}, expected {position}")

    def _fencer_name(self, position: int, name_cell: etree._Element) -> str:
        names = [_text_content(span) for span in _spans_with_class(name_cell, "poolCompName")]
        if len(names) != 1 or not names[0]:
            raise self.error(f"row {position}: expected one non-empty span.poolCompName")
        return names[0]

    def _cell(self, position: int, column: int, cell: etree._Element, classes: set[str]) -> _Cell:
        shown = "".join(_text_content(cell).split())
        where = f"row {position}, column {column}"
        if "poolScoreWDX" in classes:
            return _Cell(annulled=True, outcome=None, touches=None)
        if column == position:
            if shown:
                raise self.error(f"{where}: diagonal cell holds {shown!r}")
            return _NOT_FENCED  # the diagonal: no bout against oneself
        if "poolScoreFill" in classes:
            raise self.error(f"{where}: diagonal filler cell (poolScoreFill) off the diagonal")
        if not shown:
            return _NOT_FENCED
        score = _SCORE_TEXT.fullmatch(shown)
        if score is None:
            raise self.error(f"{where}: score cell reads {shown!r}, expected V or D and touches")
        touches = score["touches"]
        outcome: Literal["V", "D"] = "V" if score["outcome"].upper() == "V" else "D"
        return _Cell(annulled=False, outcome=outcome, touches=int(touches) if touches else None)

    def _results(
        self, position: int, cells: list[etree._Element], cell_classes: list[set[str]]
    ) -> tuple[str | None, _Results]:
        """Return (withdrawal label or None, results); an empty label is returned as ""."""
        if len(cells) == 1 and "poolResultWDX" in cell_classes[0]:
            return _text_content(cells[0]), _NO_RESULTS
        if len(cells) == len(_RESULT_LABELS) and all("poolResult" in c for c in cell_classes):
            victories, ratio, scored, received, indicator = (
                self._result_text(position, label, _text_content(cell))
                for label, cell in zip(_RESULT_LABELS, cells, strict=True)
            )
            return None, _Results(
                victories=_int_or_none(victories),
                victory_ratio=None if ratio is None else float(ratio),
                touches_scored=_int_or_none(scored),
                touches_received=_int_or_none(received),
                indicator=_int_or_none(indicator),
            )
        found = ", ".join(" ".join(sorted(c)) or "(no class)" for c in cell_classes) or "nothing"
        raise self.error(
            f"row {position}: expected five td.poolResult or one td.poolResultWDX after "
            f"td.poolSep, found {found}"
        )

    def _result_text(self, position: int, label: str, shown: str) -> str | None:
        if not shown:
            return None  # the pool has not started, or FTL has not totalled this fencer yet
        if not _RESULT_PATTERNS[label].fullmatch(shown):
            raise self.error(f"row {position}: result column {label} reads {shown!r}")
        return shown

    def _affiliation(self, spans: list[etree._Element], owner: str) -> tuple[str | None, AffiliationParts]:
        if not spans:
            return None, AffiliationParts(None, None, None)
        if len(spans) > 1:
            raise self.error(f"{owner}: expected one span.poolAffil, found {len(spans)}")
        text = _text_content(spans[0])
        flag_country = self._flag_country(spans[0])
        return text or None, split_affiliation(text, flag_country)

    @staticmethod
    def _flag_country(affiliation: etree._Element) -> str | None:
        for flag in _spans_with_class(affiliation, "flag"):
            for css_class in _classes(flag):
                if match := _FLAG_COUNTRY.fullmatch(css_class):
                    return match["country"].upper()
        return None

    def _bouts(self, rows: list[_Row]) -> list[PoolBout]:
        return [
            self._bout(rows, position_a, position_b)
            for position_a in range(1, len(rows) + 1)
            for position_b in range(position_a + 1, len(rows) + 1)
        ]

    def _bout(self, rows: list[_Row], position_a: int, position_b: int) -> PoolBout:
        cell_a = rows[position_a - 1].cells[position_b - 1]
        cell_b = rows[position_b - 1].cells[position_a - 1]
        status: Literal["complete", "pending", "annulled"]
        winner: Literal["A", "B"] | None = None
        if cell_a.annulled or cell_b.annulled:
            status = "annulled"
        elif cell_a.outcome is not None and cell_b.outcome is not None:
            if cell_a.outcome == cell_b.outcome:
                raise self.error(
                    f"bout {position_a}-{position_b}: both cells read {cell_a.outcome}, "
                    "expected one V and one D"
                )
            status = "complete"
            winner = "A" if cell_a.outcome == "V" else "B"
        else:
            status = "pending"
        return PoolBout(
            position_a=position_a,
            position_b=position_b,
            fencer_a=rows[position_a - 1].fencer.name,
            fencer_b=rows[position_b - 1].fencer.name,
            score_a=cell_a.touches,
            score_b=cell_b.touches,
            winner=winner,
            status=status,
        )

    def _referees(self) -> list[Referee]:
        blocks = _REFEREE_BLOCKS(self.root)
        if not blocks:
            return []
        if len(blocks) > 1:
            raise self.error(f"expected one div.poolRefsDiv, found {len(blocks)}")
        referees: list[tuple[str, list[etree._Element]]] = []
        for span in _referee_spans(blocks[0]):
            if "poolRefName" in _classes(span):
                referees.append((_text_content(span), []))
            elif referees:
                referees[-1][1].append(span)
            else:
                raise self.error("referee affiliation (span.poolAffil) before any referee name")
        return [self._referee(index, *referee) for index, referee in enumerate(referees, 1)]

    def _referee(self, index: int, name: str, affiliation_spans: list[etree._Element]) -> Referee:
        if not name:
            raise self.error(f"referee {index} has an empty name")
        affiliation, parts = self._affiliation(affiliation_spans, f"referee {index}")
        return Referee(name=name, affiliation=affiliation, country=parts.country)


def _referee_spans(block: etree._Element) -> list[etree._Element]:
    """The span.poolRefName and span.poolAffil under ``block``, both kinds in document order.

    Each span.poolAffil belongs to the span.poolRefName before it. This is the XPath
    .//span[has-class('poolRefName') or has-class('poolAffil')] walked in Python, because
    has-class() calls back into Python for every span anyway.
    """
    return [
        span
        for span in block.iterdescendants("span")
        if not _REFEREE_SPAN_CLASSES.isdisjoint(_HTML5_WHITESPACE.split(span.get("class") or ""))
    ]


def _int_or_none(shown: str | None) -> int | None:
    return None if shown is None else int(shown)


def _squash(labels: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("".join(label.split()).upper() for label in labels)
