"""Watching a round live: what changed between two polls, the fencer filter, the polls themselves."""
