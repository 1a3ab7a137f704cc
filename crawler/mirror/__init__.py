"""The offline mirror: synthetic copies of procuracy news sites, served locally for the demo and tests.

``articles/*.yml`` hold the synthetic articles (schema in ``content.py``);
``render.py`` draws them in each site's layout; ``server.py`` serves them.
"""
