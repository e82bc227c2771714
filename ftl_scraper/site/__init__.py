"""What we know about FencingTimeLive itself: its IDs, URLs and login pages (no Scrapy here)."""
