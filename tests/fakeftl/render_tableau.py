"""FTL's markup for a generated tree: the ``…/trees/{tree}/tables/{first}/{count}`` fragment.

Raw form as FTL serves it: single-quoted attributes, no ``<tbody>``, ``<br />``, ``&#160;`` and an
unclosed ``span.tsco``. Slot k of window column w sits on data row 2^w - 1 + k·2^(w+1); a bout's
score cell is the row below its winner's slot; later columns show bracket-position seeds.
"""

from __future__ import annotations

from html import escape

from ftl_scraper.models import TableauFencer, TableauReferee

from .tableau import BYE, FakeTree, PlannedBout, Side, ftl_bracket_order


def render_tableau_tables(tree: FakeTree, first: int, count: int, event_id: str, tableau_id: str) -> str:
    """Columns ``first`` … ``first + count - 1`` of the tree (the winner column is number numTables)."""
    last = min(first + count, tree.table_count + 1)
    columns = list(range(first, last))
    if not columns:
        return "<div class='elimPanel'><table class='elimTableau w-100'></table></div>"
    width = f"{100 // len(columns)}%"
    labels = [tree.labels[c] if c < tree.table_count else "" for c in columns]
    header = "".join(f"<th width='{width}'>{escape(label)}</th>" for label in labels)
    spacer = "".join(f"<td width='{width}'>&nbsp;</td>" for _ in columns)
    rows = [f"<tr>{header}</tr>", f"<tr>{spacer}</tr>"]
    data_rows = 2 * (len(tree.first_column) >> first)
    for offset in range(data_rows):
        cells = "".join(
            _cell(tree, offset, window_column, first + window_column, event_id, tableau_id)
            for window_column in range(len(columns))
        )
        rows.append(f"<tr class='tAlt'>{cells}</tr>" if offset % 2 else f"<tr>{cells}</tr>")
    return f"<div class='elimPanel'><table class='elimTableau w-100'>{''.join(rows)}</table></div>"


def _cell(
    tree: FakeTree, offset: int, window_column: int, column: int, event_id: str, tableau_id: str
) -> str:
    period, half = 1 << (window_column + 1), 1 << window_column
    if (offset + 1) % period == half:
        index = (offset + 1 - half) // period
        css_class = "tbbr" if index % 2 else "tbb"
        return f"<td class='{css_class}'>{_slot(tree, column, index, leftmost=window_column == 0)}</td>"
    if offset % period == half:
        index = (offset - half) // period
        css_class = "tscoref" if index % 2 else "tbr tscoref"
        if window_column == 0 or column == 0:
            return f"<td class='{css_class}'>&nbsp;</td>"  # that bout lies left of the window
        bout = tree.bouts[column - 1][index]
        return f"<td class='{css_class}'>{_score(bout, event_id, tableau_id)}</td>"
    return "<td>&nbsp;</td>"


def _slot(tree: FakeTree, column: int, index: int, *, leftmost: bool) -> str:
    position_seed = ftl_bracket_order(len(tree.first_column) >> column)[index]
    side: Side
    if column == 0:
        side = tree.first_column[index]
    else:
        bout = tree.bouts[column - 1][index]
        side = bout.winner_side
        if side is None and bout.announced:
            return f"<span class='ttistr'>&nbsp;{_time_strip(bout)}</span>"
    if side is BYE:
        return f"<span class='tseed'>({position_seed})&nbsp;</span><span class='tcln'>- BYE -</span>&nbsp;"
    if not isinstance(side, TableauFencer):
        return "&nbsp;"
    seed = side.seed if column == 0 and side.seed is not None else position_seed
    shown = tree.names[side.name]
    given = f" <span class='tcfn'>{escape(shown.given)}</span>" if shown.given else ""
    affiliation = f"<span class='tcaff'><br />{_affiliation(side)}</span>" if leftmost else ""
    return (
        f"<span class='tseed'>({seed})&nbsp;</span><span class='tcln'>{escape(shown.surname)}</span>"
        f"{given}{affiliation}&nbsp;"
    )


def _affiliation(fencer: TableauFencer) -> str:
    parts = [escape(part) for part in (fencer.club, fencer.division) if part]
    if fencer.country:
        parts.append(f"<span class='flag flag{fencer.country}'></span>{fencer.country}")
    return " / ".join(parts)


def _score(bout: PlannedBout, event_id: str, tableau_id: str) -> str:
    if bout.touches is not None:
        result = f"{bout.touches[0]} - {bout.touches[1]}"
    elif bout.label is not None:
        result = escape(bout.label)
    else:
        result = "&nbsp;"
    lines = [_referee_line(referee) for referee in bout.referees]
    if bout.time_line:
        lines.append(f"<span class='tref'>{_time_strip(bout)}</span>")
    if bout.match_id:
        href = f"/teammatches/details/{event_id}/{tableau_id}/{bout.match_id}"
        lines.append(f"<span class='tmdl'><a href='{href}'>[Match Details]</a></span>")
    # FTL never closes span.tsco
    return f"<span class='tsco'>{result}{''.join(f'<br />{line}' for line in lines)}&nbsp;"


def _referee_line(referee: TableauReferee) -> str:
    flag = f" <span class='flag flag{referee.country}'></span>{referee.country}" if referee.country else ""
    return f"<span class='tref'>{referee.role} {escape(referee.name)}{flag}</span>"


def _time_strip(bout: PlannedBout) -> str:
    parts = [part for part in (bout.time, f"Strip {bout.strip}" if bout.strip else None) if part]
    return "&#160;".join(escape(part) for part in parts)
