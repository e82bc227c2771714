"""Lets ``scrapyd-deploy`` build the project's egg (``setup.py bdist_egg``); pyproject.toml holds the rest."""

from setuptools import setup

setup()
