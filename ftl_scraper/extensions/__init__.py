"""Scrapy extensions, one concern per module."""
