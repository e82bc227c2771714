"""FTL's IDs: 32 hexadecimal characters naming an event, round, pool or fencer."""

from __future__ import annotations

import re

#: an ID as FTL writes it and the output carries it: upper case (the one spelling of the pattern)
FTL_ID_PATTERN = "[0-9A-F]{32}"
#: an ID in any case, as users paste it and as pages might show it
FTL_ID_ANY_CASE = f"(?i:{FTL_ID_PATTERN})"
FTL_ID = re.compile(FTL_ID_ANY_CASE)
