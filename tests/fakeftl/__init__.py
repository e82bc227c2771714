"""A realistic fake FencingTimeLive: invented events, FTL markup, and a fault-injecting server.

Typical use::

    event = generate_event(seed=3)
    with FakeFtlServer(event) as ftl:
        ftl.add_fault("/pools/results/data/", Status(503), Status(503))
        url = ftl.url(f"/pools/scores/{event.event_id}/{event.pool_round_id}")
        ...
        assert bundle == event.expected_bundle()
"""

from .event import (
    FAILED_TO_APPEAR,
    MEDICAL_WITHDRAWAL,
    FakeEvent,
    fencer_totals,
    generate_event,
)
from .event_timeline import EventFrame, EventTimeline
from .render import (
    render_login_page,
    render_pool_fragment,
    render_pools_page,
    render_results_json,
)
from .render_tableau import render_tableau_tables
from .server import (
    Body,
    Delay,
    FakeFtlServer,
    Fault,
    RecordedRequest,
    Redirect,
    Reset,
    Status,
)
from .tableau import WITHDRAWAL_LABEL, FakeTableau, FakeTree, generate_tableau
from .tableau_timeline import TableauFrame, TableauTimeline
from .timeline import Frame, RoundTimeline
from .tournament import (
    EventPlan,
    FakeTournament,
    FakeTournamentEvent,
    generate_tournament,
)

__all__ = [
    "FAILED_TO_APPEAR",
    "MEDICAL_WITHDRAWAL",
    "WITHDRAWAL_LABEL",
    "Body",
    "Delay",
    "EventFrame",
    "EventPlan",
    "EventTimeline",
    "FakeEvent",
    "FakeFtlServer",
    "FakeTableau",
    "FakeTournament",
    "FakeTournamentEvent",
    "FakeTree",
    "Fault",
    "Frame",
    "RecordedRequest",
    "Redirect",
    "Reset",
    "RoundTimeline",
    "Status",
    "TableauFrame",
    "TableauTimeline",
    "fencer_totals",
    "generate_event",
    "generate_tableau",
    "generate_tournament",
    "render_login_page",
    "render_pool_fragment",
    "render_pools_page",
    "render_results_json",
    "render_tableau_tables",
]
