"""A shared crawl's test bench: a stand-in spider over many pool rounds, one unit per round."""
